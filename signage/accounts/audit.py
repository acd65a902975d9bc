"""The audit log: who did what, to what, and when (sign-ins, saves, keys, alerts, media)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.accounts.staff import Actor
from signage.db import Store, audit_log, now

MAX_LIST = 500


class AuditEntry(BaseModel):
    """Who did what, to what, and when (user None: the command line)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    at: dt.datetime
    user: str | None
    action: str
    target: str | None
    details: Any  # what the action noted: JSON as stored


def audit(
    store: Store,
    user: Actor | str | None,
    action: str,
    target: str | None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Note who did what (a user, a name, or None for the command line) and to what."""
    name = user.name if isinstance(user, Actor) else user
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
) -> list[AuditEntry]:
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
        return [AuditEntry(**row) for row in conn.execute(query).mappings()]
