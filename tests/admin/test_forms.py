"""The structured editors' models: YAML in, model out, YAML back that validates the same."""

from __future__ import annotations

from pathlib import Path

from signage.config.forms import (
    blank_rule,
    has_comments,
    playlist_model,
    playlist_yaml,
    schedule_model,
    site_yaml_with_rules,
)
from signage.config.validate import validate_files
from signage.config.writer import dump_yaml

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
        files[name] = playlist_yaml(model)
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


def test_comments_are_told_apart_from_hashes_in_values() -> None:
    assert has_comments((DEMO / "site.yaml").read_text())
    assert not has_comments('name: "第 #1 号"\nitems: []\n')
    assert has_comments("name: x  # 名称\nitems: []\n")


def test_the_writer_keeps_chinese_and_short_lists_readable() -> None:
    text = dump_yaml({"screens": {"a": {"name": "东侧大屏", "groups": ["lobby"]}}, "n": "no"})
    assert "name: 东侧大屏" in text and "groups: [lobby]" in text and "n: 'no'" in text
