"""Configuration problems reach staff in the page's language: Chinese first, English on request."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from flask import Flask
from flask.testing import FlaskClient

from signage.config.validate import validate_files
from signage.jobs.scheduler import reload_configuration
from signage.phrases import render_phrase

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "playlists"
CATALOGUE = REPO / "signage/translations/zh/LC_MESSAGES/messages.mo"

# Files that between them make the config package say most of what it can say.
BROKEN = {
    "site.yaml": (
        "site:\n  name: x\n  timezone: beijing\n  poll_seconds: 1\n"
        "screens:\n  a: {groups: [a]}\n  B: {orientation: sideways}\n"
        "schedule:\n  - playlist: daytim\n    priorty: 1\n    time: '25:00-26:00'\n"
        "    days: mon-fir\n    dates: 2026-12-09..2026-12-01\n    screens: [c]\n"
        "  - {playlist: nowhere, time: 0800, dates: [], days: []}\n"
    ),
    "daytime.yaml": (
        "items:\n  - {clip: a, tip: {title: x}, image: b}\n  - {clip: Bad, seconds: 5}\n"
        "  - {tip: {title: ''}, seconds: x}\n  - {image: c, time: '08:00-08:00'}\n"
    ),
    "Evening.yaml": "items: []\n",
    "empty.yaml": "name: nothing here\n",
    "list.yaml": "- a\n",
    "twice.yaml": "name: a\nname: b\n",
    "tab.yaml": "name: a\n\titems: []\n",
    "colon.yaml": "name: a: b\n",
}
# A site.yaml that reads well but points at things that are not there.
DANGLING = {
    "site.yaml": (
        "site: {name: x}\nscreens:\n  a: {groups: [a]}\n  B: {}\n  idle: {}\n"
        "schedule:\n  - {playlist: daytim, screens: [c], days: workdays}\n"
        "  - {playlist: nowhere}\n"
    ),
    "daytime.yaml": "items: []\n",
    "evening.yaml": "items: [{clip: gone}]\n",
}


def catalogue() -> dict[str, str]:
    """The compiled Chinese catalogue: English template -> Chinese."""
    with open(CATALOGUE, "rb") as handle:
        return {m.id: m.string for m in read_mo(handle) if m.id and m.string}


def fields(template: str) -> set[str]:
    """The parameter names a template fills in."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def templates_of(value: object) -> list[str]:
    """Every template in an issue dict's phrase and its nested phrases."""
    if isinstance(value, dict):
        own = [value["template"]] if isinstance(value.get("template"), str) else []
        return own + [t for v in value.values() for t in templates_of(v)]
    if isinstance(value, list):
        return [t for v in value for t in templates_of(v)]
    return []


def test_every_marked_config_template_is_in_chinese_with_the_same_parameters() -> None:
    marked = {
        message[2]
        for package in ("config", "screens")
        for message in extract_from_dir(
            str(REPO / "signage" / package), [("**.py", "python")], keywords={"N_": None}
        )
    }
    assert len(marked) > 50
    chinese = catalogue()
    assert sorted(m for m in marked if m not in chinese) == []
    assert {m: fields(chinese[m]) for m in marked} == {m: fields(m) for m in marked}


@pytest.mark.parametrize("files", [BROKEN, DANGLING], ids=["broken", "dangling"])
def test_every_template_the_validator_actually_uses_is_in_chinese(files: dict[str, str]) -> None:
    _, issues = validate_files(files)
    used = {t for issue in issues for t in templates_of(issue.to_dict())}
    assert len(issues) >= 6 and len(used) >= 8
    chinese = catalogue()
    assert sorted(t for t in used if t and t not in chinese) == []


def break_site_yaml(app: Flask, playlists_dir: Path) -> None:
    """Misspell `priority` on line 43 of the demo's site.yaml, as someone editing by hand."""
    site = playlists_dir / "site.yaml"
    lines = site.read_text().splitlines()
    assert lines[42] == "    priority: 10"
    lines[42] = "    priorty: 10"
    site.write_text("\n".join(lines) + "\n")
    assert reload_configuration(app.extensions["signage"]) == "rejected"


def test_the_overview_shows_a_hand_edit_mistake_in_chinese_with_its_place(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    break_site_yaml(app, playlists_dir)
    page = staff.get("/admin/").get_data(as_text=True)
    assert "site.yaml 第43行第5列" in page
    assert (
        "不认识的设置项 “priorty”（是不是想写 “priority”？）。"
        "这里可以写：days、time、dates、playlist、screens、priority、unit"
    ) in page
    assert "unknown key" not in page


def test_the_overview_in_english_shows_the_english_sentence(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    break_site_yaml(app, playlists_dir)
    staff.get("/admin/language/en")
    page = staff.get("/admin/").get_data(as_text=True)
    assert "site.yaml line 43, column 5" in page
    assert "unknown key &#39;priorty&#39; (did you mean &#39;priority&#39;?)" in page
    assert "不认识" not in page


def test_the_yaml_tab_check_tells_each_problem_in_the_pages_language(
    staff: FlaskClient,
) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/admin/").text).group(1)
    text = "name: 白天\nitems:\n  - tip: {title: 开庭须知}\n    time: '25:00-26:00'\n"

    def check() -> list[dict[str, object]]:
        response = staff.post(
            "/admin/playlists/daytime/check",
            json={"yaml": text},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 200
        return response.get_json()["issues"]

    [issue] = check()
    assert issue["line"] == 4 and issue["template"].startswith("{text!r} is not a time")
    assert issue["text"] == "“25:00” 不是有效的时间；小时为 00-23，分钟为 00-59"
    assert issue["message"] == "'25:00' is not a time of day; hours go 00-23 and minutes 00-59"
    staff.get("/admin/language/en")
    assert check()[0]["text"] == issue["message"]


def test_a_refused_save_from_the_api_is_told_in_chinese_on_the_schedule_page(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    (playlists_dir / "evening.yaml").write_text("items:\n  - tip: {title: x}\n    days: mon-fir\n")
    page = staff.get("/admin/schedule").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    etag = re.search(r'name="etag" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "etag": etag, "rules": "0"}
    refused = staff.post("/admin/schedule", data=form)
    assert refused.status_code == 422
    assert "evening.yaml 第3行第11列：“fir” 不是星期（是不是想写 “fri”？）" in refused.text


def test_a_choice_of_values_is_listed_the_way_each_language_lists() -> None:
    _, issues = validate_files(BROKEN)
    (sideways,) = [i for i in issues if "orientation" in i.message]
    assert sideways.message == "orientation: expected one of 'landscape', 'portrait'"
    chinese = catalogue()
    text = render_phrase(
        sideways.phrase.template, sideways.to_dict()["params"], lambda t: chinese.get(t, t)
    )
    assert text.endswith("'landscape'、'portrait'") and " or " not in text
