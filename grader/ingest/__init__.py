"""Reading a learner's files: bounded reads, notebooks, parsing, choosing definitions, the Submission.

It turns hostile bytes into compiled units the sandbox can run; nothing here runs learner code.
"""
