"""The store's first schema: versions, the sites of every version, proposals, and the audit
log that triggers keep append-only.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit log is appended to, never rewritten: the database itself refuses an UPDATE or a
# DELETE, whichever code (or person at a SQL prompt) tries it.
APPEND_ONLY: dict[str, list[str]] = {
    "sqlite": [
        f"CREATE TRIGGER audit_no_{verb} BEFORE {verb.upper()} ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for verb in ("update", "delete")
    ],
    "postgresql": [
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    ],
}
DROP_APPEND_ONLY: dict[str, list[str]] = {
    "sqlite": ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_append_only ON audit",
        "DROP FUNCTION audit_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.String(length=500), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("email", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_table(
        "versions",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("restores", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["restores"],
            ["versions.number"],
        ),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Text(), server_default="", nullable=False),
        sa.Column("field", sa.Text(), server_default="", nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["version"],
            ["versions.number"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Integer(), nullable=False),
        sa.Column("valid_to", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=500), nullable=False),
        sa.Column("org_id", sa.Text(), server_default="", nullable=False),
        sa.Column("organisation", sa.Text(), server_default="", nullable=False),
        sa.Column("site", sa.Text(), server_default="", nullable=False),
        sa.Column("address", sa.Text(), server_default="", nullable=False),
        sa.Column("postcode", sa.Text(), server_default="", nullable=False),
        sa.Column("city", sa.Text(), server_default="", nullable=False),
        sa.Column("latitude", sa.Text(), server_default="", nullable=False),
        sa.Column("longitude", sa.Text(), server_default="", nullable=False),
        sa.Column("precision", sa.Text(), server_default="", nullable=False),
        sa.Column("services", sa.Text(), server_default="", nullable=False),
        sa.Column("audiences", sa.Text(), server_default="", nullable=False),
        sa.Column("languages", sa.Text(), server_default="", nullable=False),
        sa.Column("hours", sa.Text(), server_default="", nullable=False),
        sa.Column("phone", sa.Text(), server_default="", nullable=False),
        sa.Column("fax", sa.Text(), server_default="", nullable=False),
        sa.Column("email", sa.Text(), server_default="", nullable=False),
        sa.Column("website", sa.Text(), server_default="", nullable=False),
        sa.Column("contact_person", sa.Text(), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("source_date", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("checked_on", sa.String(length=10), nullable=True),
        sa.Column("checked_by", sa.Text(), server_default="", nullable=False),
        sa.Column("changed_on", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["valid_from"],
            ["versions.number"],
        ),
        sa.ForeignKeyConstraint(
            ["valid_to"],
            ["versions.number"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "valid_from"),
    )
    op.create_index("ix_sites_site_id", "sites", ["site_id"], unique=False)
    op.create_index("ix_sites_valid_to", "sites", ["valid_to"], unique=False)
    op.create_index(
        "ux_sites_current",
        "sites",
        ["site_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ux_sites_current", table_name="sites")
    op.drop_index("ix_sites_valid_to", table_name="sites")
    op.drop_index("ix_sites_site_id", table_name="sites")
    op.drop_table("sites")
    op.drop_table("audit")
    op.drop_table("versions")
    op.drop_table("proposals")
