"""A change of a file as its pages make it, in the staff's words: where (item, screen, day,
rule), which field, and each value as the pages say it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from signage.config.changes import ItemChange, playlist_changes, site_changes
from signage.config.validate import SITE_FILE
from signage.config.when import DAY_NAMES
from signage.web.admin.base import bp
from signage.web.admin.layout import KIND_NAMES, WEEKDAY_NAMES, media_title, playlist_name
from signage.web.context import parts

FIELD_NAMES = {
    "name": _l("playlist name"),
    "media": _l("file"),
    "title": _l("title"),
    "body": _l("text"),
    "qr": _l("QR code link"),
    "seconds": _l("seconds"),
    "dates": _l("dates"),
    "days": _l("days"),
    "time": _l("time of day"),
    # site.yaml: a screen's settings, the calendar's lists, a rule's fields.
    "screen.name": _l("display name"),
    "groups": _l("groups"),
    "orientation": _l("orientation"),
    "courtroom": _l("courtroom"),
    "hearing_band": _l("hearing band"),
    "captions": _l("captions"),
    "holidays": _l("holiday"),
    "closures": _l("court closed"),
    "workdays": _l("make-up workday"),
    "rule.workdays": _l("official workdays"),
    "rule.holidays": _l("official holidays"),
    "playlist": _l("playlist"),
    "screens": _l("screens"),
    "weekdays": _l("days of the week"),
    "start": _l("from"),
    "end": _l("until"),
    "priority": _l("priority"),
}
# Where a change of site.yaml is: a screen, the calendar, a rule.
PLACE_NAMES = {"screen": _l("screen"), "calendar": _l("holidays and make-up workdays")}


@bp.app_template_filter("change_place")
def change_place(change: ItemChange) -> str:
    """Where a change is, as the form says it: 第 4 条 小知识《宪法宣传周》正文."""
    names = FIELD_NAMES.get(f"{change.kind}.{change.field}") or FIELD_NAMES.get(change.field or "")
    field = str(names or "")
    if change.kind == "playlist":
        return field
    label = media_title(change.label) if change.kind in ("clip", "image") else change.label
    quoted = f"《{label}》" if label else ""
    if change.kind == "rule":
        what = _("rule %(n)s", n=change.number)
    elif change.kind in PLACE_NAMES:
        what = f"{PLACE_NAMES[change.kind]}{quoted}"
        if change.action != "changed":  # a day added to a list, a screen added or removed
            what = _("%(what)s, %(field)s", what=what, field=field) if field else what
    else:
        what = _(
            "item %(n)s, %(kind)s %(label)s",
            n=change.number,
            kind=KIND_NAMES.get(change.kind, change.kind),
            label=quoted,
        )
    if change.action == "added":
        return _("New: %(what)s", what=what)
    if change.action == "removed":
        return _("Removed: %(what)s of the old version", what=what)
    return _("%(what)s, %(field)s", what=what, field=field)


def value_word(value: Any) -> str:
    """A value of site.yaml as its pages say it: names for ids, words for yes/no and the
    few fixed words (portrait, mon …)."""
    config = parts().state.current
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    text = str(value)
    fixed = {"portrait": _l("Portrait"), "landscape": _l("Landscape")}
    if text in fixed:
        return str(fixed[text])
    if text in DAY_NAMES:
        return str(WEEKDAY_NAMES[DAY_NAMES.index(text)])
    if config is not None and text in config.playlists:
        return playlist_name(text)
    return config.target_name(text) if config is not None else text


def file_changes(name: str, base: str | None, text: str) -> tuple[list[ItemChange] | None, bool]:
    """A file's change as its pages make it, and whether lines must be shown as well (a
    change the pages do not edit, or a text they cannot read)."""
    if name != SITE_FILE:
        changes = playlist_changes(base, text)
        return changes, changes is None
    found = site_changes(base, text, value_word)
    return (None, True) if found is None else found
