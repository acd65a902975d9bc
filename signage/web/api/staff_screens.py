"""Screens as staff manage them: status, keys (admins), and what they will play."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request

from signage.config.when import parse_moment
from signage.db import now
from signage.screens.status import revoke_key, rotate_key, screen_overview, timeline
from signage.units import visible_screens
from signage.web.api.base import bp
from signage.web.auth import current_user, staff_required
from signage.web.context import parts


@bp.get("/screens")
@staff_required()
def list_screens() -> Any:
    """Every configured screen (a unit's people: their unit's; ?unit= filters): status
    online|offline|never, last seen, what it plays."""
    signage = parts()
    config = signage.screens.config()
    only = visible_screens(current_user(), config, request.args.get("unit") or None)
    return {
        "screens": screen_overview(
            config, signage.store, now(), signage.settings["OFFLINE_AFTER_POLLS"], only
        )
    }


@bp.post("/screens/<screen_id>/key")
@staff_required("admin")
def rotate_screen_key(screen_id: str) -> Any:
    """Give the screen a new key; the old URL stops working. Answers the new display URL."""
    signage = parts()
    return rotate_key(signage.screens, screen_id, signage.settings["PUBLIC_URL"], current_user())


@bp.delete("/screens/<screen_id>/key")
@staff_required("admin")
def revoke_screen_key(screen_id: str) -> Any:
    """Take the screen's key away: it gets 403 until a new key is made."""
    return revoke_key(parts().screens, screen_id, current_user())


@bp.get("/screens/<screen_id>/timeline")
@staff_required()
def screen_timeline(screen_id: str) -> Any:
    """Resolved segments ?from=&to= (default the next 24 hours, at most 14 days)."""
    config = parts().screens.screen(screen_id)
    start = parse_moment(request.args.get("from"), config.site.zone, now())
    end = parse_moment(request.args.get("to"), config.site.zone, start + dt.timedelta(hours=24))
    return timeline(config, screen_id, start, end)
