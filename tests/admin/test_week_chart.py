"""The week chart and the preview agree with the schedule engine on what loses and when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.config.folder import load_folder
from signage.programme.preview import describe_preview
from signage.web.admin.week import week_rows

DEMO = Path(__file__).resolve().parents[2] / "playlists"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_the_daytime_rule_shows_as_losing_on_each_workday_of_constitution_week() -> None:
    config, _ = load_folder(DEMO, dt.date(2026, 11, 30))
    rows = week_rows(config, "lobby-east", dt.date(2026, 11, 30))
    daytime = {
        row["day"]: [(lost["left"], lost["width"]) for lost in row["losers"] if lost["rule"] == 2]
        for row in rows
    }
    half_past_eight, nine_hours = 100 * 8.5 / 24, 100 * 9 / 24
    for day in range(1, 5):  # Tuesday 1 to Friday 4 December
        ((left, width),) = daytime[dt.date(2026, 12, day)]
        assert abs(left - half_past_eight) < 1e-6 and abs(width - nine_hours) < 1e-6
    assert daytime[dt.date(2026, 11, 30)] == []  # Monday: it plays
    assert daytime[dt.date(2026, 12, 5)] == []  # Saturday: not in effect


def test_the_current_period_ends_when_it_ends_whatever_span_is_shown() -> None:
    config, _ = load_folder(DEMO, dt.date(2026, 12, 2))
    at = dt.datetime(2026, 12, 12, 12, 0, tzinfo=BEIJING)  # Saturday: evening until Monday
    short = describe_preview(config, "lobby-east", at, dt.timedelta(hours=12))
    long = describe_preview(config, "lobby-east", at, dt.timedelta(hours=48))
    assert short["playing"]["until"] == long["playing"]["until"]
    assert short["playing"]["until"] == "2026-12-14T08:30:00+08:00"
    assert short["upcoming"] == []  # nothing begins within its 12 hours
    assert long["upcoming"][0]["start"] == "2026-12-14T08:30:00+08:00"
