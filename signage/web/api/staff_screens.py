"""Screens as staff manage them: status, keys (admins), and what they will play."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, request
from pydantic import BaseModel, ConfigDict

from signage.config.when import parse_moment
from signage.db import now
from signage.errors import NotFound
from signage.phrases import N_
from signage.programme.segments import day_plan
from signage.screens.snapshots import Request, ask_screen, latest_snapshot
from signage.screens.status import (
    KeyRevoked,
    KeyRotated,
    ScreenState,
    Timeline,
    revoke_key,
    rotate_key,
    screen_overview,
    timeline,
)
from signage.units import check_screens, visible_screens
from signage.web.answers import answers
from signage.web.api.arguments import date_arg
from signage.web.api.base import bp
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts, public_url
from signage.web.plan_json import DayPlan, plan_json


class ScreenList(BaseModel):
    """Every screen the asker may see."""

    model_config = ConfigDict(extra="forbid")

    screens: list[ScreenState]


@bp.get("/screens")
@staff_required()
@answers(ScreenList)
def list_screens() -> Any:
    """Every configured screen (a unit's people: their unit's; ?unit= filters): status
    online|offline|never, last seen, what it plays."""
    signage = parts()
    config = signage.screens.config()
    only = visible_screens(staff_user(), config, request.args.get("unit") or None)
    return ScreenList(
        screens=screen_overview(
            config, signage.store, now(), signage.settings.offline_after_polls, only
        )
    )


@bp.post("/screens/<screen_id>/key")
@staff_required("admin")
@answers(KeyRotated)
def rotate_screen_key(screen_id: str) -> Any:
    """Give the screen a new key; the old URL stops working. Answers the new display URL."""
    signage = parts()
    return rotate_key(signage.screens, screen_id, public_url(), staff_user())


@bp.delete("/screens/<screen_id>/key")
@staff_required("admin")
@answers(KeyRevoked)
def revoke_screen_key(screen_id: str) -> Any:
    """Take the screen's key away: it gets 403 until a new key is made."""
    return revoke_key(parts().screens, screen_id, staff_user())


@bp.get("/screens/<screen_id>/timeline")
@staff_required()
@answers(Timeline)
def screen_timeline(screen_id: str) -> Any:
    """Resolved segments ?from=&to= (default the next 24 hours, at most 14 days)."""
    config = parts().screens.screen(screen_id)
    start = parse_moment(request.args.get("from"), config.site.zone, now())
    end = parse_moment(request.args.get("to"), config.site.zone, start + dt.timedelta(hours=24))
    return timeline(config, screen_id, start, end)


@bp.get("/screens/<screen_id>/snapshot")
@staff_required()
def screen_snapshot(screen_id: str) -> Any:
    """The newest picture the screen sent of what it shows (404 before its first)."""
    signage = parts()
    signage.screens.screen(screen_id)
    snapshot = latest_snapshot(signage.store, screen_id)
    if snapshot is None:
        raise NotFound(
            N_("screen {screen_id!r} has sent no snapshot yet"),
            code="no_snapshot",
            screen_id=screen_id,
        )
    response = Response(snapshot.jpeg, mimetype="image/jpeg")
    response.last_modified = snapshot.taken_at
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


class ScreenAsked(BaseModel):
    """What a screen was asked for, and within how many seconds it will see the request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    screen: str
    requested: Request
    within_seconds: int


def _ask(screen_id: str, what: Request) -> tuple[ScreenAsked, int]:
    signage = parts()
    config = signage.screens.screen(screen_id)
    check_screens(staff_user(), config, [screen_id])  # a unit's people: their screens only
    ask_screen(signage.store, screen_id, what, now(), staff_user())
    seconds = config.site.poll_seconds
    return ScreenAsked(screen=screen_id, requested=what, within_seconds=seconds), 202


@bp.post("/screens/<screen_id>/snapshot")
@staff_required()
@answers(ScreenAsked, status=202)
def request_snapshot(screen_id: str) -> Any:
    """Ask the screen for a new picture; it arrives within one poll."""
    return _ask(screen_id, "snapshot")


@bp.post("/screens/<screen_id>/reload")
@staff_required()
@answers(ScreenAsked, status=202)
def request_reload(screen_id: str) -> Any:
    """Make the screen's page reload itself within one poll (after an upgrade, a stuck box)."""
    return _ask(screen_id, "reload")


@bp.get("/screens/<screen_id>/plan")
@staff_required()
@answers(DayPlan)
def screen_plan(screen_id: str) -> Any:
    """?date=YYYY-MM-DD: every item the screen plays that day, in order, with its start."""
    signage = parts()
    config = signage.screens.screen(screen_id)
    day = date_arg("date", now().astimezone(config.site.zone).date())
    plays = day_plan(config, screen_id, day, signage.screens.media_facts())
    return DayPlan(screen=screen_id, date=day, plays=plan_json(signage, plays))
