"""Proof-of-play reports: plays and seconds per day, screen and item, as JSON or CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, request

from signage.db import now
from signage.errors import Invalid
from signage.screens.plays import play_report, report_csv
from signage.units import visible_screens
from signage.web.api.arguments import date_arg
from signage.web.api.base import bp
from signage.web.auth import current_user, staff_required
from signage.web.context import parts

DEFAULT_DAYS = 7


@bp.get("/reports/plays")
@staff_required()
def plays_report() -> Any:
    """?from=&to= (dates in the site's zone, inclusive), ?screen=, ?format=json|csv."""
    signage = parts()
    config = signage.screens.config()
    today = now().astimezone(config.site.zone).date()
    first = date_arg("from", today - dt.timedelta(days=DEFAULT_DAYS - 1))
    last = date_arg("to", today)
    screen = request.args.get("screen") or None
    output = request.args.get("format", "json")
    if output not in ("json", "csv"):
        raise Invalid("?format= is json or csv", code="bad_argument")
    only = visible_screens(current_user(), config, request.args.get("unit") or None)
    rows = play_report(signage.store, config, first, last, screen, only)
    if output == "json":
        return {"from": first.isoformat(), "to": last.isoformat(), "screen": screen, "rows": rows}
    name = f"plays-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        report_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
