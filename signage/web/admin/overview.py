"""The first page staff see: every screen, what it plays, alerts, configuration errors."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from signage.config.validate import Config
from signage.db import now
from signage.media.library import ready_media
from signage.screens.alerts import active_alerts
from signage.screens.status import screen_overview
from signage.units import unit_name, visible_screens
from signage.web.admin.base import bp, user
from signage.web.context import parts

MEDIA_URL = "/media/files/"
MB = 1024 * 1024


def tomorrow_readiness(cache: dict[str, Any] | None) -> dict[str, Any] | None:
    """Whether a screen holds every file of its next 24 hours, from its last heartbeat."""
    if not cache or not isinstance(cache.get("lacking_files"), int):
        return None  # a player too old to say, or no heartbeat yet
    missing = cache["lacking_files"]
    return {
        "ready": missing == 0,
        "missing": missing,
        "missing_mb": f"{(cache.get('lacking_bytes') or 0) / MB:.1f}",
        "held_mb": f"{(cache.get('held_bytes') or 0) / MB:.1f}",
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
    screens = (
        screen_overview(
            config,
            instance.store,
            moment,
            instance.settings["OFFLINE_AFTER_POLLS"],
            visible_screens(user(), config, asked),
        )
        if config
        else []
    )
    for screen in screens:
        screen["tomorrow"] = tomorrow_readiness(screen["cache"])
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
