"""What grading produces and works from: the GradeReport, the Exercise, recorded reference results.

The lowest stage above the sandbox: every later stage reads these types; they import nothing above.
"""
