"""The structured editors' models: YAML in, model out, YAML back that validates the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from signage.config.forms import (
    blank_rule,
    playlist_model,
    playlist_yaml,
    schedule_model,
    site_yaml_with_rules,
    site_yaml_with_screen,
)
from signage.config.validate import validate_files
from signage.errors import Conflict, NotFound

DEMO = Path(__file__).resolve().parents[2] / "playlists"


def demo_files() -> dict[str, str]:
    return {path.name: path.read_text() for path in DEMO.glob("*.yaml")}


def test_every_demo_playlist_survives_the_form_round_trip() -> None:
    files = demo_files()
    original, _ = validate_files(files)
    for name in files:
        if name == "site.yaml":
            continue
        model = playlist_model(files[name])
        assert model is not None, name
        files[name] = playlist_yaml(model, files[name])
        assert files[name] == (DEMO / name).read_text()  # nothing changed, nothing rewritten
        assert playlist_model(files[name]) == model
    rewritten, issues = validate_files(files)
    assert [i for i in issues if i.severity == "error"] == []
    assert rewritten.playlists == original.playlists


def test_the_schedule_survives_the_form_round_trip_and_a_new_rule_lands() -> None:
    files = demo_files()
    rules = schedule_model(files["site.yaml"])
    assert rules[1]["workdays"] and rules[1]["start"] == "08:30"
    new = {**blank_rule(), "playlist": "evening", "screens": ["lobby"], "priority": 5}
    new["weekdays"] = ["sat", "sun"]
    files["site.yaml"] = site_yaml_with_rules(files["site.yaml"], [*rules, new])
    config, issues = validate_files(files)
    assert [i for i in issues if i.severity == "error"] == []
    last = config.site_file.schedule[-1]
    assert (last.playlist, last.priority, sorted(last.days.weekdays)) == ("evening", 5, [5, 6])
    assert schedule_model(files["site.yaml"])[:-1] == rules


def comments(text: str) -> list[str]:
    """Every `# …` comment of a text (the demo values hold no `#`)."""
    return [match.group(1).strip() for match in re.finditer(r"(?:^|\s)(#.*)$", text, re.M)]


def test_every_form_keeps_every_comment_of_the_demo_files() -> None:
    site = (DEMO / "site.yaml").read_text()
    assert len(comments(site)) >= 5
    with_screen = site_yaml_with_screen(
        site, "lobby-north", {"name": "北侧大屏", "groups": ["lobby"]}
    )
    assert comments(with_screen) == comments(site)
    # Added after the last screen, before the blank line that ends the section.
    assert "  lobby-north:\n    name: 北侧大屏\n    groups: [lobby]\n\nschedule:" in with_screen
    assert 'time: "08:30-17:30"' in with_screen  # quoting kept as written
    rules = schedule_model(site)
    rules[1]["priority"] = 12
    new = {**blank_rule(), "playlist": "evening", "start": "18:00", "end": "22:00"}
    with_rules = site_yaml_with_rules(site, [*rules, new])
    assert comments(with_rules) == comments(site)
    assert "priority: 12" in with_rules and 'time: "18:00-22:00"' in with_rules
    _, issues = validate_files({**demo_files(), "site.yaml": with_rules})
    assert [i for i in issues if i.severity == "error"] == []


def test_a_moved_playlist_item_takes_its_comments_along() -> None:
    text = (
        "# 大厅轮播\nname: 日间  # 名称\nitems:\n"
        "  # 第一条\n  - clip: anti-fraud\n"
        "  - tip:\n      title: 如何立案？  # 标题\n      body: 立案登记制。\n"
        "      qr: https://example.court.gov.cn/wsla\n    seconds: 15\n"
    )
    model = playlist_model(text)
    model["items"].reverse()
    model["items"][0]["title"] = "怎样立案？"
    model["items"].append({"kind": "tip", "title": "新", "body": "", "dates": "2026-12-01"})
    written = playlist_yaml(model, text)
    assert sorted(comments(written)) == sorted(comments(text))
    assert written.index("# 标题") < written.index("anti-fraud")  # it moved with its item
    assert "qr: https://example.court.gov.cn/wsla" in written  # a key the form does not know
    assert written.index("怎样立案？") < written.index("anti-fraud")
    assert 'dates: "2026-12-01"' in written  # quoted, or YAML 1.1 would read a date
    assert playlist_model(written)["items"][2]["dates"] == "2026-12-01"


def test_adding_a_screen_with_a_taken_id_is_refused() -> None:
    with pytest.raises(Conflict):
        site_yaml_with_screen((DEMO / "site.yaml").read_text(), "lobby-east", {"name": "东"})


def test_a_hearing_list_is_edited_in_the_form_like_any_other_item() -> None:
    text = (
        "name: 法庭门口\nitems:\n  # 开庭公告放在最前\n  - hearings: today\n    seconds: 30\n"
        "  - tip: {title: 法庭纪律, body: 请勿喧哗}\n"
    )
    model = playlist_model(text)
    assert model is not None
    assert model["items"][0] == {
        "kind": "hearings",
        "seconds": 30,
        "dates": "",
        "days": "",
        "time": "",
        "origin": 0,
    }
    assert playlist_yaml(model, text) == text
    model["items"].append({"kind": "hearings", "seconds": 20, "dates": "2026-12-01"})
    model["items"].insert(0, model["items"].pop(1))  # the tip first, the list after it
    written = playlist_yaml(model, text)
    assert written.endswith(
        "  - tip: {title: 法庭纪律, body: 请勿喧哗}\n  - hearings: today\n    seconds: 30\n"
        '  - hearings: today\n    seconds: 20\n    dates: "2026-12-01"\n'
    )
    files = {**demo_files(), "tribunal.yaml": written}
    assert [i for i in validate_files(files)[1] if i.severity == "error"] == []


@pytest.mark.parametrize("words", ["weekends", "mon-fri", "daily", "[sat, sun]"])
def test_the_days_keep_the_words_they_were_written_in(words: str) -> None:
    site = demo_files()["site.yaml"]
    text = site.replace("    days: workdays\n", f"    days: {words}\n", 1)
    rules = schedule_model(text)
    assert rules is not None
    assert site_yaml_with_rules(text, rules) == text  # the checkboxes mean the same days
    rules[1]["weekdays"], rules[1]["workdays"] = ["sat"], True
    changed = site_yaml_with_rules(text, rules)
    assert "    days: [sat, workdays]\n" in changed and f"days: {words}\n" not in changed


def test_a_screens_settings_change_only_what_the_form_changed() -> None:
    site = (
        (DEMO / "site.yaml")
        .read_text()
        .replace(
            "    orientation: portrait\n",
            "    orientation: portrait\n    captions: true  # 默认\n",
            1,
        )
    )
    unchanged = {
        "name": "第一法庭门口",
        "groups": ["tribunals"],
        "orientation": "portrait",
        "courtroom": "",
        "hearing_band": False,
        "captions": True,
    }
    # The file said captions: true although that is the default: it stays, with its comment.
    assert site_yaml_with_screen(site, "tribunal-1", unchanged, new=False) == site
    changed = {**unchanged, "courtroom": "第一法庭", "hearing_band": True, "captions": False}
    written = site_yaml_with_screen(site, "tribunal-1", changed, new=False)
    assert comments(written) == comments(site)
    assert (
        "  tribunal-1:\n    name: 第一法庭门口\n    groups: [tribunals]\n"
        "    orientation: portrait\n    captions: false # 默认\n    courtroom: 第一法庭\n"
        "  tribunal-2:\n"
    ) in written  # a courtroom's band is on unless turned off: nothing to write
    config, issues = validate_files({**demo_files(), "site.yaml": written})
    assert [i for i in issues if i.severity == "error"] == []
    assert config.screens["tribunal-1"].courtroom == "第一法庭"
    assert config.screens["tribunal-1"].shows_hearing_band
    quiet = site_yaml_with_screen(
        written, "tribunal-1", {**changed, "hearing_band": False}, new=False
    )
    assert "    courtroom: 第一法庭\n    hearing_band: false\n" in quiet
    back = site_yaml_with_screen(
        written, "tribunal-1", {**unchanged, "orientation": "landscape"}, new=False
    )
    tribunal_1 = back.split("tribunal-2")[0]
    assert "    courtroom:" not in tribunal_1 and "hearing_band" not in tribunal_1
    assert (
        "  tribunal-1:\n    name: 第一法庭门口\n    groups: [tribunals]\n  tribunal-2"
        in back.replace("    captions: true  # 默认\n", "")
    )
    with pytest.raises(NotFound):
        site_yaml_with_screen(site, "tribunal-9", unchanged, new=False)


def test_a_removed_rule_takes_its_comment_along() -> None:
    site = demo_files()["site.yaml"]
    rules = schedule_model(site)
    without = site_yaml_with_rules(site, [rules[0], *rules[2:]])
    assert "# 工作日办公时间" not in without  # the removed rule's own comment
    assert without.index("# 工作日开庭时间") < without.index("playlist: tribunal")
    assert without.count("# 工作日开庭时间") == 1
    assert [rule["playlist"] for rule in schedule_model(without)] == [
        rules[0]["playlist"],
        *[rule["playlist"] for rule in rules[2:]],
    ]
