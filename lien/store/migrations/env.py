"""Alembic's environment: always handed an open connection by lien.store.engine.upgrade."""

from __future__ import annotations

from alembic import context

from lien.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; PostgreSQL alters it in place.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
