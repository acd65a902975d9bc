"""What staff see of the screens: online or not, what they play, and their timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from signage.accounts.staff import StaffUser
from signage.config.units import screen_units
from signage.config.validate import Config
from signage.db import Store, now, screen_status
from signage.errors import Invalid
from signage.phrases import N_
from signage.programme.preview import ItemSummary, RuleSummary, item_of, rule_of
from signage.programme.schedule import explain, hours_state, is_awake, resolve_segments
from signage.screens.heartbeat import CacheReport, Engine, NowPlaying, UnplayableClip, read_back
from signage.screens.keys import all_screen_keys, revoke_screen_key, rotate_screen_key
from signage.screens.service import ScreenService
from signage.screens.uptime import note_beat

MAX_TIMELINE = dt.timedelta(days=14)
DEFAULT_SILENCE = dt.timedelta(seconds=90)  # three polls of the default 30 s


def record_heartbeat(
    store: Store,
    screen_id: str,
    values: dict[str, Any],
    moment: dt.datetime | None = None,
    silence: dt.timedelta = DEFAULT_SILENCE,
) -> None:
    """Remember that a screen was seen at `moment` (now), what it reported, and that it was on
    since its last beat unless that was more than `silence` ago."""
    moment = moment or now()
    values = {**values, "last_seen": moment}
    with store.engine.begin() as conn:
        updated = conn.execute(
            screen_status.update().where(screen_status.c.screen_id == screen_id).values(**values)
        ).rowcount
        if not updated:
            conn.execute(screen_status.insert().values(screen_id=screen_id, **values))
        note_beat(conn, screen_id, moment, silence)


def offline_silence(config: Config, offline_after_polls: int) -> dt.timedelta:
    """How long a screen may be silent before it counts as offline (and off, for uptime)."""
    return dt.timedelta(seconds=config.site.poll_seconds * offline_after_polls)


def screen_statuses(store: Store) -> dict[str, dict[str, Any]]:
    """The last heartbeat of every screen that ever sent one."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(screen_status)).mappings()
        return {row["screen_id"]: dict(row) for row in rows}


def _unplayable(seen: dict[str, Any] | None) -> list[UnplayableClip]:
    """The clips a screen last said it cannot play, each as its model allows."""
    stored = seen["unplayable"] if seen else None
    if not isinstance(stored, list):
        return []
    return [clip for clip in (read_back(UnplayableClip, c) for c in stored) if clip is not None]


class ScreenState(BaseModel):
    """A configured screen as staff see it: online|offline|sleeping|never, its unit, and its
    last report (times in the site's zone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    groups: list[str]
    orientation: Literal["landscape", "portrait"]
    status: Literal["online", "offline", "sleeping", "never"]
    last_seen: dt.datetime | None
    now_playing: NowPlaying | None
    player_version: str | None
    last_error: str | None
    cache: CacheReport | None  # what the player has stored offline
    address: str | None
    engine: Engine | None
    unplayable: list[UnplayableClip]
    key: Literal["none", "active", "revoked"]
    unit: str | None  # the tribunal it belongs to; None: the county


def screen_overview(
    config: Config,
    store: Store,
    moment: dt.datetime,
    offline_after_polls: int,
    only: set[str] | None = None,
) -> list[ScreenState]:
    """Every configured screen (of `only`, when given) with status online|offline|sleeping|never,
    its unit and its last report; a screen outside its opening hours is sleeping, whether it
    still reports or not."""
    zone = config.site.zone
    units = screen_units(config.site_file)
    silence = offline_silence(config, offline_after_polls)
    statuses = screen_statuses(store)
    keys = all_screen_keys(store)
    screens = []
    for screen_id, screen in config.screens.items():
        if only is not None and screen_id not in only:
            continue
        seen = statuses.get(screen_id)
        key = keys.get(screen_id)
        if seen is None:
            status = "never"
        elif not is_awake(config, screen_id, moment):
            status = "sleeping"
        else:
            status = "online" if moment - seen["last_seen"] <= silence else "offline"
        screens.append(
            ScreenState(
                id=screen_id,
                name=screen.name,
                groups=list(screen.groups),
                orientation=screen.orientation,
                status=status,
                last_seen=seen["last_seen"].astimezone(zone) if seen else None,
                now_playing=read_back(NowPlaying, seen["now_playing"]) if seen else None,
                player_version=seen["player_version"] if seen else None,
                last_error=seen["last_error"] if seen else None,
                cache=read_back(CacheReport, seen["cache"]) if seen else None,
                address=seen["address"] if seen else None,
                engine=read_back(Engine, seen["engine"]) if seen else None,
                unplayable=_unplayable(seen),
                key="none" if key is None else "active" if key["key_hash"] else "revoked",
                unit=units.get(screen_id),
            )
        )
    return screens


class KioskStatus(BaseModel):
    """A screen's own state: does its page report, should its panel be on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    screen: str
    awake: bool  # within its opening hours (always, without any)
    reporting: bool  # its page sent a heartbeat within the last polls
    last_seen: dt.datetime | None
    changes_at: dt.datetime | None  # when it next wakes or sleeps, within a week
    poll_seconds: int


