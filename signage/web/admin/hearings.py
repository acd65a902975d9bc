"""Today's hearings (开庭公告): upload the list exported from the case system, see a day."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext

from signage.hearings.board import hearing_rows
from signage.hearings.listing import board
from signage.hearings.records import REASONS
from signage.web.admin.base import bp
from signage.web.api.hearings import day_asked
from signage.web.context import parts


@bp.get("/hearings")
def hearings_page() -> Any:
    """A day's hearings (?date=, default today), parties masked as on the screens; the
    upload goes to the API from the page's script (its CSRF header covers the file)."""
    instance = parts()
    config = instance.screens.config()
    day = day_asked(request.args.get("date"), config.site.zone)
    rows = hearing_rows(instance.store, day, day)
    return render_template(
        "admin/hearings.html",
        day=day,
        hearings=board(rows, config.site_file.hearings, config.site.zone),
        fetched_from=instance.settings.hearings_url,
        upload_url=url_for("api.upload_hearings"),
        page_url=url_for("admin.hearings_page"),
        reasons={reason: gettext(reason) for reason in REASONS},
    )
