"""Reading a learner's files: hostile bytes in, compiled units the sandbox can run out.

In the order a submission goes through them (``submission.load_submission`` drives them all):

    reading.py        bounded reads, notebooks (notebook_outputs.py: a large one without its
                      outputs), digests, the modules next to the files
    parsing.py        magics blanked, tolerant parsing, the statements kept (units.py: CodeUnit)
    compiling.py      each unit compiled here, as the worker would compile its text
    pruning.py        what functions read; imports and computed values nothing reads left out
    linking.py        several files run as one notebook's cells would
    submission.py     the Submission and its fingerprint
    shared_cells.py   cells many learners share, parsed and compiled once by whoever grades them
    home_files.py     which learner file each graded function belongs to

Nothing here runs learner code.
"""
