"""Seeing a screen from the office: the pictures screens send of what they show, and what
staff ask of a screen at its next heartbeat (a new picture, a reload of its page)."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from PIL import Image, UnidentifiedImageError

from signage.accounts.audit import audit
from signage.accounts.staff import StaffUser
from signage.db import Store, screen_requests, screen_snapshots
from signage.errors import Invalid, SignageError
from signage.phrases import N_

MAX_SNAPSHOT_BYTES = 512 * 1024  # a 960-pixel-wide JPEG of a lobby screen is 30-150 KB
LARGEST_SIDE = 4096  # pixels; bigger is not a screen's picture
KEEP = dt.timedelta(days=7)  # what an inspection asks for: the last week
RECENT = dt.timedelta(hours=1)  # pictures younger than this are all kept
PER_HOUR = 4  # older ones: at most one per quarter of an hour

Request = Literal["snapshot", "reload"]
REQUESTS: tuple[Request, ...] = ("snapshot", "reload")


@dataclass(frozen=True)
class Snapshot:
    """One picture a screen sent of what it showed."""

    screen_id: str
    taken_at: dt.datetime
    jpeg: bytes


def check_jpeg(data: bytes) -> None:
    """Refuse anything but a whole JPEG of a sane size (422 `not_jpeg`), never decoding a
    picture whose header promises more pixels than a screen has."""
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise SignageError(
            N_("a snapshot is at most {kb} KB"),
            code="too_large",
            status=413,
            kb=MAX_SNAPSHOT_BYTES // 1024,
        )
    refusal = Invalid(N_("the snapshot is not a JPEG picture"), code="not_jpeg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as picture:
                if max(picture.size) > LARGEST_SIDE:
                    raise Invalid(
                        N_("a snapshot is at most {pixels} pixels wide and high"),
                        code="not_jpeg",
                        pixels=LARGEST_SIDE,
                    )
                picture.load()  # a cut-off file fails here, not in a staff browser
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
        Warning,
    ) as error:
        raise refusal from error


def store_snapshot(store: Store, screen_id: str, jpeg: bytes, moment: dt.datetime) -> Snapshot:
    """Keep a checked picture from the screen, taken at `moment`."""
    check_jpeg(jpeg)
    with store.engine.begin() as conn:
        conn.execute(
            screen_snapshots.insert().values(screen_id=screen_id, taken_at=moment, jpeg=jpeg)
        )
    return Snapshot(screen_id, moment, jpeg)


def latest_snapshot(store: Store, screen_id: str) -> Snapshot | None:
    """The newest picture of the screen, or None before its first."""
    query = (
        sa.select(screen_snapshots.c.taken_at, screen_snapshots.c.jpeg)
        .where(screen_snapshots.c.screen_id == screen_id)
        .order_by(screen_snapshots.c.taken_at.desc(), screen_snapshots.c.id.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else Snapshot(screen_id, row.taken_at, row.jpeg)


def sampled_snapshots(
    store: Store,
    start: dt.datetime,
    end: dt.datetime,
    zone: dt.tzinfo,
    screens: set[str] | None = None,
    most: int = 60,
) -> list[Snapshot]:
    """For an inspection's report: each screen's first picture of each day in [start, end)
    (in the site's days), of `screens` (None: all), oldest first, at most `most` of them."""
    query = (
        sa.select(screen_snapshots.c.id, screen_snapshots.c.screen_id, screen_snapshots.c.taken_at)
        .where(screen_snapshots.c.taken_at >= start, screen_snapshots.c.taken_at < end)
        .order_by(screen_snapshots.c.taken_at, screen_snapshots.c.id)
    )
    if screens is not None:
        query = query.where(screen_snapshots.c.screen_id.in_(sorted(screens)))
    chosen: dict[tuple[str, dt.date], int] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            chosen.setdefault((row.screen_id, row.taken_at.astimezone(zone).date()), row.id)
            if len(chosen) >= most:
                break
        if not chosen:
            return []
        pictures = conn.execute(
            sa.select(screen_snapshots)
            .where(screen_snapshots.c.id.in_(chosen.values()))
            .order_by(screen_snapshots.c.taken_at, screen_snapshots.c.id)
        ).all()
    return [Snapshot(row.screen_id, row.taken_at, row.jpeg) for row in pictures]


def snapshot_times(store: Store) -> dict[str, dt.datetime]:
    """Screen id -> when its newest picture was taken (without the pictures)."""
    query = sa.select(
        screen_snapshots.c.screen_id, sa.func.max(screen_snapshots.c.taken_at).label("taken_at")
    ).group_by(screen_snapshots.c.screen_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return {row.screen_id: row.taken_at for row in rows}


def ask_screen(
    store: Store,
    screen_id: str,
    request: Request,
    moment: dt.datetime,
    user: StaffUser,
) -> None:
    """Ask the screen for a picture, or to reload its page, at its next heartbeat; a reload
    is recorded in the audit log (it interrupts what the lobby sees)."""
    column = screen_requests.c[f"{request}_at"]
    with store.engine.begin() as conn:
        updated = conn.execute(
            screen_requests.update()
            .where(screen_requests.c.screen_id == screen_id)
            .values({column: moment})
        ).rowcount
        if not updated:
            conn.execute(screen_requests.insert().values({"screen_id": screen_id, column: moment}))
    if request == "reload":
        audit(store, user, "screen.reload", screen_id)


def take_requests(store: Store, screen_id: str) -> list[Request]:
    """What staff asked of the screen since its last heartbeat; each is told once."""
    with store.engine.begin() as conn:
        row = conn.execute(
            sa.select(screen_requests).where(screen_requests.c.screen_id == screen_id)
        ).first()
        if row is None:
            return []
        asked = [name for name in REQUESTS if getattr(row, f"{name}_at") is not None]
        for name in asked:
            column = screen_requests.c[f"{name}_at"]
            # Only the request read here: one made in between stays for the next heartbeat.
            conn.execute(
                screen_requests.update()
                .where(
                    screen_requests.c.screen_id == screen_id, column == getattr(row, column.name)
                )
                .values({column: None})
            )
    return asked


def prune_snapshots(store: Store, moment: dt.datetime) -> int:
    """Drop pictures older than a week and, past the last hour, all but the first of each
    quarter hour per screen; how many were dropped."""
    old = moment - KEEP
    thin_before = moment - RECENT
    slot_seconds = 3600 // PER_HOUR
    with store.engine.begin() as conn:
        dropped = conn.execute(
            screen_snapshots.delete().where(screen_snapshots.c.taken_at < old)
        ).rowcount
        rows = conn.execute(
            sa.select(
                screen_snapshots.c.id, screen_snapshots.c.screen_id, screen_snapshots.c.taken_at
            )
            .where(screen_snapshots.c.taken_at < thin_before)
            .order_by(
                screen_snapshots.c.screen_id, screen_snapshots.c.taken_at, screen_snapshots.c.id
            )
        ).all()
        seen: set[tuple[str, int]] = set()
        extra = []
        for row in rows:
            # Quarters of the clock, not of the run: a later run keeps the same pictures.
            key = (row.screen_id, int(row.taken_at.timestamp()) // slot_seconds)
            if key in seen:
                extra.append(row.id)
            seen.add(key)
        for start in range(0, len(extra), 500):
            conn.execute(
                screen_snapshots.delete().where(
                    screen_snapshots.c.id.in_(extra[start : start + 500])
                )
            )
    return dropped + len(extra)
