"""The course database: settings, accounts, extensions, submissions (the queue) and their files.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("lang", sa.String(16)),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "extensions",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("exercise", sa.String(64), primary_key=True),
        sa.Column("days", sa.Float, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("late_days", sa.Float, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("lease_until", sa.Float),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("finished", sa.Float),
        sa.Column("points", sa.Float),
        sa.Column("max_points", sa.Float),
        sa.Column("report_json", sa.Text),
        sa.Column("failure", sa.Text),
    )
    op.create_index("ix_submissions_status_seq", "submissions", ["status", "seq"])
    op.create_index("ix_submissions_account_exercise", "submissions", ["account_id", "exercise"])
    op.create_table(
        "submission_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_seq", sa.Integer, sa.ForeignKey("submissions.seq", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_submission_files_submission_seq", "submission_files", ["submission_seq"])


def downgrade() -> None:
    for table in ("submission_files", "submissions", "extensions", "accounts", "settings"):
        op.drop_table(table)
