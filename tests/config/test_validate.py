"""Validation of the whole folder: the demo passes; broken copies fail with pointed messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signage.config import load_folder, validate_files
from signage.config.validate import media_issues
from signage.config.when import parse_days, parse_time_window

DEMO = Path(__file__).resolve().parents[2] / "playlists"


def demo_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in DEMO.glob("*.yaml")}


def errors_of(files: dict[str, str]) -> list[str]:
    config, issues = validate_files(files)
    assert config is None
    return [str(i) for i in issues if i.severity == "error"]


def edited(name: str, old: str, new: str) -> dict[str, str]:
    files = demo_files()
    assert old in files[name], f"demo {name} no longer contains {old!r}"
    files[name] = files[name].replace(old, new, 1)
    return files


def test_demo_configuration_is_valid() -> None:
    config, issues = load_folder(DEMO)
    assert config is not None, [str(i) for i in issues]
    assert not [i for i in issues if i.severity == "error"]
    assert len(config.screens) >= 3
    assert set(config.groups()) == {"lobby", "tribunals"}
    assert {"daytime", "evening", "constitution-week"} <= set(config.playlists)
    assert any(r.dates is not None for r in config.site_file.schedule)


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "site.yaml",
            "    priority: 10\n",
            "    priorty: 10\n",
            "site.yaml:43:5: error: unknown key 'priorty' (did you mean 'priority'?)",
        ),
        (
            "site.yaml",
            "timezone: Asia/Shanghai",
            "timezone: Asia/Beijing",
            "site.yaml:5:13: error: 'Asia/Beijing' is not a time zone (Beijing time is written",
        ),
        (
            "site.yaml",
            'time: "08:30-17:30"',
            'time: "08:30-25:00"',
            "site.yaml:42:11: error: '25:00' is not a time of day",
        ),
        (
            "site.yaml",
            'days: workdays\n    time: "08:30',
            'days: mon-fir\n    time: "08:30',
            "site.yaml:41:11: error: 'fir' is not a day (did you mean 'fri'?)",
        ),
        (
            "site.yaml",
            "    screens: [lobby]\n    days",
            "    screens: [loby]\n    days",
            "site.yaml:40:15: error: 'loby' is neither a screen nor a group "
            "(did you mean 'lobby'?)",
        ),
        (
            "site.yaml",
            "  - playlist: daytime",
            "  - playlist: daytme",
            "site.yaml:39:15: error: there is no playlist 'daytme' (did you mean 'daytime'?)",
        ),
        (
            "site.yaml",
            "dates: 2026-12-01..2026-12-07",
            "dates: 2026-12-07..2026-12-01",
            "ends before it starts",
        ),
        ("site.yaml", "poll_seconds: 30", "poll_seconds: 1", "poll_seconds: must be at least 5"),
        (
            "site.yaml",
            "poll_seconds: 30",
            'poll_seconds: 30\n  prefetch: "02:00-26:00"',
            "'26:00' is not a time of day",
        ),
        (
            "site.yaml",
            "poll_seconds: 30",
            "poll_seconds: 30\n  prefetch: 2",
            'write the time range in quotes, like "08:30-17:30"',
        ),
        (
            "site.yaml",
            "poll_seconds: 30",
            "poll_seconds: thirty",
            "poll_seconds: expected a whole number",
        ),
        (
            "daytime.yaml",
            "    seconds: 10\n",
            "    seconds: 10\n    seconds: 12\n",
            "daytime.yaml:27:5: error: the key 'seconds' appears twice (first on line 26)",
        ),
        (
            "evening.yaml",
            "  - clip: anti-fraud\n",
            "  - clip: anti-fraud\n    seconds: 5\n",
            "evening.yaml:3:5: error: a clip plays for its own length",
        ),
        (
            "evening.yaml",
            "  - clip: anti-fraud\n",
            "  - clip: anti-fraud\n    image: poster\n",
            "exactly one of clip:, tip:, image: or hearings: (this one has clip and image)",
        ),
        (
            "tribunal.yaml",
            "      title: 旁听须知\n",
            "      titel: 旁听须知\n",
            "unknown key 'titel' (did you mean 'title'?). Allowed here: title, body",
        ),
    ],
)
def test_broken_copies_fail_with_pointed_messages(
    name: str, old: str, new: str, expected: str
) -> None:
    found = errors_of(edited(name, old, new))
    assert any(expected in line for line in found), found


def test_missing_site_and_bad_file_names() -> None:
    assert "site.yaml is missing" in errors_of({"daytime.yaml": "name: x\n"})[0]
    files = demo_files()
    files["Daytime Copy.yaml"] = "name: x\n"
    assert any("cannot be a playlist id" in line for line in errors_of(files))


def test_a_list_instead_of_keys_is_explained() -> None:
    files = demo_files()
    files["evening.yaml"] = "- clip: anti-fraud\n"
    assert any("must be a set of keys" in line for line in errors_of(files))


def test_every_error_is_reported_not_just_the_first() -> None:
    files = edited("daytime.yaml", "    seconds: 10\n", "    seconds: 0\n")
    files["tribunal.yaml"] = files["tribunal.yaml"].replace("seconds: 20", "seconds: many")
    found = errors_of(files)
    assert any(line.startswith("daytime.yaml") for line in found)
    assert any(line.startswith("tribunal.yaml") for line in found)


def test_warnings_do_not_fail() -> None:
    files = demo_files()
    files["spare.yaml"] = "name: 备用\nitems: []\n"
    config, issues = validate_files(files)
    assert config is not None
    codes = {i.code for i in issues if i.file == "spare.yaml"}
    assert codes == {"empty_playlist", "unused_playlist"}


def test_media_issues_name_the_playlists() -> None:
    config, _ = validate_files(demo_files())
    assert config is not None
    issues = media_issues(config, known={"anti-fraud"})
    assert {i.file for i in issues if "court-guide" in i.message} == {
        "daytime.yaml",
        "tribunal.yaml",
    }
    assert all(i.severity == "warning" for i in issues)


def test_full_width_punctuation_and_unquoted_times_read_as_meant() -> None:
    window = parse_time_window("８:30－17：30".replace("８", "8"))
    assert (window.start, window.end) == (8 * 3600 + 1800, 17 * 3600 + 1800)
    assert parse_time_window("22:00-06:00").crosses_midnight
    assert parse_time_window("08:00-24:00").end == 86400
    with pytest.raises(ValueError, match="in quotes"):
        parse_time_window(570)


def test_days_words() -> None:
    assert parse_days("mon-fri").weekdays == frozenset(range(5))
    assert parse_days("fri-mon").weekdays == frozenset({4, 5, 6, 0})
    assert parse_days(["sat", "sun"]).weekdays == frozenset({5, 6})
    workdays = parse_days("workdays")
    # 2026-10-01 is National Day (a Thursday); 2026-09-20 (a Sunday) is a make-up workday.
    assert dt.date(2026, 10, 1) not in workdays
    assert dt.date(2026, 9, 20) in workdays
    assert dt.date(2026, 10, 1) in parse_days("holidays")


def test_groups_have_names_for_staff_and_an_unused_one_is_a_warning() -> None:
    config, _ = validate_files(demo_files())
    assert config is not None
    assert config.group_name("lobby") == "诉讼服务中心大屏"
    assert config.target_name("lobby-east") == "诉讼服务中心东侧大屏"
    assert config.group_name("nowhere") == "nowhere"  # unnamed: the id
    files = edited("site.yaml", "  tribunals: 法庭门口屏", "  tribunal: 法庭门口屏")
    config, issues = validate_files(files)
    assert config is not None  # a name for a group without screens harms nothing
    warning = next(i for i in issues if i.code == "unknown_group")
    assert warning.severity == "warning" and "did you mean 'tribunals'?" in str(warning)
    assert warning.line == files["site.yaml"].splitlines().index("  tribunal: 法庭门口屏") + 1


def test_a_key_of_another_level_is_called_mis_indented_not_misspelt() -> None:
    files = demo_files()
    files["evening.yaml"] = "name: 夜间\nitems:\n  - tip:\n      body: 文字\n    title: 网上立案\n"
    problems = errors_of(files)
    assert problems == [
        "evening.yaml:5:5: error: unknown key 'title' (it belongs under 'tip': indent it under "
        "that key). Allowed here: days, time, dates, clip, tip, image, hearings, seconds, topics"
    ]
    files["evening.yaml"] = "name: 夜间\nitems:\n  - tip:\n      body: 文字\n      seconds: 15\n"
    assert "(it belongs to the level above: indent it less)" in errors_of(files)[0]
    assert "did you mean 'time'?" not in " ".join(errors_of(files))
