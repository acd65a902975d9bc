"""Urgent messages on chosen screens until a set time; screens see them at their next poll."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from signage.config.validate import Config
from signage.config.when import suggest
from signage.errors import Invalid, NotFound
from signage.manifest import iso
from signage.revisions import audit
from signage.screens import ScreenService
from signage.store import now

MAX_TEXT = 200
MAX_AHEAD = dt.timedelta(days=7)
EVERY_SCREEN = "all"


def alert_json(row: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """An alert as the API shows it, times in the site's zone."""
    zone = config.site.zone
    targets = config.targets(row["screens"])
    return {
        "id": row["id"],
        "text": row["text"],
        "screens": EVERY_SCREEN if row["screens"] is None else list(row["screens"]),
        "reaches": sorted(targets),
        "until": iso(row["until"].astimezone(zone)),
        "created_by": row["created_by"],
        "created_at": iso(row["created_at"].astimezone(zone)),
        "ended_at": iso(row["ended_at"].astimezone(zone)) if row["ended_at"] else None,
    }


def check_alert(
    config: Config, text: str, screens: list[str] | str, until: dt.datetime, moment: dt.datetime
) -> tuple[str, list[str] | None]:
    """The cleaned text and targets (None: every screen); 422 listing every problem."""
    problems = []
    text = text.strip()
    if not text:
        problems.append({"field": "text", "message": "write the message to show"})
    elif len(text) > MAX_TEXT:
        problems.append(
            {
                "field": "text",
                "message": f"keep it to {MAX_TEXT} characters so it "
                f"fits on the screen (this one has {len(text)})",
            }
        )
    targets: list[str] | None = None
    if screens != EVERY_SCREEN:
        names = sorted(set(config.screens) | set(config.groups()))
        targets = list(dict.fromkeys(screens))
        if not targets:
            problems.append(
                {
                    "field": "screens",
                    "message": f'name at least one screen or group, or "{EVERY_SCREEN}"',
                }
            )
        for name in targets:
            if name not in names:
                problems.append(
                    {
                        "field": "screens",
                        "message": f"{name[:64]!r} is neither a "
                        f"screen nor a group{suggest(name, names)}",
                    }
                )
    if until.tzinfo is None:
        problems.append(
            {"field": "until", "message": "give a time zone offset, like 2026-12-01T18:00:00+08:00"}
        )
    elif until <= moment:
        problems.append(
            {
                "field": "until",
                "message": "this time has already passed; choose when the alert should end",
            }
        )
    elif until - moment > MAX_AHEAD:
        problems.append(
            {
                "field": "until",
                "message": "an alert lasts at most 7 days; "
                "for longer notices use the ticker in site.yaml",
            }
        )
    if problems:
        raise Invalid("the alert was not posted; see details", details=problems)
    return text, targets


def post_alert(
    screens: ScreenService,
    text: str,
    targets: list[str] | str,
    until: dt.datetime,
    user: Mapping[str, Any],
) -> dict[str, Any]:
    """Store a checked alert; this process's screens see it at once, others within a poll."""
    config = screens.config()
    text, names = check_alert(config, text, targets, until, now())
    alert_id = screens.store.add_alert(text, names, until, user["name"])
    screens.invalidate()
    audit(
        screens.store,
        user,
        "alert.post",
        str(alert_id),
        {"text": text, "screens": targets, "until": until.isoformat()},
    )
    return alert_json(screens.store.alert(alert_id) or {}, config)


def active_alerts(screens: ScreenService) -> list[dict[str, Any]]:
    """Alerts showing now, newest first."""
    config = screens.config()
    return [alert_json(row, config) for row in screens.store.active_alerts(now())]


def end_alert(screens: ScreenService, alert_id: int, user: Mapping[str, Any]) -> dict[str, Any]:
    """End an alert now (already ended: unchanged); 404 when there is no such alert."""
    store = screens.store
    if store.alert(alert_id) is None:
        raise NotFound(f"there is no alert {alert_id}")
    if store.end_alert(alert_id, now()):
        screens.invalidate()
        audit(store, user, "alert.end", str(alert_id))
    return alert_json(store.alert(alert_id) or {}, screens.config())
