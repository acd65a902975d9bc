"""Today's hearings (开庭公告): upload a list exported from the case system; read a day's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request
from pydantic import BaseModel, ConfigDict

from signage.config.when import FIRST_YEAR, LAST_YEAR, parse_day
from signage.db import now
from signage.errors import Invalid
from signage.hearings.board import hearing_rows
from signage.hearings.imports import HearingsImported, import_upload
from signage.hearings.listing import Hearing, board
from signage.hearings.tables import HEARINGS_LARGEST
from signage.phrases import N_
from signage.web.answers import answers
from signage.web.api.base import bp
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts
from signage.web.small_files import small_upload


def day_asked(text: str | None, zone: dt.tzinfo) -> dt.date:
    """?date=2026-12-01, or today in the site's zone; 422 `bad_date` otherwise."""
    if not text:
        return now().astimezone(zone).date()
    try:
        return parse_day(text)
    except ValueError:
        raise Invalid(
            N_("{text!r} is not a date from {first} to {last}; write it like 2026-12-01"),
            code="bad_date",
            text=text[:40],
            first=FIRST_YEAR,
            last=LAST_YEAR,
        ) from None


@bp.post("/hearings")
@staff_required()
@answers(HearingsImported)
def upload_hearings() -> Any:
    """Replace the hearings of the dates the list covers; rejected rows listed with reasons."""
    signage = parts()
    config = signage.screens.config()
    content, filename = small_upload(HEARINGS_LARGEST)
    user = staff_user()
    report = import_upload(signage.store, content, filename, config.site.zone, user, config)
    signage.screens.invalidate()
    return report


class HearingDay(BaseModel):
    """A day's hearings in every room, parties masked as on the screens."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    hearings: list[Hearing]


@bp.get("/hearings")
@staff_required()
@answers(HearingDay)
def list_hearings() -> Any:
    """A day's hearings in every room, parties masked as on the screens."""
    signage = parts()
    config = signage.screens.config()
    day = day_asked(request.args.get("date"), config.site.zone)
    rows = hearing_rows(signage.store, day, day)
    return HearingDay(date=day, hearings=board(rows, config.site_file.hearings, config.site.zone))
