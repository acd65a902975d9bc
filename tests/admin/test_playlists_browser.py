"""Staff build and edit playlists in a real browser: form, YAML tab, drag, conflicts, escaping."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.admin.conftest import Site, shot, sign_in

pytestmark = pytest.mark.browser


def test_yaml_tab_shows_errors_at_their_line_as_staff_type(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/playlists/evening")
    page.click("#tab-yaml")
    page.fill("#yaml", "name: 夜间\nitems:\n  - clip: anti-fraud\n    secnds: 5\n")
    issue = page.locator("#issues li.error").first
    expect(issue).to_contain_text("第 4 行")
    shot(page, "playlist-yaml-error")
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("未保存")
    assert "secnds" not in (site.playlists / "evening.yaml").read_text()


def test_two_editors_saving_the_same_playlist_see_the_conflict(
    browser: Browser, site: Site
) -> None:
    first, second = sign_in(browser, site, "wang"), sign_in(browser, site, "li")
    for page in (first, second):
        page.goto(site.url + "/admin/playlists/tribunal")
    first.locator("#name").fill("法庭须知(王)")
    first.click("#save")
    expect(first.locator("#status")).to_have_text("已保存。")
    second.locator("#name").fill("法庭须知(李)")
    second.click("#save")
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(second.locator("#theirs")).to_contain_text("法庭须知(王)")
    expect(second.locator("#mine")).to_contain_text("法庭须知(李)")
    shot(second, "playlist-conflict")
    assert "法庭须知(王)" in (site.playlists / "tribunal.yaml").read_text()
    second.click("#keep-mine")
    expect(second.locator("#status")).to_have_text("已保存。")
    assert "法庭须知(李)" in (site.playlists / "tribunal.yaml").read_text()


def test_a_state_change_without_the_csrf_token_is_refused(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    before = (site.playlists / "evening.yaml").read_text()
    form = requests.post(
        site.url + "/admin/playlists/evening/delete", cookies=cookies, allow_redirects=False
    )
    assert form.status_code == 403
    api = requests.put(
        site.url + "/api/v1/playlists/evening",
        json={"yaml": "name: x\nitems: []\n"},
        cookies=cookies,
        headers={"If-Match": "*"},
    )
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "csrf_failed"
    assert (site.playlists / "evening.yaml").read_text() == before


def test_serve_says_how_to_create_the_first_admin(site: Site) -> None:
    started = site.server.log.read_text()
    assert "/admin/" in started
    assert "signage user add <name> --role admin" in started


def test_the_hearing_list_is_added_to_a_playlist_in_the_form(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/playlists/tribunal")
    page.click("#add-hearings")
    added = page.locator("#items li.item").last
    expect(added.locator(".kind")).to_have_text("开庭公告")
    expect(added.locator(".hearings-note")).to_contain_text("当天本屏幕所在法庭的开庭公告")
    expect(added.locator(".seconds")).to_have_value("20")  # the model's default for a list
    added.locator(".seconds").fill("30")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")
    written = (site.playlists / "tribunal.yaml").read_text()
    assert "  - hearings: today\n    seconds: 30\n" in written
    page.reload()  # read back from the file: the form still shows it, not the YAML notice
    expect(page.locator("#items li.item.hearings")).to_have_count(1)
    expect(page.locator("#form-unavailable")).to_be_hidden()
