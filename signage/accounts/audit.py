"""The audit log: who did what, to what, and when (sign-ins, saves, keys, alerts, media)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from signage.config.when import iso
from signage.db import Store, audit_log, now

MAX_LIST = 500


def audit(
    store: Store,
    user: Mapping[str, Any] | str | None,
    action: str,
    target: str | None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Note who did what (a user row, a name, or None for the command line) and to what."""
    name = user.get("name") if isinstance(user, Mapping) else user
    with store.engine.begin() as conn:
        conn.execute(
            audit_log.insert().values(
                at=now(),
                user=name,
                action=action,
                target=target,
                details=dict(details) if details else None,
            )
        )


def audit_entries(
    store: Store,
    *,
    limit: int = 100,
    before: int | None = None,
    action: str | None = None,
    user: str | None = None,
    users: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The newest audit entries first; `before` pages back from an entry id; `users` keeps
    only what these people did (a unit's)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(min(limit, MAX_LIST))
    if before is not None:
        query = query.where(audit_log.c.id < before)
    if action:
        query = query.where(audit_log.c.action == action)
    if user:
        query = query.where(audit_log.c.user == user)
    if users is not None:
        query = query.where(audit_log.c.user.in_(users))
    with store.engine.connect() as conn:
        return [
            {
                "id": row["id"],
                "at": iso(row["at"]),
                "user": row["user"],
                "action": row["action"],
                "target": row["target"],
                "details": row["details"],
            }
            for row in conn.execute(query).mappings()
        ]
