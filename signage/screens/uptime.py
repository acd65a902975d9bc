"""When the screens were on, from their heartbeats: stretches of beats with no silence longer
than the offline threshold. The heartbeat moves its screen's newest stretch on (one indexed
UPDATE in the heartbeat's own transaction), or starts a new one after a silence; the ledger
counts the hours per screen and day from them; housekeeping drops old ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from signage.db import Store, screen_uptime

DAY = dt.timedelta(days=1)


def note_beat(conn: Connection, screen_id: str, moment: dt.datetime, gap: dt.timedelta) -> None:
    """A beat at `moment`: the screen's stretch that ended at most `gap` ago now ends here, or
    a new stretch begins."""
    moved = conn.execute(
        screen_uptime.update()
        .where(
            screen_uptime.c.screen_id == screen_id,
            screen_uptime.c.until >= moment - gap,
            screen_uptime.c.until <= moment,
        )
        .values(until=moment)
    ).rowcount
    if not moved:
        conn.execute(screen_uptime.insert().values(screen_id=screen_id, since=moment, until=moment))


def stretches(
    store: Store, start: dt.datetime, end: dt.datetime
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Each screen's stretches on within [start, end), cut to it, overlaps joined, in order."""
    query = (
        sa.select(screen_uptime.c.screen_id, screen_uptime.c.since, screen_uptime.c.until)
        .where(screen_uptime.c.until > start, screen_uptime.c.since < end)
        .order_by(screen_uptime.c.screen_id, screen_uptime.c.since)
    )
    found: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    with store.engine.connect() as conn:
        for screen_id, since, until in conn.execute(query):
            left, right = max(since, start), min(until, end)
            if left >= right:
                continue
            mine = found.setdefault(screen_id, [])
            # Two web processes may each have begun a stretch at once: count that time once.
            if mine and left <= mine[-1][1]:
                mine[-1] = (mine[-1][0], max(mine[-1][1], right))
            else:
                mine.append((left, right))
    return found


def hours_per_day(
    spans: Iterable[tuple[dt.datetime, dt.datetime]], zone: ZoneInfo
) -> dict[dt.date, float]:
    """Hours on per local date, a stretch over midnight split between its days."""
    hours: dict[dt.date, float] = {}
    for left, right in spans:
        for day, seconds in _split_by_day(left.astimezone(zone), right.astimezone(zone)):
            hours[day] = hours.get(day, 0.0) + seconds / 3600
    return hours


def _split_by_day(left: dt.datetime, right: dt.datetime) -> Iterator[tuple[dt.date, float]]:
    while left < right:
        day = left.date()
        midnight = dt.datetime.combine(day + DAY, dt.time(), left.tzinfo)
        cut = min(right, midnight)
        yield day, (cut - left).total_seconds()
        left = cut


def uptime_by_day(
    store: Store, zone: ZoneInfo, first: dt.date, last: dt.date
) -> dict[tuple[str, dt.date], float]:
    """(screen, local date) -> hours it was on, over the local dates [first, last]."""
    start = dt.datetime.combine(first, dt.time(), zone)
    end = dt.datetime.combine(last + DAY, dt.time(), zone)
    return {
        (screen_id, day): hours
        for screen_id, spans in stretches(store, start, end).items()
        for day, hours in hours_per_day(spans, zone).items()
    }


def prune_uptime(store: Store, moment: dt.datetime, keep_days: int) -> int:
    """Drop stretches that ended more than `keep_days` before `moment`; how many."""
    with store.engine.begin() as conn:
        return conn.execute(
            screen_uptime.delete().where(
                screen_uptime.c.until < moment - dt.timedelta(days=keep_days)
            )
        ).rowcount
