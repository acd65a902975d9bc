"""Proof-of-play reports: plays and seconds per day, screen and item, as JSON or CSV; the
普法 ledger as JSON, CSV or an Excel workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field

from signage.config.validate import Config
from signage.db import Store, now
from signage.errors import Invalid
from signage.phrases import N_
from signage.screens.ledger import GROUPINGS, Grouping, Ledger, LedgerRow, build_ledger
from signage.screens.ledger_book import (
    CampaignRow,
    RequirementRow,
    UptimeRow,
    campaign_rows,
    ledger_csv,
    requirement_rows,
    uptime_rows,
)
from signage.screens.plays import PlayTotal, play_report, report_csv
from signage.screens.snapshots import Snapshot, sampled_snapshots
from signage.units import visible_screens
from signage.web.answers import answers
from signage.web.api.arguments import date_arg
from signage.web.api.base import bp
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts

DEFAULT_DAYS = 7
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlayReport(BaseModel):
    """Plays and seconds per day, screen and item over the days asked for."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: dt.date = Field(alias="from")
    last: dt.date = Field(alias="to")
    screen: str | None  # the one screen asked for
    rows: list[PlayTotal]


@bp.get("/reports/plays")
@staff_required()
@answers(PlayReport)
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
        raise Invalid(N_("?format= is json or csv"), code="bad_argument")
    only = visible_screens(staff_user(), config, request.args.get("unit") or None)
    rows = play_report(signage.store, config, first, last, screen, only)
    if output == "json":
        return PlayReport(first=first, last=last, screen=screen, rows=rows)
    name = f"plays-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        report_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class LedgerReport(BaseModel):
    """The 普法 ledger: grouped rows, per topic, required plays, campaigns, screens' hours."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: dt.date = Field(alias="from")
    last: dt.date = Field(alias="to")
    by: Grouping
    rows: list[LedgerRow]
    summary: list[LedgerRow]  # per topic over the whole period
    requirements: list[RequirementRow]
    campaigns: list[CampaignRow]
    uptime: list[UptimeRow]  # the hours each screen was on per month


@bp.get("/reports/ledger")
@staff_required()
@answers(LedgerReport)
def ledger_report() -> Any:
    """The 普法 ledger ?from=&to=&by=topic|unit|screen|item&format=json|xlsx|csv."""
    signage = parts()
    config = signage.screens.config()
    output = request.args.get("format", "json")
    if output not in ("json", "csv", "xlsx"):
        raise Invalid(N_("?format= is json, csv or xlsx"), code="bad_argument")
    ledger = ledger_of_request(signage.store, config)
    first, last, by = ledger.first, ledger.last, ledger.by
    if output == "json":
        return LedgerReport(
            first=first,
            last=last,
            by=by,
            rows=ledger.rows,
            summary=ledger.summary,
            requirements=requirement_rows(config, ledger.requirements),
            campaigns=campaign_rows(config, ledger.campaigns),
            uptime=uptime_rows(config, ledger.uptime),
        )
    name = f"ledger-{first.isoformat()}-{last.isoformat()}.{output}"
    body, mimetype = (
        (ledger_csv(ledger), "text/csv") if output == "csv" else (_workbook(ledger, config), XLSX)
    )
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _workbook(ledger: Ledger, config: Config) -> bytes:
    """The ledger as an Excel workbook, with what the screens showed in its period."""
    from signage.screens.ledger_workbook import ledger_xlsx  # openpyxl loads for workbooks only

    return ledger_xlsx(ledger, config, config.site.name, _period_snapshots(ledger))


def _period_snapshots(ledger: Ledger) -> list[Snapshot]:
    """The screens' pictures sampled over the ledger's days (one per screen and day), of the
    screens this user's lists show."""
    signage = parts()
    config = signage.screens.config()
    zone = config.site.zone
    start = dt.datetime.combine(ledger.first, dt.time(), zone)
    end = dt.datetime.combine(ledger.last + dt.timedelta(days=1), dt.time(), zone)
    only = visible_screens(staff_user(), config, request.args.get("unit") or None)
    return sampled_snapshots(signage.store, start, end, zone, screens=only)


def ledger_of_request(store: Store, config: Config) -> Ledger:
    """The ledger ?from= (default the 1st of this month) ?to= (default today) ?by= asks for."""
    today = now().astimezone(config.site.zone).date()
    first = date_arg("from", today.replace(day=1))
    last = date_arg("to", today)
    by = request.args.get("by") or "topic"
    if by not in GROUPINGS:
        raise Invalid(N_("?by= is topic, unit, screen or item"), code="bad_argument")
    return build_ledger(store, config, first, last, by)  # type: ignore[arg-type]
