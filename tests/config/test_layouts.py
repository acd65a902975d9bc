"""Layouts: built-in and declared zones, a rule switching them, their errors with positions,
and the manifest a screen gets (each side zone's own items)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.support import Translations

from signage.config import validate_files
from signage.config.forms import schedule_model, site_yaml_with_rules
from signage.config.validate import Config, Issue
from signage.config.when import json_values
from signage.phrases import render_phrase
from signage.programme.manifest import build_manifest
from signage.programme.schedule import resolve_segments

BEIJING = dt.timezone(dt.timedelta(hours=8))
CATALOGUE = Path(__file__).resolve().parents[2] / "signage" / "translations"
PLAYLISTS = {
    "daytime.yaml": "items:\n  - tip: {title: 如何立案？}\n",
    "side.yaml": (
        "items:\n"
        "  - tip: {title: 网上立案, body: 扫码立案}\n"
        "  - tip: {title: 夜间提示}\n"
        '    time: "18:00-23:00"\n'
    ),
}


def site(screens: str, extra: str = "") -> str:
    return f"site:\n  name: 测试法院\nscreens:\n{screens}default_playlist: daytime\n{extra}"


def config_of(text: str) -> Config:
    config, issues = validate_files({"site.yaml": text, **PLAYLISTS})
    assert config is not None, [str(i) for i in issues]
    return config


def errors_of(text: str) -> list[str]:
    config, issues = validate_files({"site.yaml": text, **PLAYLISTS})
    assert config is None
    return [str(i) for i in issues if i.severity == "error"]


def zh_text(issue: Issue) -> str:
    """The issue as the staff pages say it (the catalogue they use, without Flask)."""
    fields = issue.to_dict()
    chinese = Translations.load(str(CATALOGUE), ["zh"])
    return render_phrase(fields["template"], fields["params"], chinese.gettext)


def manifest(config: Config, screen: str, at: dt.datetime) -> dict:
    end = at + dt.timedelta(hours=12)
    segments = resolve_segments(config, screen, at, end)
    built, _ = build_manifest(config, screen, segments, lambda _: None, [], at, end)
    return json_values(built)


def test_a_screen_on_side_gets_the_main_and_side_zones_and_its_own_items() -> None:
    config = config_of(site("  lobby: {name: 大厅, layout: side}\n"))
    body = manifest(config, "lobby", dt.datetime(2026, 11, 20, 9, tzinfo=BEIJING))
    assert {s["layout"] for s in body["segments"]} == {"side"}
    zones = {zone["id"]: zone for zone in body["layouts"]["side"]["zones"]}
    assert zones["main"] == {"id": "main", "area": [0, 0, 75, 100], "kind": "main"}
    side = zones["side"]
    assert side["area"] == [75, 0, 25, 100] and side["playlist"] == "side"
    # The evening tip joins the side zone only in its own hours.
    titles = [[i["title"] for i in part["items"]] for part in side["segments"]]
    assert titles[:2] == [["网上立案"], ["网上立案", "夜间提示"]]
    assert side["segments"][1]["start"] == "2026-11-20T18:00:00+08:00"


def test_a_rule_sets_the_layout_for_its_time_and_the_screen_keeps_its_own_outside() -> None:
    rule = 'schedule:\n  - playlist: daytime\n    time: "08:30-17:30"\n    layout: side\n'
    config = config_of(site("  lobby: {name: 大厅}\n", rule))
    body = manifest(config, "lobby", dt.datetime(2026, 11, 20, 8, tzinfo=BEIJING))
    spans = [(s["start"][11:16], s["end"][11:16], s["layout"]) for s in body["segments"]]
    assert spans[:3] == [
        ("08:00", "08:30", "full"),
        ("08:30", "17:30", "side"),
        ("17:30", "20:00", "full"),
    ]
    assert set(body["layouts"]) == {"full", "side"}


def test_the_hearing_band_is_the_portrait_split_layout() -> None:
    config = config_of(site("  door: {name: 第一法庭门口, courtroom: 第一法庭}\n"))
    body = manifest(config, "door", dt.datetime(2026, 11, 20, 9, tzinfo=BEIJING))
    assert {s["layout"] for s in body["segments"]} == {"portrait-split"}
    kinds = [(z["kind"], z["area"]) for z in body["layouts"]["portrait-split"]["zones"]]
    assert kinds == [("main", [0, 0, 100, 70]), ("hearings", [0, 70, 100, 30])]
    assert "hearings" in body  # the band's rows come with it
    off = config_of(site("  door: {name: 门口, courtroom: 第一法庭, hearing_band: false}\n"))
    plain = manifest(off, "door", dt.datetime(2026, 11, 20, 9, tzinfo=BEIJING))
    assert {s["layout"] for s in plain["segments"]} == {"full"}


def test_a_declared_layout_is_valid_and_names_its_main_zone() -> None:
    config = config_of(
        site(
            "  a: {name: 左屏, layout: side-hearings}\n",
            "layouts:\n  side-hearings:\n    zones:\n"
            "      main: {area: [0, 0, 75, 100]}\n"
            "      side: {area: [75, 0, 25, 100], playlist: side}\n",
        )
    )
    assert config.site_file.layouts["side-hearings"].main == "main"


def test_layout_mistakes_are_errors_at_their_line_and_column_in_chinese_too() -> None:
    layouts = (
        "layouts:\n"
        "  split:\n    zones:\n"
        "      main: {area: [0, 0, 75, 100]}\n"
        "      side: {area: [70, 0, 30, 100], playlist: sidee}\n"
        "  two:\n    zones:\n"
        "      main: {area: [0, 0, 50, 100]}\n"
        "      other: {area: [50, 0, 50, 100]}\n"
    )
    errors = errors_of(site("  a: {name: A, layout: splitt}\n", layouts))
    assert errors == [
        "site.yaml:4:24: error: there is no layout 'splitt' (did you mean 'split'?); use one "
        "declared under layouts: or a built-in one "
        "(bottom, full, portrait-split, side, split, two)",
        "site.yaml:10:20: error: zone 'side' overlaps zone 'main'; move or shrink one of them",
        "site.yaml:10:48: error: there is no playlist 'sidee' (did you mean 'side'?)",
        "site.yaml:12:5: error: layout 'two' needs exactly one zone without playlist: (the one "
        "the schedule fills); it has 2",
    ]
    off_screen = (
        "layouts:\n  wide:\n    zones:\n"
        "      main: {area: [0, 0, 75, 100]}\n"
        "      side: {area: [75, 0, 30, 100], playlist: side}\n"
    )
    config, issues = validate_files(
        {"site.yaml": site("  a: {name: A}\n", off_screen), **PLAYLISTS}
    )
    assert config is None
    (issue,) = issues
    assert (issue.line, issue.column) == (10, 13)
    assert "reaches past the screen's edge (x + width = 105" in issue.message
    assert zh_text(issue) == "区域超出了屏幕边缘（x + 宽度 = 105，y + 高度 = 100；都不能超过 100）"


def test_a_rules_layout_survives_the_schedule_forms_round_trip() -> None:
    text = site(
        "  lobby: {name: 大厅}\n",
        'schedule:\n  - playlist: daytime\n    time: "08:30-17:30"\n    layout: side\n',
    )
    rules = schedule_model(text)
    rules[0]["priority"] = 5  # a change made on the schedule page, which has no layout field
    config = config_of(site_yaml_with_rules(text, rules))
    assert (config.site_file.schedule[0].priority, config.site_file.schedule[0].layout) == (
        5,
        "side",
    )


def test_a_sync_group_makes_its_screens_a_wall_and_the_plain_form_stays_valid() -> None:
    screens = (
        "  east: {name: 东屏, groups: [wall]}\n"
        "  west: {name: 西屏, groups: [wall, lobby]}\n"
        "  door: {name: 门口, groups: [lobby]}\n"
    )
    config = config_of(
        site(screens, "groups:\n  wall: {name: 大厅拼接屏, sync: true}\n  lobby: 大厅\n")
    )
    at = dt.datetime(2026, 11, 20, 9, tzinfo=BEIJING)
    synced = {screen: manifest(config, screen, at)["screen"]["sync"] for screen in config.screens}
    assert synced == {"east": True, "west": True, "door": False}
    assert config.group_name("wall") == "大厅拼接屏" and config.group_name("lobby") == "大厅"
    wrong = site(screens, "groups:\n  wall: {name: 大厅拼接屏, sync: sometimes}\n")
    config, issues = validate_files({"site.yaml": wrong, **PLAYLISTS})
    assert config is None
    (issue,) = issues
    assert str(issue) == "site.yaml:9:29: error: sync: expected true or false"
    assert zh_text(issue) == "sync：这里应写 true（是）或 false（否）"