def kiosk_status(
    config: Config, store: Store, screen_id: str, moment: dt.datetime, offline_after_polls: int
) -> KioskStatus:
    """Whether the screen's page reports and whether its panel should be on at `moment`,
    times in the site's zone (what the screen's kiosk watchdog asks)."""
    with store.engine.connect() as conn:
        last_seen = conn.execute(
            sa.select(screen_status.c.last_seen).where(screen_status.c.screen_id == screen_id)
        ).scalar()
    silence = offline_silence(config, offline_after_polls)
    hours = hours_state(config, screen_id, moment)
    zone = config.site.zone
    changes_at = hours.until if hours else None
    return KioskStatus(
        screen=screen_id,
        awake=hours is None or hours.awake,
        reporting=last_seen is not None and moment - last_seen <= silence,
        last_seen=last_seen.astimezone(zone) if last_seen else None,
        changes_at=changes_at.astimezone(zone) if changes_at else None,
        poll_seconds=config.site.poll_seconds,
    )


class TimelineSegment(BaseModel):
    """A stretch in which the same playlists play, and the rules in effect then."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.datetime
    end: dt.datetime
    playlists: list[str]
    decided_by: str
    rules: list[RuleSummary]
    items: list[ItemSummary]


class Timeline(BaseModel):
    """What a screen plays between two moments, times in the site's zone."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    screen: str
    timezone: str
    start: dt.datetime = Field(alias="from")
    end: dt.datetime = Field(alias="to")
    segments: list[TimelineSegment]


def timeline(config: Config, screen_id: str, start: dt.datetime, end: dt.datetime) -> Timeline:
    """What the screen plays from start to end (at most 14 days) and which rule decides."""
    if end <= start:
        raise Invalid(N_("?to= must come after ?from="), code="bad_range")
    if end - start > MAX_TIMELINE:
        raise Invalid(
            N_("a timeline covers at most 14 days; narrow ?from= and ?to="), code="bad_range"
        )
    zone = config.site.zone
    segments = []
    for segment in resolve_segments(config, screen_id, start, end):
        verdicts = explain(config, screen_id, segment.start)
        segments.append(
            TimelineSegment(
                start=segment.start.astimezone(zone),
                end=segment.end.astimezone(zone),
                playlists=list(segment.playlists),
                decided_by=(
                    "rule " + ", ".join(f"#{i + 1}" for i in segment.rules)
                    if segment.rules
                    else "default_playlist"
                    if segment.playlists
                    else "nothing: only the clock shows"
                ),
                rules=[rule_of(v) for v in verdicts if v.outcome != "inactive"],
                items=[item_of(p) for p in segment.items],
            )
        )
    return Timeline(
        screen=screen_id,
        timezone=config.site.timezone,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        segments=segments,
    )


class KeyRotated(BaseModel):
    """A screen's new display URL, its new key in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    screen: str
    display_url: str


class KeyRevoked(BaseModel):
    """A screen whose key was taken away."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    screen: str
    key: Literal["revoked"]


def rotate_key(
    screens: ScreenService, screen_id: str, public_url: str, user: StaffUser
) -> KeyRotated:
    """Give the screen a new key (the old URL stops at once); its new display URL."""
    screens.screen(screen_id)
    key = rotate_screen_key(screens.store, screens.secret_key, screen_id, user)
    screens.invalidate()
    return KeyRotated(screen=screen_id, display_url=f"{public_url}/display/{screen_id}?key={key}")


def revoke_key(screens: ScreenService, screen_id: str, user: StaffUser) -> KeyRevoked:
    """Take the screen's key away: it gets 403 until a new key is made."""
    screens.screen(screen_id)
    revoke_screen_key(screens.store, screen_id, user)
    screens.invalidate()
    return KeyRevoked(screen=screen_id, key="revoked")
