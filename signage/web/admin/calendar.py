"""节假日与调休: the site's holidays, court closures and make-up workdays, as a page.

Editors may change it too: it is the same site.yaml the schedule page saves, every save is
validated, recorded in the history and (with review on) held for a reviewer, and a wrong day
is undone from the page itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from signage.config.calendar_form import (
    CALENDAR_KINDS,
    calendar_entries,
    calendar_entry,
    site_yaml_with_calendar_entry,
)
from signage.config.validate import SITE_FILE
from signage.config.when import official_calendar_known
from signage.edits.saving import read_version, save_file
from signage.web.admin.base import bp
from signage.web.admin.reviews import flash_saved
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import CalendarForm, takes_form

YEARS_SHOWN = 2  # this year and the next: the State Council announces the next in autumn


@bp.get("/calendar")
def calendar_page() -> Any:
    """The days listed in site.yaml's calendar, which years are known, and the add form."""
    instance = parts()
    version = read_version(instance.settings.playlists_dir, SITE_FILE)
    config = instance.state.current
    this_year = instance.state.today().year
    years = [
        {
            "year": year,
            "official": official_calendar_known(dt.date(year, 6, 1)),
            "known": config.calendar.knows_year(year) if config else False,
        }
        for year in range(this_year, this_year + YEARS_SHOWN)
    ]
    return render_template(
        "admin/calendar.html",
        entries=calendar_entries(version.content.decode()),
        kinds=CALENDAR_KINDS,
        years=years,
        etag=version.etag,
        unknown=[i for i in instance.state.issues if i.code == "calendar_unknown"],
    )


def _save(form: CalendarForm, add: bool) -> Any:
    entry = calendar_entry(form.kind, form.first, form.last)
    instance = parts()
    current = read_version(instance.settings.playlists_dir, SITE_FILE)
    text = site_yaml_with_calendar_entry(current.content.decode(), entry, add=add)
    saved = save_file(
        instance,
        SITE_FILE,
        text.encode(),
        if_match={form.etag},
        author=staff_user(),
        action="save",
    )
    done = (
        _("%(days)s is added; screens follow it from their next poll.", days=entry.text)
        if add
        else _("%(days)s is removed; screens follow it from their next poll.", days=entry.text)
    )
    flash_saved(saved, done)
    return redirect(url_for("admin.calendar_page"))


@bp.post("/calendar")
@takes_form(CalendarForm)
def calendar_add(form: CalendarForm) -> Any:
    """Add a holiday, a closure or a make-up workday (a date or a range) to site.yaml."""
    return _save(form, add=True)


@bp.post("/calendar/remove")
@takes_form(CalendarForm)
def calendar_remove(form: CalendarForm) -> Any:
    """Remove one listed date or range from site.yaml."""
    return _save(form, add=False)
