"""The proposals' limit per hour: one row per proposal sent, by the hash of who sent it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_submissions_key_at", "submissions", ["key", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_submissions_key_at", table_name="submissions")
    op.drop_table("submissions")
