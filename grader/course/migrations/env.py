"""Alembic's entry point for the course database (run by grader.course.store.migrate)."""

from alembic import context

from grader.course.store import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
