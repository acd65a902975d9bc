"""普法: the ledger of what the screens played per topic (台账), and a screen's day as a
printable list (今日节目单) with how it meets the requirements and campaigns."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from signage.db import now
from signage.programme.segments import day_account, day_plan
from signage.screens.ledger import GROUPINGS
from signage.screens.ledger_book import campaign_rows, requirement_rows, uptime_rows
from signage.web.admin.base import bp
from signage.web.api.arguments import date_arg
from signage.web.api.reports import ledger_of_request
from signage.web.context import parts
from signage.web.plan_json import plan_json

GROUPING_NAMES = {
    "topic": _l("topic and unit"),
    "unit": _l("unit"),
    "screen": _l("screen"),
    "item": _l("item"),
}


@bp.get("/ledger")
def ledger_page() -> Any:
    """?from=&to=&by=: plays and airtime per topic, unit and month; required plays missed."""
    instance = parts()
    config = instance.screens.config()
    ledger = ledger_of_request(instance.store, config)
    first, last, by = ledger.first, ledger.last, ledger.by
    args = {"from": first.isoformat(), "to": last.isoformat(), "by": by}
    days = requirement_rows(config, ledger.requirements)
    return render_template(
        "admin/ledger.html",
        ledger=ledger,
        first=first,
        last=last,
        by=by,
        groupings=GROUPINGS,
        grouping_names=GROUPING_NAMES,
        missed=[d for d in days if not d.met],
        met=sum(1 for d in days if d.met),
        campaigns=campaign_rows(config, ledger.campaigns),
        uptime=uptime_rows(config, ledger.uptime),
        xlsx_url=url_for("api.ledger_report", format="xlsx", **args),
        csv_url=url_for("api.ledger_report", format="csv", **args),
        screens=config.screens,
    )


@bp.get("/plan")
def plan_page() -> Any:
    """?screen=&date=: every item the screen plays that day, in order, to print."""
    instance = parts()
    config = instance.screens.config()
    screen_id = request.args.get("screen") or next(iter(config.screens), "")
    day = date_arg("date", now().astimezone(config.site.zone).date())
    known = screen_id in config.screens
    plays = day_plan(config, screen_id, day, instance.screens.media_facts()) if known else []
    return render_template(
        "admin/plan.html",
        screen_id=screen_id,
        screen=config.screens.get(screen_id),
        screens=config.screens,
        day=day,
        rows=plan_json(instance, plays),
        account=day_account(config, screen_id, plays, day) if known else None,
        topic_names=config.site_file.topics,
    )
