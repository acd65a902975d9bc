"""What staff see of the screens: online or not, what they play, and their timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from signage.config.units import screen_units
from signage.config.validate import Config
from signage.config.when import iso
from signage.db import Store, now, screen_status
from signage.errors import Invalid
from signage.programme.preview import item_summary, verdict_summary
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


def _unplayable(seen: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The clips a screen last said it cannot play, each as its model allows."""
    stored = seen["unplayable"] if seen else None
    if not isinstance(stored, list):
        return []
    return [clip for clip in (read_back(UnplayableClip, c) for c in stored) if clip is not None]


def screen_overview(
    config: Config,
    store: Store,
    moment: dt.datetime,
    offline_after_polls: int,
    only: set[str] | None = None,
) -> list[dict[str, Any]]:
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
            {
                "id": screen_id,
                "name": screen.name,
                "groups": list(screen.groups),
                "orientation": screen.orientation,
                "status": status,
                "last_seen": iso(seen["last_seen"].astimezone(zone)) if seen else None,
                "now_playing": read_back(NowPlaying, seen["now_playing"]) if seen else None,
                "player_version": seen["player_version"] if seen else None,
                "last_error": seen["last_error"] if seen else None,
                # what the player has stored offline
                "cache": read_back(CacheReport, seen["cache"]) if seen else None,
                "address": seen["address"] if seen else None,
                "engine": read_back(Engine, seen["engine"]) if seen else None,
                "unplayable": _unplayable(seen),
                "key": "none" if key is None else "active" if key["key_hash"] else "revoked",
                "unit": units.get(screen_id),
            }
        )
    return screens


@dataclass(frozen=True)
class KioskStatus:
    """What a screen's kiosk watchdog asks the server about its own screen."""

    awake: bool  # within its opening hours (always, without any)
    reporting: bool  # its page sent a heartbeat within the last polls
    last_seen: dt.datetime | None
    changes_at: dt.datetime | None  # when it next wakes or sleeps, within a week


def kiosk_status(
    config: Config, store: Store, screen_id: str, moment: dt.datetime, offline_after_polls: int
) -> KioskStatus:
    """Whether the screen's page reports and whether its panel should be on at `moment`."""
    with store.engine.connect() as conn:
        last_seen = conn.execute(
            sa.select(screen_status.c.last_seen).where(screen_status.c.screen_id == screen_id)
        ).scalar()
    silence = offline_silence(config, offline_after_polls)
    hours = hours_state(config, screen_id, moment)
    return KioskStatus(
        awake=hours is None or hours.awake,
        reporting=last_seen is not None and moment - last_seen <= silence,
        last_seen=last_seen,
        changes_at=hours.until if hours else None,
    )


def timeline(
    config: Config, screen_id: str, start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """What the screen plays from start to end (at most 14 days) and which rule decides."""
    if end <= start:
        raise Invalid("?to= must come after ?from=", code="bad_range")
    if end - start > MAX_TIMELINE:
        raise Invalid("a timeline covers at most 14 days; narrow ?from= and ?to=", code="bad_range")
    zone = config.site.zone
    segments = []
    for segment in resolve_segments(config, screen_id, start, end):
        verdicts = explain(config, screen_id, segment.start)
        segments.append(
            {
                "start": iso(segment.start, zone),
                "end": iso(segment.end, zone),
                "playlists": list(segment.playlists),
                "decided_by": (
                    "rule " + ", ".join(f"#{i + 1}" for i in segment.rules)
                    if segment.rules
                    else "default_playlist"
                    if segment.playlists
                    else "nothing: only the clock shows"
                ),
                "rules": [verdict_summary(v) for v in verdicts if v.outcome != "inactive"],
                "items": [item_summary(p) for p in segment.items],
            }
        )
    return {
        "screen": screen_id,
        "timezone": config.site.timezone,
        "from": iso(start.astimezone(zone)),
        "to": iso(end.astimezone(zone)),
        "segments": segments,
    }


def rotate_key(
    screens: ScreenService, screen_id: str, public_url: str, user: Mapping[str, Any]
) -> dict[str, Any]:
    """Give the screen a new key (the old URL stops at once); its new display URL."""
    screens.screen(screen_id)
    key = rotate_screen_key(screens.store, screens.secret_key, screen_id, user)
    screens.invalidate()
    return {"screen": screen_id, "display_url": f"{public_url}/display/{screen_id}?key={key}"}


def revoke_key(screens: ScreenService, screen_id: str, user: Mapping[str, Any]) -> dict[str, Any]:
    """Take the screen's key away: it gets 403 until a new key is made."""
    screens.screen(screen_id)
    revoke_screen_key(screens.store, screen_id, user)
    screens.invalidate()
    return {"screen": screen_id, "key": "revoked"}
