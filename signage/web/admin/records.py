"""What happened: plays per item and per screen (chart, table, CSV), file history, audit log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from signage.accounts.audit import audit_entries
from signage.config.folder import yaml_files
from signage.config.history import get_revision, list_revisions, side_by_side
from signage.config.validate import SITE_FILE
from signage.db import now
from signage.edits.drafts import approvers
from signage.edits.saving import Saved, config_file, restore_revision
from signage.screens.plays import PlayTotal, play_report
from signage.units import check_readable, readable_files, visible_screens
from signage.web.admin.base import bp
from signage.web.admin.change_words import file_changes
from signage.web.admin.layout import KIND_NAMES
from signage.web.admin.reviews import flash_saved
from signage.web.api.arguments import date_arg, int_arg
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import NoFields, takes_form

REPORT_DAYS = 7
CHART_BARS = 12


def totals(rows: Iterable[PlayTotal], key: str, label: str) -> list[dict[str, Any]]:
    """Plays and seconds summed by `key` and `label` (one key may have had two titles)."""
    summed: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"plays": 0, "seconds": 0.0}
    )
    for row in rows:
        # An item without a title (the hearing list) is named by its kind, not its key.
        kind = str(KIND_NAMES.get(row.type, "")) if key == "item" else ""
        named = getattr(row, label) or kind or getattr(row, key)
        entry = summed[(getattr(row, key) or "", named or "")]
        entry["label"] = named
        entry["plays"] += row.plays
        entry["seconds"] += row.seconds
    ordered = sorted(summed.items(), key=lambda pair: (-pair[1]["plays"], pair[0]))
    return [{"key": name, **entry} for (name, _label), entry in ordered]


@bp.get("/reports")
def reports_page() -> Any:
    """?from=&to= (dates, inclusive) and ?screen=: plays per item and per screen."""
    instance = parts()
    config = instance.screens.config()
    today = now().astimezone(config.site.zone).date()
    first = date_arg("from", today - dt.timedelta(days=REPORT_DAYS - 1))
    last = date_arg("to", today)
    screen = request.args.get("screen") or None
    only = visible_screens(staff_user(), config, request.args.get("unit") or None)
    rows = play_report(instance.store, config, first, last, screen, only)
    args = {"from": first.isoformat(), "to": last.isoformat(), "screen": screen or ""}
    return render_template(
        "admin/reports.html",
        rows=rows,
        by_item=totals(rows, "item", "title"),
        by_screen=totals(rows, "screen", "screen_name"),
        chart_bars=CHART_BARS,
        first=first,
        last=last,
        screen=screen,
        screens={k: v for k, v in config.screens.items() if only is None or k in only},
        csv_url=url_for("api.plays_report", format="csv", **args),
    )


# What each audit action means, as an admin reads the log (the code stays beside it, small).
AUDIT_ACTIONS = {
    "save": _l("saved a file"),
    "create": _l("created a playlist"),
    "delete": _l("deleted a file"),
    "restore": _l("restored an earlier version"),
    "review.submit": _l("sent a change for review"),
    "review.approve": _l("approved a change"),
    "review.reject": _l("rejected a change"),
    "media.upload": _l("uploaded a clip or poster"),
    "media.title": _l("renamed a clip or poster"),
    "media.topics": _l("changed the topics of a clip or poster"),
    "media.delete": _l("deleted a clip or poster"),
    "media.approve": _l("approved a clip or poster"),
    "media.captions": _l("added captions"),
    "media.captions_removed": _l("removed captions"),
    "media.captions_approve": _l("approved captions"),
    "media.captions_reject": _l("turned captions down"),
    "alert.post": _l("sent an urgent message"),
    "alert.end": _l("ended an urgent message"),
    "hearings.import": _l("imported hearings"),
    "login": _l("signed in"),
    "logout": _l("signed out"),
    "login.failed": _l("gave a wrong password"),
    "login.locked": _l("sign-in locked after wrong passwords"),
    "user.add": _l("added an account"),
    "user.role": _l("changed a role"),
    "user.unit": _l("changed the unit of an account"),
    "user.disable": _l("disabled an account"),
    "user.enable": _l("enabled an account"),
    "user.password": _l("reset a password"),
    "token.create": _l("created an API token"),
    "token.use": _l("used an API token"),
    "token.revoke": _l("revoked an API token"),
    "screen.key.rotate": _l("issued a new screen key"),
    "screen.key.revoke": _l("revoked a screen key"),
    "screen.reload": _l("reloaded a screen's page"),
    "media.publish": _l("published or withdrew a clip in the feed"),
    "package.export": _l("exported a content package"),
    "package.import": _l("imported a content package"),
    "feed.import": _l("received content from a subscribed feed"),
    "playlist.usb": _l("made a USB stick of a playlist"),
}


@bp.get("/history")
def history_page() -> Any:
    """A file's revisions (?file=) with a diff of two (?old=&new=); the audit log for admins."""
    instance = parts()
    who = staff_user()
    files = readable_files(
        who,
        instance.state.current,
        [p.name for p in yaml_files(instance.settings.playlists_dir)],
    )
    name = config_file(request.args.get("file") or SITE_FILE)
    check_readable(who, instance.state.current, name)
    revisions = list_revisions(instance.store, name)
    new = int_arg("new") or (revisions[0].revision if revisions else None)
    old = int_arg("old") or (revisions[1].revision if len(revisions) > 1 else None)
    diff = side_by_side(instance.store, name, old, new) if old and new and old != new else []
    return render_template(
        "admin/history.html",
        files=files,
        file=name,
        revisions=revisions,
        old=old,
        new=new,
        diff=diff,
        approvers=approvers(instance.store, name),
        # Playlists: the change between the two as the form reads it, as review shows it.
        changes=file_changes(
            name,
            get_revision(instance.store, name, old).text,
            get_revision(instance.store, name, new).text,
        )
        if diff
        else (None, True),
        audit=audit_entries(instance.store, limit=100) if staff_user().role == "admin" else None,
        audit_actions=AUDIT_ACTIONS,
    )


@bp.post("/history/<file>/<int:revision>/restore")
@takes_form(NoFields)
def history_restore(file: str, revision: int) -> Any:
    """Write an old revision again (validated like any save); it becomes the newest."""
    name = config_file(file)
    saved = restore_revision(parts(), name, revision, if_match=None, author=staff_user())
    new = saved.revision if isinstance(saved, Saved) else None  # held: not written yet
    flash_saved(saved, _("Revision %(old)s restored as revision %(new)s.", old=revision, new=new))
    return redirect(url_for("admin.history_page", file=name))
