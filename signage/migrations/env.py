"""Alembic's environment: migrations run on the connection `signage.migrations` hands over."""

from __future__ import annotations

from typing import Any

from alembic import context

from signage.db import UtcDateTime, metadata


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Revisions stay plain SQLAlchemy: our UtcDateTime is stored as a DateTime."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime()"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
