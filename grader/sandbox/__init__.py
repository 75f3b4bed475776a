"""Sandboxing of learner code: OS-level isolation of the grading worker process."""
