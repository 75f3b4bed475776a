"""LTI 1.3: registered platforms, their users, launch links (line items), login nonces, the score outbox.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.String(1024), nullable=False),
        sa.Column("token_url", sa.String(1024), nullable=False),
        sa.Column("jwks_url", sa.String(1024)),
        sa.Column("jwks_json", sa.Text),
        sa.Column("deployments", sa.Text, nullable=False),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_table(
        "lti_users",
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sub", sa.String(255), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_table(
        "lti_links",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("exercise", sa.String(80), primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("lineitem", sa.String(1024), nullable=False),
    )
    op.create_table(
        "lti_nonces",
        sa.Column("state", sa.String(64), primary_key=True),
        sa.Column("nonce", sa.String(64), nullable=False, unique=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("used", sa.Integer, nullable=False),
    )
    op.create_table(
        "lti_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("exercise", sa.String(80), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("next_try", sa.Float, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("sent", sa.Float),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_lti_outbox_pending", "lti_outbox", ["sent", "next_try"])


def downgrade() -> None:
    op.drop_index("ix_lti_outbox_pending", "lti_outbox")
    for table in ("lti_outbox", "lti_nonces", "lti_links", "lti_users", "lti_platforms"):
        op.drop_table(table)
