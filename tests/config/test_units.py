"""Units in site.yaml: the demo's two tribunals, the checks `signage check` makes, and the
decisions of signage/units.py on saves (pure: neither Flask nor a database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations

from signage.accounts.staff import Actor
from signage.config import validate_files
from signage.config.units import screen_units, unit_screens
from signage.config.validate import Config
from signage.errors import Forbidden, SignageError
from signage.units import (
    check_file_change,
    check_playlist_delete,
    check_rooms,
    check_screens,
    stamp_new_playlist,
    visible_screens,
)

DEMO = Path(__file__).resolve().parents[2] / "playlists"
CATALOGUE = Path(__file__).resolve().parents[2] / "signage" / "translations"
LI = Actor(name="li", role="editor", unit="banbishan")
WANG = Actor(name="wang", role="editor", unit="liudaohe")
COUNTY = Actor(name="zhao", role="editor")


def demo_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in DEMO.glob("*.yaml")}


def config_of(files: dict[str, str]) -> Config:
    config, issues = validate_files(files)
    assert config is not None, [str(i) for i in issues if i.severity == "error"]
    return config


def errors_of(files: dict[str, str]) -> list[str]:
    config, issues = validate_files(files)
    assert config is None
    return [str(i) for i in issues if i.severity == "error"]


def with_site(old: str, new: str) -> dict[str, str]:
    files = demo_files()
    assert old in files["site.yaml"], old
    files["site.yaml"] = files["site.yaml"].replace(old, new, 1)
    return files


def test_the_demo_has_two_tribunals_with_their_screens_and_playlists() -> None:
    config = config_of(demo_files())
    assert {u: unit.name for u, unit in config.site_file.units.items()} == {
        "banbishan": "半壁山人民法庭",
        "liudaohe": "六道河人民法庭",
    }
    assert screen_units(config.site_file) == {"bbs-lobby": "banbishan", "ldh-lobby": "liudaohe"}
    assert config.playlists["banbishan"].unit == "banbishan"
    assert config.playlists["daytime"].unit is None


LDH_UNIT = "    name: 六道河人民法庭\n    screens: [ldh-lobby]\n"


def test_a_unit_may_name_groups() -> None:
    config = config_of(with_site(LDH_UNIT, LDH_UNIT.replace("]", ", tribunals]")))
    assert unit_screens(config.site_file, "liudaohe") == {"ldh-lobby", "tribunal-1", "tribunal-2"}


def test_a_screen_in_two_units_is_an_error_at_the_second() -> None:
    errors = errors_of(with_site(LDH_UNIT, LDH_UNIT.replace("]", ", bbs-lobby]")))
    site = demo_files()["site.yaml"]
    line = site[: site.rindex(LDH_UNIT)].count("\n") + 2
    assert any(
        e.startswith(f"site.yaml:{line}:26:")
        and "screen 'bbs-lobby' is already in unit 'banbishan'" in e
        for e in errors
    ), errors


def test_a_rule_reaching_screens_outside_its_unit_is_an_error_with_its_line() -> None:
    site = demo_files()["site.yaml"]
    line = site.splitlines().index("    screens: [bbs-lobby]") + 1
    errors = errors_of(with_site("    screens: [bbs-lobby]\n", "    screens: [bbs-lobby, lobby]\n"))
    assert any(
        e.startswith(f"site.yaml:{line}:")
        and "belongs to unit 'banbishan' but reaches lobby-east, lobby-west" in e
        for e in errors
    ), errors


def test_a_rule_without_screens_reaches_every_screen_so_a_units_rule_must_name_them() -> None:
    errors = errors_of(
        with_site("    unit: banbishan\n    screens: [bbs-lobby]\n", "    unit: banbishan\n")
    )
    assert any("belongs to unit 'banbishan' but reaches" in e for e in errors), errors


def test_another_units_playlist_is_refused_and_the_countys_is_shared() -> None:
    errors = errors_of(with_site("  - playlist: liudaohe\n", "  - playlist: banbishan\n"))
    assert any(
        "playlist 'banbishan' belongs to unit 'banbishan'; a rule of unit 'liudaohe'" in e
        for e in errors
    ), errors
    config_of(with_site("  - playlist: liudaohe\n", "  - playlist: evening\n"))


def test_unknown_units_are_errors_with_a_hint() -> None:
    errors = errors_of(with_site("    unit: liudaohe\n", "    unit: liudaoh\n"))
    assert any("there is no unit 'liudaoh' (did you mean 'liudaohe'?)" in e for e in errors)
    files = demo_files()
    files["banbishan.yaml"] = files["banbishan.yaml"].replace("unit: banbishan", "unit: nowhere")
    errors = errors_of(files)
    assert any(
        e.startswith("banbishan.yaml:2:7: error: there is no unit 'nowhere'") for e in errors
    )


def test_a_site_without_units_validates_as_before() -> None:
    files = demo_files()
    site = files["site.yaml"]
    files["site.yaml"] = site[: site.index("# 派出法庭:各自")]
    for name in ("banbishan.yaml", "liudaohe.yaml"):
        files[name] = files[name].replace("unit: ", "# unit: ")
    errors = errors_of(files)
    assert errors and all("there is no unit" in e for e in errors)


# --- the decisions of signage/units.py


def test_a_unit_editor_may_change_only_their_rules() -> None:
    before = config_of(demo_files())
    own = config_of(
        with_site(
            '    time: "08:30-17:30"\n    priority: 15', '    time: "09:00-17:00"\n    priority: 15'
        )
    )
    check_file_change(LI, before, own, "site.yaml")
    with pytest.raises(Forbidden) as refused:
        check_file_change(WANG, before, own, "site.yaml")
    assert refused.value.code == "unit_site" and refused.value.details["part"] == "schedule 4"
    county = config_of(with_site("  poll_seconds: 30", "  poll_seconds: 20"))
    with pytest.raises(Forbidden) as refused:
        check_file_change(LI, before, county, "site.yaml")
    assert refused.value.details == {
        "unit": "banbishan",
        "unit_name": "半壁山人民法庭",
        "part": "site",
    }
    check_file_change(COUNTY, before, county, "site.yaml")
    check_file_change(LI.model_copy(update={"role": "admin"}), before, county, "site.yaml")


def in_chinese(error: SignageError) -> str:
    """The refusal as the staff pages word it: the catalogue's Chinese of its phrase."""
    return error.phrase.render(Translations.load(CATALOGUE, ["zh"]).gettext)


