"""The first page staff see: every screen, what it plays, alerts, configuration errors."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from signage.config.validate import Config
from signage.config.when import TimeWindow
from signage.db import now
from signage.media.library import ready_media
from signage.screens.alerts import active_alerts
from signage.screens.snapshots import Request, ask_screen, snapshot_times
from signage.screens.status import screen_overview
from signage.units import unit_name, visible_screens
from signage.web.admin.base import bp
from signage.web.admin.schedule_words import hours_words
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import NoFields, takes_form

MEDIA_URL = "/media/files/"
MB = 1024 * 1024
# The first Chromium with everything the player uses (flex gap came last, in 84): a screen
# on an older one, or lacking a feature for another reason, has its engine on the overview.
FULL_ENGINE = 84


# What the player does without each feature a heartbeat may name (compat.js missingFeatures).
FEATURE_NAMES = {
    "service-worker": _l("offline playing (service worker)"),
    "cache-storage": _l("offline cache"),
    "web-locks": _l("one download at a time across tabs (Web Locks)"),
    "storage-manager": _l("storage quota report"),
    "abort-controller": _l("cancelling requests"),
    "abort-signal-timeout": _l("request time limits"),
    "video-frame-callback": _l("frame-exact clip changes"),
    "h264": _l("H.264 video"),
}


def old_engine(engine: dict[str, Any] | None) -> dict[str, Any] | None:
    """The engine to name on a screen's card: an old one, or one lacking features; else None."""
    if not engine:
        return None
    version = engine.get("chromium")
    lacks = [FEATURE_NAMES.get(name, name) for name in engine.get("lacks") or []]
    if not lacks and (version is None or version >= FULL_ENGINE):
        return None
    return {"chromium": version, "lacks": lacks}


def tomorrow_readiness(
    cache: dict[str, Any] | None, quiet: TimeWindow, local: dt.datetime
) -> dict[str, Any] | None:
    """Whether a screen holds every file of its next 24 hours, from its last heartbeat, and
    whether the quiet hours (what is left of them, at `local` site time) can bring what it
    lacks at the speed its latest downloads had."""
    if not cache or not isinstance(cache.get("lacking_files"), int):
        return None  # a player too old to say, or no heartbeat yet
    missing = cache["lacking_files"]
    lacking = cache.get("lacking_bytes") or 0
    rate = cache.get("download_rate")
    readiness: dict[str, Any] = {
        "ready": missing == 0,
        "missing": missing,
        "missing_mb": f"{lacking / MB:.1f}",
        "held_mb": f"{(cache.get('held_bytes') or 0) / MB:.1f}",
        "shortfall": None,
    }
    # What is left of the quiet hours while they are on, else all of them.
    quiet_seconds = quiet.left_at(local) or quiet.seconds
    if missing and rate and lacking / rate > quiet_seconds:
        readiness["shortfall"] = {
            "window": str(quiet),
            "left_minutes": quiet_seconds // 60,
            "need_minutes": math.ceil(lacking / rate / 60),
            "mbit": f"{rate * 8 / 1_000_000:.1f}",
        }
    return readiness


RECENT_ERROR = dt.timedelta(minutes=15)  # an older one is history: the screen came back since
# What players report most, in the staff's words; the player's own text stays for IT.
PLAYER_ERRORS = {"Failed to fetch": _l("the screen could not reach the server")}


def recent_error(text: str | None, moment: dt.datetime, zone: dt.tzinfo) -> dict[str, str] | None:
    """A player's last error ("<ISO time> <message>") when it is recent, in site time and
    plain words; None when there is none, it is old, or it cannot be read."""
    stamp, _, message = (text or "").partition(" ")
    try:
        at = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None or moment - at > RECENT_ERROR:
        return None
    words = PLAYER_ERRORS.get(message.strip())
    return {
        "at": at.astimezone(zone).strftime("%m-%d %H:%M"),
        "words": str(words or _l("the player reported an error")),
        "detail": message.strip(),
    }


def thumbnail_urls() -> dict[str, str]:
    """Media id -> URL of its thumbnail, for media that screens can play."""
    return {
        media_id: MEDIA_URL + row["thumbnail"]
        for media_id, row in ready_media(parts().store).items()
        if row["thumbnail"]
    }


def _by_unit(config: Config | None, screens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The screens grouped by unit (the county's first, then each unit as site.yaml lists
    them); one untitled group on a site without units."""
    order = [None, *(config.site_file.units if config else ())]
    return [
        {
            "unit": unit,
            "name": unit_name(config, unit) if unit else None,
            "screens": [s for s in screens if s["unit"] == unit],
        }
        for unit in order
        if any(s["unit"] == unit for s in screens)
    ]


@bp.get("/")
def overview() -> Any:
    """Screens with online/offline/never, now playing, active alerts, config errors."""
    instance = parts()
    config = instance.state.current
    moment = now()
    asked = request.args.get("unit") or None
    states = (
        screen_overview(
            config,
            instance.store,
            moment,
            instance.settings.offline_after_polls,
            visible_screens(staff_user(), config, asked),
        )
        if config
        else []
    )
    pictures = snapshot_times(instance.store)
    # the page's view of each screen: its state, and what the page words beside it
    screens = [state.model_dump(exclude_unset=True) for state in states]
    for screen in screens:
        screen["tomorrow"] = tomorrow_readiness(
            screen["cache"], config.site.prefetch, moment.astimezone(config.site.zone)
        )
        screen["snapshot_at"] = pictures.get(screen["id"])
        screen["hours"] = hours_words(config.hours_for(screen["id"])) if config else ""
        screen["old_engine"] = old_engine(screen["engine"])
        screen["error"] = recent_error(screen["last_error"], moment, config.site.zone)
    alerts = active_alerts(instance.screens) if config else []
    return render_template(
        "admin/overview.html",
        screens=screens,
        sections=_by_unit(config, screens),
        alerts=alerts,
        issues=instance.state.issues,
        serving=config is not None,
        thumbnails=thumbnail_urls(),
    )


def _ask(screen_id: str, what: Request) -> Any:
    instance = parts()
    config = instance.screens.screen(screen_id)
    ask_screen(instance.store, screen_id, what, now(), staff_user())
    seconds = config.site.poll_seconds
    flash(
        _(
            "A new picture arrives within %(seconds)d seconds; reload this page then.",
            seconds=seconds,
        )
        if what == "snapshot"
        else _("The screen reloads its page within %(seconds)d seconds.", seconds=seconds)
    )
    return redirect(url_for("admin.overview") + f"#screen-{screen_id}")


@bp.post("/screens/<screen_id>/snapshot")
@takes_form(NoFields)
def overview_snapshot(screen_id: str) -> Any:
    """Ask the screen for a new picture of what it shows."""
    return _ask(screen_id, "snapshot")


@bp.post("/screens/<screen_id>/reload")
@takes_form(NoFields)
def overview_reload(screen_id: str) -> Any:
    """Make the screen's page reload itself (after an upgrade, a stuck box)."""
    return _ask(screen_id, "reload")
