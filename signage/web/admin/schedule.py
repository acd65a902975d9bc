"""The schedule: its rules as a form, a week per screen, and a preview at a chosen time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.config.forms import (
    blank_rule,
    rules_from_form,
    schedule_model,
    site_yaml_with_rules,
)
from signage.config.layouts import all_layouts
from signage.config.validate import SITE_FILE
from signage.config.when import DAY_NAMES, parse_moment
from signage.db import now
from signage.edits.saving import read_version, save_file
from signage.errors import Invalid
from signage.phrases import N_
from signage.programme.preview import describe_preview
from signage.programme.segments import day_account, day_plan, requirement_issues
from signage.units import unit_of
from signage.web.admin.base import bp
from signage.web.admin.reviews import flash_saved
from signage.web.admin.schedule_words import rule_warnings
from signage.web.admin.week import playlist_colours, week_rows
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import ScheduleForm, takes_form

PREVIEW_SPAN = dt.timedelta(hours=12)


def _page(rules: list[dict[str, Any]], problems: list[dict[str, Any]], status: int = 200) -> Any:
    instance = parts()
    config = instance.screens.config()
    zone = config.site.zone
    screen_id = request.args.get("screen") or next(iter(config.screens), "")
    moment = now()
    at = parse_moment(request.args.get("at"), config.site.zone, moment)
    at_text = at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    known = screen_id in config.screens
    week = parse_moment(request.args.get("week"), config.site.zone, at).date()
    monday = week - dt.timedelta(days=week.weekday())
    version = read_version(instance.settings.playlists_dir, SITE_FILE)
    facts = instance.screens.media_facts()
    day = at.astimezone(zone).date()
    layouts = all_layouts(config.site_file.layouts)
    return (
        render_template(
            "admin/schedule.html",
            rules=[*rules, blank_rule()],
            # Dated rules that a higher one keeps off the screens on some of their days.
            unplayed=rule_warnings(config),
            # Required clips that are not ready or do not fit; the previewed day's account.
            requirement_warnings=requirement_issues(config, facts),
            account=day_account(config, screen_id, day_plan(config, screen_id, day, facts), day)
            if known
            else None,
            topic_names=config.site_file.topics,
            # Each rule that sets a layout, drawn beside it (the form does not edit it).
            rule_layouts={
                index: (rule.layout, layouts[rule.layout])
                for index, rule in enumerate(config.site_file.schedule)
                if rule.layout in layouts
            },
            problems=problems,
            etag=version.etag,
            playlists=sorted(config.playlists),
            groups=sorted(config.groups()),
            screens=config.screens,
            # A unit's people see the county's and other units' rules greyed (not theirs).
            my_unit=unit_of(staff_user()),
            day_names=DAY_NAMES,
            screen_id=screen_id,
            monday=monday,
            week=week_rows(config, screen_id, monday) if known else [],
            colours=playlist_colours(config),
            at=at_text,
            preview=describe_preview(config, screen_id, at, PREVIEW_SPAN, facts) if known else None,
            # The player itself, in preview mode, framed beside the explanation.
            player_url=url_for("display.preview", screen_id=screen_id, at=at_text)
            if known
            else None,
        ),
        status,
    )


@bp.get("/schedule")
def schedule_page() -> Any:
    """Rules form, the chosen screen's week (?screen=, ?week=) and preview (?at=)."""
    text = read_version(parts().settings.playlists_dir, SITE_FILE).content.decode()
    rules = schedule_model(text)
    if rules is None:
        raise Invalid(N_("site.yaml cannot be read; fix it in the History page or on disk"))
    return _page(rules, [])


@bp.post("/schedule")
@takes_form(ScheduleForm)
def schedule_save(form: ScheduleForm) -> Any:
    """Write the rules into site.yaml (validated, If-Match checked) and show the result."""
    rules = rules_from_form([row.model_dump() for row in form.rows])
    instance = parts()
    current = read_version(instance.settings.playlists_dir, SITE_FILE)
    # The form does not carry a rule's unit: the file says whose each rule is, and a unit's
    # new rule is the unit's.
    owners = [rule["unit"] for rule in schedule_model(current.content.decode()) or []]
    for rule in rules:
        origin = rule["origin"]
        rule["unit"] = owners[origin] if origin is not None and origin < len(owners) else None
        if origin is None:
            rule["unit"] = unit_of(staff_user())
    text = site_yaml_with_rules(current.content.decode(), rules)
    try:
        saved = save_file(
            instance,
            SITE_FILE,
            text.encode(),
            if_match={form.etag},
            author=staff_user(),
            action="save",
        )
    except Invalid as problem:
        return _page(rules, problem.details or [{"message": problem.message}], 422)
    flash_saved(saved, _("The schedule is saved; screens follow it from their next poll."))
    return redirect(url_for("admin.schedule_page", **request.args))
