"""The first page staff see: every screen, what it plays, alerts, configuration errors."""

from __future__ import annotations

from typing import Any

from flask import render_template

from signage.alerts import active_alerts
from signage.status import screen_overview
from signage.store import now
from signage.web.admin.base import bp, signage

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
        for media_id, row in signage().store.ready_media().items()
        if row["thumbnail"]
    }


@bp.get("/")
def overview() -> Any:
    """Screens with online/offline/never, now playing, active alerts, config errors."""
    parts = signage()
    config = parts.state.current
    moment = now()
    screens = (
        screen_overview(config, parts.store, moment, parts.settings["OFFLINE_AFTER_POLLS"])
        if config
        else []
    )
    for screen in screens:
        screen["tomorrow"] = tomorrow_readiness(screen["cache"])
    alerts = active_alerts(parts.screens) if config else []
    return render_template(
        "admin/overview.html",
        screens=screens,
        alerts=alerts,
        issues=parts.state.issues,
        serving=config is not None,
        thumbnails=thumbnail_urls(),
    )
