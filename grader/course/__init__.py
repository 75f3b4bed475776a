"""A course: its folder (course.toml), its database (accounts, the submission queue) and its rules.

Used by the course server (grader/server) and by the `grade course` commands; nothing here
serves HTTP or grades.
"""
