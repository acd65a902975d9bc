"""What staff see of the screens: online or not, what they play, and their timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from signage.auth import revoke_screen_key, rotate_screen_key
from signage.config.validate import Config
from signage.errors import Invalid
from signage.manifest import iso
from signage.preview import item_summary, verdict_summary
from signage.revisions import audit
from signage.schedule import explain, resolve_segments
from signage.screens import ScreenService
from signage.store import Store

MAX_TIMELINE = dt.timedelta(days=14)


def screen_overview(
    config: Config, store: Store, moment: dt.datetime, offline_after_polls: int
) -> list[dict[str, Any]]:
    """Every configured screen with status online|offline|never and its last report."""
    zone = config.site.zone
    silence = dt.timedelta(seconds=config.site.poll_seconds * offline_after_polls)
    statuses = store.screen_statuses()
    keys = store.all_screen_keys()
    screens = []
    for screen_id, screen in config.screens.items():
        seen = statuses.get(screen_id)
        key = keys.get(screen_id)
        if seen is None:
            status = "never"
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
                "now_playing": seen["now_playing"] if seen else None,
                "player_version": seen["player_version"] if seen else None,
                "last_error": seen["last_error"] if seen else None,
                "cache": seen["cache"] if seen else None,  # what the player has stored offline
                "address": seen["address"] if seen else None,
                "key": "none" if key is None else "active" if key["key_hash"] else "revoked",
            }
        )
    return screens


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


def parse_moment(text: str | None, config: Config, default: dt.datetime) -> dt.datetime:
    """ISO time (with offset, or read in the site's zone) or a date (its midnight)."""
    if not text:
        return default
    if "T" in text:  # a "+08:00" offset arrives as " 08:00" when not %-encoded
        text = text.replace(" ", "+")
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"{text[:40]!r} is not a time; write it like 2026-12-01T08:00:00+08:00 or 2026-12-01",
            code="bad_time",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.site.zone)


def rotate_key(
    screens: ScreenService, screen_id: str, public_url: str, user: Mapping[str, Any]
) -> dict[str, Any]:
    """Give the screen a new key (the old URL stops at once); its new display URL."""
    screens.screen(screen_id)
    key = rotate_screen_key(screens.store, screens.secret_key, screen_id)
    screens.invalidate()
    audit(screens.store, user, "screen.key.rotate", screen_id)
    return {"screen": screen_id, "display_url": f"{public_url}/display/{screen_id}?key={key}"}


def revoke_key(screens: ScreenService, screen_id: str, user: Mapping[str, Any]) -> dict[str, Any]:
    """Take the screen's key away: it gets 403 until a new key is made."""
    screens.screen(screen_id)
    revoke_screen_key(screens.store, screen_id)
    screens.invalidate()
    audit(screens.store, user, "screen.key.revoke", screen_id)
    return {"screen": screen_id, "key": "revoked"}
