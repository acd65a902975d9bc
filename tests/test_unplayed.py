"""Dated items and rules that will not play on some of their days, worked out by the schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.config import load_folder, validate_files
from signage.programme.unplayed import day_ranges, unplayed_item, unplayed_rule

DEMO = Path(__file__).resolve().parents[1] / "playlists"


def days(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def test_the_demo_poster_loses_constitution_week_and_the_weekends() -> None:
    config, _ = load_folder(DEMO)
    assert config is not None
    index = next(i for i, item in enumerate(config.playlists["daytime"].items) if item.dates)
    found = unplayed_item(config, "daytime", index)
    assert found is not None
    # Constitution Week (12-01..12-07, priority 20) holds the lobby in the daytime hours;
    # 12-05 and 12-06 are a weekend, when no rule plays the daytime playlist at all.
    weekend = {dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 12, 5)}
    assert set(found.outranked) == set(days("2026-12-01", "2026-12-07")) - weekend - {
        dt.date(2026, 12, 6)
    }
    assert found.held_by == ("constitution-week",)
    assert set(found.unscheduled) == weekend | {dt.date(2026, 12, 6)}
    # An item without dates, and the winning rule itself, raise nothing.
    assert unplayed_item(config, "daytime", 0) is None
    assert unplayed_rule(config, 0) is None


def test_a_dated_rule_below_a_higher_one_is_found() -> None:
    files = {path.name: path.read_text() for path in DEMO.glob("*.yaml")}
    files["site.yaml"] = files["site.yaml"].replace(
        "schedule:\n",
        "schedule:\n  - playlist: evening\n    screens: [lobby]\n"
        '    dates: 2026-12-03..2026-12-10\n    time: "09:00-12:00"\n    priority: 15\n',
        1,
    )
    config, issues = validate_files(files)
    assert config is not None, [str(i) for i in issues]
    found = unplayed_rule(config, 0)
    assert found is not None
    assert found.outranked == tuple(days("2026-12-03", "2026-12-07"))
    assert found.held_by == ("constitution-week",) and found.unscheduled == ()


def test_days_join_into_ranges() -> None:
    picked = [*days("2026-12-01", "2026-12-03"), dt.date(2026, 12, 5)]
    assert day_ranges(reversed(picked)) == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 3)),
        (dt.date(2026, 12, 5), dt.date(2026, 12, 5)),
    ]
