"""Leases: one process at a time does a database's housekeeping, whatever else runs.

A lease row names its holder (host:pid) and when it expires. The holder renews it well
before then; when the holder dies, the lease runs out and the next process that asks
takes it over. Each step is one conditional statement, so two processes never both win.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from signage.db import Store, leases, now


def take_lease(store: Store, name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease for `seconds`; whether `holder` holds it now."""
    moment = now()
    values = {"holder": holder, "expires_at": moment + dt.timedelta(seconds=seconds)}
    with store.engine.begin() as conn:
        renewed = conn.execute(
            leases.update()
            .where(
                leases.c.name == name,
                sa.or_(leases.c.holder == holder, leases.c.expires_at < moment),
            )
            .values(**values, renewed_at=moment)
        ).rowcount
    if renewed:
        return True
    try:
        with store.engine.begin() as conn:
            conn.execute(leases.insert().values(name=name, **values, renewed_at=moment))
    except sa.exc.IntegrityError:  # someone else holds it (or took it just now)
        return False
    return True


def release_lease(store: Store, name: str, holder: str) -> None:
    """Give the lease up on a clean stop, so another process takes over at once."""
    with store.engine.begin() as conn:
        conn.execute(leases.delete().where(leases.c.name == name, leases.c.holder == holder))


def lease_row(store: Store, name: str) -> dict[str, Any] | None:
    """Who holds the lease and until when (None: nobody ever took it)."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(leases).where(leases.c.name == name)).mappings().first()
    return dict(row) if row else None