def test_a_refusal_names_the_unit_and_the_rule_in_english_and_in_chinese() -> None:
    before = config_of(demo_files())
    own = config_of(
        with_site(
            '    time: "08:30-17:30"\n    priority: 15', '    time: "09:00-17:00"\n    priority: 15'
        )
    )
    with pytest.raises(Forbidden) as refused:
        check_file_change(WANG, before, own, "site.yaml")
    assert refused.value.details["part"] == "schedule 4"
    assert refused.value.message.startswith("rule #4 of site.yaml is the county's or another")
    assert "the rules of 六道河人民法庭: undo that change, or ask an administrator" in (
        refused.value.message
    )
    words = in_chinese(refused.value)
    assert "六道河人民法庭的规则；第 4 条规则属于院里或其他法庭。" in words
    assert words.endswith("请撤销这处修改，或请管理员修改")
    config = config_of(demo_files())
    with pytest.raises(Forbidden) as refused:
        check_screens(LI, config, ["bbs-lobby", "ldh-lobby", "lobby-east"])
    assert refused.value.details["part"] == "ldh-lobby, lobby-east"
    assert refused.value.message.startswith("screens ldh-lobby, lobby-east are not 半壁山")
    assert in_chinese(refused.value).startswith("ldh-lobby、lobby-east 不是半壁山人民法庭的屏幕。")


def test_a_unit_editor_changes_only_their_playlists() -> None:
    before = config_of(demo_files())
    files = demo_files()
    files["liudaohe.yaml"] += "  - tip: {title: 新}\n"
    after = config_of(files)
    check_file_change(WANG, before, after, "liudaohe.yaml")
    with pytest.raises(Forbidden):
        check_file_change(LI, before, after, "liudaohe.yaml")
    files = demo_files()
    files["daytime.yaml"] = files["daytime.yaml"].replace("name: ", "unit: banbishan\nname: ", 1)
    with pytest.raises(Forbidden):  # taking a county playlist over
        check_file_change(LI, before, config_of(files), "daytime.yaml")
    check_playlist_delete(LI, before, "banbishan")
    for other in ("liudaohe", "daytime", "missing"):
        with pytest.raises(Forbidden):
            check_playlist_delete(LI, before, other)


def test_a_new_playlist_of_a_unit_editor_says_their_unit() -> None:
    text = "name: 新\nitems: []\n".encode()
    assert stamp_new_playlist(LI, text) == "unit: banbishan\nname: 新\nitems: []\n".encode()
    assert stamp_new_playlist(COUNTY, text) == text
    assert stamp_new_playlist(LI, b"unit: liudaohe\n") == b"unit: liudaohe\n"  # refused later


def test_screens_rooms_and_lists_of_a_unit() -> None:
    config = config_of(demo_files())
    check_screens(LI, config, ["bbs-lobby"])
    for targets in (["lobby"], ["bbs-lobby", "ldh-lobby"], None):
        with pytest.raises(Forbidden):
            check_screens(LI, config, targets)
    check_screens(COUNTY, config, None)
    check_rooms(LI, config, ["半壁山法庭"])
    with pytest.raises(Forbidden):
        check_rooms(LI, config, ["半壁山法庭", "第一法庭"])
    assert visible_screens(LI, config, "liudaohe") == {"bbs-lobby"}
    assert visible_screens(COUNTY, config, "liudaohe") == {"ldh-lobby"}
    assert visible_screens(COUNTY, config, None) is None


def test_a_file_broken_by_hand_is_still_owned_by_what_its_text_says() -> None:
    before = config_of(demo_files())
    files = demo_files()
    files["evening.yaml"] = "unit: banbishan\n" + files["evening.yaml"]
    after = config_of(files)
    broken = b"name: [\n"  # not in the configuration in effect: its text is read instead
    with pytest.raises(Forbidden):
        check_file_change(LI, None, after, "evening.yaml", broken)
    check_file_change(LI, None, after, "evening.yaml", b"unit: banbishan\nitems: 3\n")
    check_file_change(LI, before, after, "bbs-new.yaml", None)
