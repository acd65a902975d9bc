"""Opening hours (`hours:` on a screen or a group): read with the rule words and the official
calendar, checked with line and column, and worked out into the stretches a screen is lit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from signage.config import Config, validate_files
from signage.config.when import json_values
from signage.programme.manifest import build_manifest
from signage.programme.schedule import awake_windows, is_awake, resolve_segments

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAYLISTS = {"daytime.yaml": "items:\n  - tip: {title: 白天}\n"}
SITE = """\
site:
  name: 兴隆县人民法院
groups:
  lobby: {{name: 诉讼服务中心大屏, hours: {{days: workdays, time: "07:30-18:30"}}}}
  tribunals: 法庭门口
  late: {{hours: {{time: "17:00-22:00"}}}}
screens:
  lobby-east: {{groups: [lobby]}}
  tribunal-1: {{groups: [tribunals]}}
  shared: {{groups: [lobby, late]}}
  own: {{groups: [lobby]{own}}}
default_playlist: daytime
"""


def config_with(own: str = "") -> Config:
    config, issues = validate_files({"site.yaml": SITE.format(own=own), **PLAYLISTS})
    assert config is not None, issues
    return config


def at(*moment: int) -> dt.datetime:
    return dt.datetime(*moment, tzinfo=SHANGHAI)


def test_a_group_s_hours_follow_the_official_calendar_make_up_saturdays_included() -> None:
    config = config_with()
    assert config.group_name("lobby") == "诉讼服务中心大屏"
    assert config.group_name("tribunals") == "法庭门口"  # the short form stays valid
    # 2026-02-13 is a Friday, 2026-02-14 a make-up workday (调休) Saturday, 2026-02-21 a
    # plain Saturday.
    assert is_awake(config, "lobby-east", at(2026, 2, 13, 7, 30))
    assert not is_awake(config, "lobby-east", at(2026, 2, 13, 7, 29, 59))
    assert not is_awake(config, "lobby-east", at(2026, 2, 13, 18, 30))
    assert is_awake(config, "lobby-east", at(2026, 2, 14, 7, 30))
    assert not is_awake(config, "lobby-east", at(2026, 2, 21, 10, 0))
    # A screen without hours never sleeps.
    assert is_awake(config, "tribunal-1", at(2026, 2, 21, 3, 0))
    assert awake_windows(config, "tribunal-1", at(2026, 2, 21), at(2026, 2, 22)) is None


def test_the_stretches_a_screen_is_lit_cover_the_range_given() -> None:
    config = config_with()
    windows = awake_windows(config, "lobby-east", at(2026, 2, 13, 12), at(2026, 2, 16, 12))
    assert [(a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)) for a, b in windows or []] == [
        (at(2026, 2, 13, 12), at(2026, 2, 13, 18, 30)),
        (at(2026, 2, 14, 7, 30), at(2026, 2, 14, 18, 30)),  # 调休 Saturday
        # Monday the 16th is in the Spring Festival holiday: dark all day.
    ]


def test_several_groups_keep_a_screen_lit_while_any_of_their_hours_hold() -> None:
    config = config_with()
    assert is_awake(config, "shared", at(2026, 2, 13, 8, 0))  # lobby's
    assert is_awake(config, "shared", at(2026, 2, 21, 21, 0))  # late's, on a Saturday
    assert not is_awake(config, "shared", at(2026, 2, 21, 10, 0))
    windows = awake_windows(config, "shared", at(2026, 2, 13), at(2026, 2, 14))
    assert [(a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)) for a, b in windows or []] == [
        (at(2026, 2, 13, 7, 30), at(2026, 2, 13, 22, 0))
    ]


def test_a_screen_s_own_hours_win_over_its_groups() -> None:
    config = config_with(', hours: {days: [sat, sun], time: "09:00-12:00"}')
    assert not is_awake(config, "own", at(2026, 2, 13, 10, 0))  # the lobby's Friday
    assert is_awake(config, "own", at(2026, 2, 21, 10, 0))
    assert is_awake(config, "lobby-east", at(2026, 2, 13, 10, 0))


def test_hours_across_midnight_belong_to_the_evening_they_start() -> None:
    config = config_with(', hours: {days: fri, time: "20:00-02:00"}')
    assert is_awake(config, "own", at(2026, 2, 14, 1, 0))  # Friday night, Saturday 01:00
    assert not is_awake(config, "own", at(2026, 2, 15, 1, 0))


def test_the_manifest_tells_the_player_its_hours_and_segments_stay_as_they_were() -> None:
    config = config_with()
    start, end = at(2026, 2, 13, 12), at(2026, 2, 14, 12)
    segments = resolve_segments(config, "lobby-east", start, end)
    assert [s.playlists for s in segments] == [("daytime",)]  # hours do not cut the programme
    built, _ = build_manifest(config, "lobby-east", segments, lambda _: None, [], start, end)
    assert json_values(built)["hours"] == {
        "text": "workdays 07:30-18:30",
        "until": "2026-02-14T12:00:00+08:00",
        "awake": [
            {"start": "2026-02-13T12:00:00+08:00", "end": "2026-02-13T18:30:00+08:00"},
            {"start": "2026-02-14T07:30:00+08:00", "end": "2026-02-14T12:00:00+08:00"},
        ],
    }
    plain, _ = build_manifest(config, "tribunal-1", segments, lambda _: None, [], start, end)
    assert plain.hours is None and json_values(plain)["hours"] is None


def test_wrong_hours_are_told_with_their_place() -> None:
    cases = {
        # (text in place of the `own` screen's extra keys, line, words expected)
        ', hours: {days: workdayz, time: "07:30-18:30"}': (11, "did you mean 'workdays'"),
        ', hours: {days: workdays, time: "07:30"}': (11, "is not a time range"),
        ", hours: {}": (11, "hours: needs days:, time: or both"),
        ', hours: {days: workdays, when: "07:30-18:30"}': (11, "when"),
    }
    for text, (line, words) in cases.items():
        config, issues = validate_files({"site.yaml": SITE.format(own=text), **PLAYLISTS})
        assert config is None
        errors = [i for i in issues if i.severity == "error"]
        assert len(errors) == 1, (text, issues)
        assert errors[0].line == line and errors[0].column is not None, (text, errors[0])
        assert words in errors[0].message, (text, errors[0].message)
    config, issues = validate_files(
        {
            "site.yaml": SITE.format(own="").replace('"17:00-22:00"', '"22:00-22:00"'),
            **PLAYLISTS,
        }
    )
    assert config is None
    assert [(i.line, "covers no time" in i.message) for i in issues if i.severity == "error"] == [
        (6, True)
    ]
