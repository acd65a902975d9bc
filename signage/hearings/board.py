"""The hearings table's queries: an upload replaces the dates it covers; read per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from signage.db import Store, hearings, now
from signage.hearings.records import Hearing

HEARINGS_CHANGED = "version:hearings"


def replace_hearings(
    store: Store,
    found: list[Hearing],
    zone: ZoneInfo,
    user: str | None,
    rooms: Collection[str] | None = None,
) -> list[dt.date]:
    """Replace every hearing on the dates these cover (in these `rooms` only, when given) with
    these; the dates, in order."""
    days = sorted({hearing.day(zone) for hearing in found})
    moment = now()
    with store.engine.begin() as conn:
        if days:
            gone = hearings.c.day.in_(days)
            if rooms is not None:
                gone = gone & hearings.c.courtroom.in_(list(rooms))
            conn.execute(hearings.delete().where(gone))
        if found:
            conn.execute(
                hearings.insert(),
                [
                    {
                        "day": hearing.day(zone),
                        "starts_at": hearing.starts_at,
                        "ends_at": hearing.ends_at,
                        "case_number": hearing.case_number,
                        "cause": hearing.cause,
                        "parties": [list(pair) for pair in hearing.parties],
                        "judge": hearing.judge,
                        "courtroom": hearing.courtroom,
                        "public": hearing.public,
                        "imported_by": user,
                        "imported_at": moment,
                    }
                    for hearing in found
                ],
            )
    store.bump(HEARINGS_CHANGED)
    return days


def hearing_rows(store: Store, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The stored hearings from the first to the last date (inclusive), by start time."""
    query = (
        sa.select(hearings)
        .where(hearings.c.day >= first, hearings.c.day <= last)
        .order_by(hearings.c.starts_at, hearings.c.courtroom, hearings.c.id)
    )
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
