"""Each submission's language: the feedback is written in it when it is graded.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("lang", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("lang")
