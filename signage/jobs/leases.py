"""Leases: one process at a time does a database's housekeeping, whatever else runs.

A lease row names its holder (host:pid) and when it expires. The holder renews it well
before then; when the holder dies, the lease runs out and the next process that asks
takes it over. Each step is one conditional statement, so two processes never both win.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from signage.config.when import iso
from signage.db import Store, leases, now
from signage.media.library import worker_name

if TYPE_CHECKING:  # the web reads the report without loading the scheduler
    from apscheduler.schedulers.base import BaseScheduler

    from signage.parts import Signage

HOUSEKEEPING = "housekeeping"  # the lease of the one process that does the housekeeping


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


def scheduler_report(parts: Signage) -> dict[str, Any]:
    """Who does the housekeeping, whether its lease is fresh, and this process's jobs."""
    scheduler: BaseScheduler | None = parts.scheduler
    lease = lease_row(parts.store, HOUSEKEEPING)
    alive = lease is not None and lease["expires_at"] > now()
    report: dict[str, Any] = {
        "alive": alive,
        "holder": lease["holder"] if lease else None,
        "where": (
            "this process" if lease and lease["holder"] == worker_name() else "another process"
        )
        if alive
        else "not running",
        "renewed_at": iso(lease["renewed_at"]) if lease else None,
    }
    if scheduler is not None and scheduler.running:
        report["jobs"] = sorted(job.id for job in scheduler.get_jobs())
    return report
