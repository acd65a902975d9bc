"""site.yaml's `calendar:`: the site's holidays and make-up workdays over the official ones,
and the warning before a year the installed calendar does not know."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar

from signage.config import Config, validate_files
from signage.programme.schedule import explain, resolve_segments

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = """\
site:
  name: 兴隆县人民法院
screens:
  lobby-east: {{groups: [lobby]}}
schedule:
  - playlist: daytime
    screens: [lobby]
    days: workdays
default_playlist: evening
{calendar}
"""
PLAYLISTS = {
    "daytime.yaml": "items:\n  - tip: {title: 白天}\n",
    "evening.yaml": "items:\n  - tip: {title: 晚上}\n",
}


def site(calendar: str = "", today: dt.date | None = None) -> tuple[Config | None, list]:
    files = {"site.yaml": SITE.format(calendar=calendar), **PLAYLISTS}
    return validate_files(files, today=today)


def playing(config: Config, *moment: int) -> tuple[str, ...]:
    start = dt.datetime(*moment, tzinfo=SHANGHAI)
    return resolve_segments(config, "lobby-east", start, start + dt.timedelta(minutes=1))[
        0
    ].playlists


def test_a_listed_holiday_turns_a_workday_rule_off_and_a_workday_turns_it_on() -> None:
    plain, _ = site()
    assert plain is not None
    # 2026-12-02 is a Wednesday; 2026-12-05 a Saturday.
    assert playing(plain, 2026, 12, 2, 10) == ("daytime",)
    assert playing(plain, 2026, 12, 5, 10) == ("evening",)
    config, issues = site("calendar:\n  holidays: [2026-12-01..2026-12-03]\n  workdays: 2026-12-05")
    assert config is not None, issues
    assert playing(config, 2026, 12, 2, 10) == ("evening",)
    assert playing(config, 2026, 12, 4, 10) == ("daytime",)
    assert playing(config, 2026, 12, 5, 10) == ("daytime",)
    verdict = explain(config, "lobby-east", dt.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI))[0]
    assert verdict.outcome == "inactive"
    assert "workdays" in verdict.reason


def test_next_years_holidays_fill_the_gap_of_the_installed_calendar() -> None:
    config, _ = site("calendar:\n  holidays: [2099-02-09..2099-02-15]\n  workdays: [2099-02-07]")
    assert config is not None
    assert playing(config, 2099, 2, 10, 10) == ("evening",)  # a Tuesday, declared a holiday
    assert playing(config, 2099, 2, 7, 10) == ("daytime",)  # a Saturday, declared a workday
    assert playing(config, 2099, 2, 16, 10) == ("daytime",)  # Monday: back to Monday-Friday


def test_a_day_both_holiday_and_workday_is_refused_where_it_is_written() -> None:
    config, issues = site(
        "calendar:\n  holidays: [2026-12-01..2026-12-03]\n  workdays: [2026-12-02]"
    )
    assert config is None
    [error] = [i for i in issues if i.severity == "error"]
    assert error.line == 12
    assert "2026-12-02 is listed both as a holiday and as a workday" in error.message


def test_a_bad_calendar_date_names_its_line() -> None:
    config, issues = site("calendar:\n  holidays: [2027-02-30]")
    assert config is None
    [error] = issues
    assert (error.line, "not a date") == (11, "not a date") and "2027-02-30" in error.message


def test_sixty_days_before_an_unknown_year_staff_are_shown_the_yaml_to_add() -> None:
    last_known = max(day.year for day in chinese_calendar.holidays)
    unknown = last_known + 1
    config, issues = site(today=dt.date(last_known, 11, 1))  # 61 days before
    assert config is not None
    assert not [i for i in issues if i.code == "calendar_unknown"]
    config, issues = site(today=dt.date(last_known, 11, 2))
    [warning] = [i for i in issues if i.code == "calendar_unknown"]
    assert warning.severity == "warning"
    assert f"does not know {unknown}" in warning.message
    assert f"calendar:\n  holidays: [{unknown}-01-01" in warning.message
    assert f"workdays: [{unknown}-" in warning.message
    # Staff who already live in the unknown year are warned too.
    config, issues = site(today=dt.date(unknown, 3, 1))
    assert [i for i in issues if i.code == "calendar_unknown"]


def test_listing_the_years_holidays_silences_the_warning() -> None:
    last_known = max(day.year for day in chinese_calendar.holidays)
    listed = f"calendar:\n  holidays: [{last_known + 1}-01-01]"
    config, issues = site(listed, today=dt.date(last_known, 12, 1))
    assert config is not None
    assert not [i for i in issues if i.code == "calendar_unknown"]


def test_the_installed_years_need_no_warning() -> None:
    config, issues = site(today=dt.date(2025, 6, 1))
    assert config is not None
    assert not [i for i in issues if i.code == "calendar_unknown"]
