"""Showing one GradeReport: the terminal view, the HTML feedback page and their shared formatting."""
