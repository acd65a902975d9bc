"""The holidays page's edits of site.yaml's calendar: comments kept, refusals in codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signage.config.calendar_form import (
    calendar_entries,
    calendar_entry,
    site_yaml_with_calendar_entry,
)
from signage.config.validate import validate_files
from signage.errors import SignageError

DEMO = Path(__file__).resolve().parents[2] / "playlists"


def demo_site() -> str:
    return (DEMO / "site.yaml").read_text()


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_days_are_added_in_order_and_removed_with_every_comment_kept() -> None:
    text = demo_site()
    for kind, first, last in [
        ("holidays", "2027-02-06", "2027-02-12"),
        ("workdays", "2027-02-14", ""),
        ("holidays", "2027-01-01", ""),
        ("closures", "2026-12-31", ""),
    ]:
        text = site_yaml_with_calendar_entry(text, calendar_entry(kind, first, last), add=True)
    assert comments(text) == comments(demo_site())
    assert "holidays: [2027-01-01, 2027-02-06..2027-02-12]" in text
    assert [(e.kind, e.text) for e in calendar_entries(text)] == [
        ("closures", "2026-12-31"),
        ("holidays", "2027-01-01"),
        ("holidays", "2027-02-06..2027-02-12"),
        ("workdays", "2027-02-14"),
    ]
    for entry in calendar_entries(text):
        text = site_yaml_with_calendar_entry(text, entry, add=False)
    assert "calendar" not in text
    assert text == demo_site()


def test_a_site_calendar_decides_workdays_and_the_year_warning() -> None:
    files = {p.name: p.read_bytes() for p in DEMO.glob("*.yaml")}
    before = validate_files(files, today=dt.date(2026, 12, 2))[1]
    text = demo_site()
    days = [("holidays", "2027-01-01"), ("workdays", "2027-02-14"), ("closures", "2027-03-01")]
    for kind, first in days:
        text = site_yaml_with_calendar_entry(text, calendar_entry(kind, first), add=True)
    config, after = validate_files({**files, "site.yaml": text}, today=dt.date(2026, 12, 2))
    codes = {issue.code for issue in after}
    # The installed calendar package does not know 2027: the demo's workdays rules need it.
    assert "calendar_unknown" in {issue.code for issue in before}
    assert "calendar_unknown" not in codes
    assert config is not None
    assert not config.calendar.is_workday(dt.date(2027, 1, 1))  # a Friday
    assert config.calendar.is_workday(dt.date(2027, 2, 14))  # a Sunday
    assert not config.calendar.is_workday(dt.date(2027, 3, 1))  # a Monday, court closed


@pytest.mark.parametrize(
    ("kind", "first", "last", "code"),
    [
        ("holiday", "2027-01-01", "", "bad_day_kind"),
        ("holidays", "2027-13-01", "", "bad_calendar_day"),
        ("holidays", "1999-01-01", "", "bad_calendar_day"),
        ("holidays", "2027-01-05", "2027-01-01", "calendar_backwards"),
        ("holidays", "2027-01-01", "2028-01-01", "calendar_too_long"),
    ],
)
def test_a_day_the_form_cannot_mean_is_refused(kind: str, first: str, last: str, code: str) -> None:
    with pytest.raises(SignageError) as refused:
        calendar_entry(kind, first, last)
    assert refused.value.code == code


def test_a_day_listed_twice_or_removed_twice_is_refused() -> None:
    entry = calendar_entry("holidays", "2027-01-01")
    text = site_yaml_with_calendar_entry(demo_site(), entry, add=True)
    with pytest.raises(SignageError) as twice:
        site_yaml_with_calendar_entry(text, entry, add=True)
    assert twice.value.code == "calendar_listed"
    with pytest.raises(SignageError) as gone:
        site_yaml_with_calendar_entry(demo_site(), entry, add=False)
    assert gone.value.code == "calendar_not_listed"
