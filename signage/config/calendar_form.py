"""The holidays page's view of site.yaml's `calendar:`: the days listed, one added or removed.

Each entry is a date or an inclusive range under `holidays` (放假), `closures` (闭院) or
`workdays` (调休上班). A change rewrites only that list in the file's text (`roundtrip`), so
comments and everything else stay as people wrote them; the result is validated and saved
like any other edit of site.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from signage.config.loader import YamlError, parse_yaml
from signage.config.roundtrip import dump_document, load_document, replace_items, update_mapping
from signage.config.when import parse_dates, supported_date
from signage.errors import Conflict, Invalid
from signage.phrases import N_

CALENDAR_KINDS = ("holidays", "closures", "workdays")
# A longer stretch is a typing slip (a wrong year), not a holiday.
MAX_SPAN_DAYS = 62


@dataclass(frozen=True)
class CalendarEntry:
    """One date or inclusive range of the site's calendar, and which list holds it."""

    kind: str
    first: dt.date
    last: dt.date

    @property
    def text(self) -> str:
        """As site.yaml writes it: 2027-01-01 or 2027-02-06..2027-02-12."""
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"

    @property
    def days(self) -> int:
        """How many days it covers."""
        return (self.last - self.first).days + 1


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _span(value: Any) -> tuple[dt.date, dt.date] | None:
    """The range a listed value means, or None when it is not a date (validation says so)."""
    try:
        (span,) = parse_dates(str(value)).ranges
    except (ValueError, TypeError):
        return None
    return span


def calendar_entries(text: str) -> list[CalendarEntry]:
    """Every date and range listed under site.yaml's calendar, earliest first."""
    try:
        data = parse_yaml(text).data
    except YamlError:
        return []
    calendar = data.get("calendar") if isinstance(data, dict) else None
    if not isinstance(calendar, dict):
        return []
    entries = [
        CalendarEntry(kind, *span)
        for kind in CALENDAR_KINDS
        for value in _listed(calendar.get(kind))
        if (span := _span(value)) is not None
    ]
    return sorted(entries, key=lambda entry: (entry.first, entry.last, entry.kind))


def calendar_entry(kind: str, first: str, last: str = "") -> CalendarEntry:
    """The entry a form asks for; 422 `bad_calendar_day` with the reason when it cannot be."""
    if kind not in CALENDAR_KINDS:
        raise Invalid(
            N_("the kind of day is one of {kinds}"), code="bad_day_kind", kinds=list(CALENDAR_KINDS)
        )
    try:
        start = supported_date(dt.date.fromisoformat(first.strip()))
        end = supported_date(dt.date.fromisoformat(last.strip())) if last.strip() else start
    except ValueError:
        raise Invalid(
            N_("write the dates like 2027-01-01, in the years 2000 to 2099"),
            code="bad_calendar_day",
        ) from None
    if end < start:
        raise Invalid(N_("the last day comes before the first"), code="calendar_backwards")
    entry = CalendarEntry(kind, start, end)
    if entry.days > MAX_SPAN_DAYS:
        raise Invalid(
            N_("a stretch of days is at most {count} days long; check the year"),
            code="calendar_too_long",
            count=MAX_SPAN_DAYS,
        )
    return entry


def site_yaml_with_calendar_entry(text: str, entry: CalendarEntry, *, add: bool) -> str:
    """site.yaml's text with `entry` added to its list (earliest first) or removed from it;
    comments and all else kept. Adding what is listed already is a 422 `calendar_listed`."""
    parse_yaml(text)  # the strict reading's error, when the file is not YAML at all
    document = load_document(text)
    if not isinstance(document, CommentedMap):
        raise Invalid(N_("site.yaml is not a mapping of settings"), code="invalid_config")
    calendar = document.get("calendar")
    old = calendar.get(entry.kind) if isinstance(calendar, CommentedMap) else None
    values = _listed(old)
    wanted = (entry.first, entry.last)
    kept = [value for value in values if _span(value) != wanted]
    if not add and len(kept) == len(values):
        raise Conflict(
            N_("{days} is not listed (any more); reload the page"),
            code="calendar_not_listed",
            days=entry.text,
        )
    if add:
        if len(kept) != len(values):
            raise Invalid(N_("{days} is listed already"), code="calendar_listed", days=entry.text)
        # A single day as a date, unquoted, as people write it; a range as its text.
        kept.append(entry.first if entry.days == 1 else entry.text)
        far = (dt.date.max, dt.date.max)
        kept.sort(key=lambda value: _span(value) or far)
    if not isinstance(calendar, CommentedMap):
        update_mapping(document, {"calendar": {entry.kind: kept}}, ())
    elif not kept:
        calendar.pop(entry.kind, None)
        if not calendar:
            del document["calendar"]
    elif isinstance(old, CommentedSeq):
        replace_items(old, kept)
    else:
        update_mapping(calendar, {entry.kind: kept}, ())
    return dump_document(document)
