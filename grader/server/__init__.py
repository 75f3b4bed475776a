"""The course server (`grade serve`, extra ``[server]``): the web app, its pages, and grading.

Learners submit over HTTP; submissions wait in the course database's queue and are graded by
the Dispatcher's processes (or a Dask cluster), never in the server's own process.
"""
