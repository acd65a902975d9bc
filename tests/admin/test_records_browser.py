"""Reports of what played, file history with diff and restore, and the audit log."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.admin.conftest import Site, shot, sign_in

pytestmark = pytest.mark.browser


def report_plays(site: Site) -> None:
    """What a lobby screen's player sends: a batch of proof-of-play records."""
    url = site.server.signage("screen-url", "lobby-east")
    key = parse_qs(urlsplit(url).query)["key"][0]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    plays = [
        {
            "id": f"play-{n}",
            "item": "daytime#0" if n % 3 else "daytime#1",
            "type": "video" if n % 3 else "tip",
            "media": "anti-fraud" if n % 3 else None,
            "started_at": (start + dt.timedelta(seconds=20 * n)).isoformat(),
            "seconds": 8.0 if n % 3 else 15.0,
        }
        for n in range(9)
    ]
    response = requests.post(
        f"{site.url}/api/v1/screens/lobby-east/plays",
        json={"plays": plays},
        headers={"X-Screen-Key": key},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_plays_per_item_and_screen_as_chart_table_and_csv(browser: Browser, site: Site) -> None:
    report_plays(site)
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/reports")
    expect(page.locator(".chart rect")).to_have_count(3)  # two items, one screen
    rows = page.locator("#report tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="如何立案？")).to_contain_text("3")
    expect(rows.filter(has_text="防范电信诈骗")).to_contain_text("6")  # the media title
    expect(rows.first).to_contain_text("日间普法轮播")
    shot(page, "reports")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    csv = requests.get(site.url + page.locator("#csv").get_attribute("href"), cookies=cookies)
    assert csv.content.startswith("\ufeff".encode())
    text = csv.content.decode("utf-8-sig")
    assert "如何立案？" in text and "节目名称" in text and "小知识" in text


def test_history_shows_a_diff_and_restores_an_old_revision(browser: Browser, site: Site) -> None:
    original = (site.playlists / "evening.yaml").read_text()
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/playlists/evening")
    page.locator("#name").fill("夜间轮播(新)")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")

    page.goto(site.url + "/admin/history?file=evening.yaml")
    expect(page.locator("#revisions tbody tr")).to_have_count(2)
    # A playlist's versions compare as the form reads them, as a review shows a change.
    expect(page.locator("#changes .where")).to_have_text("播放列表名称")
    expect(page.locator("#changes ins")).to_have_text("(新)")
    expect(page.locator("#changes del")).to_have_text("及节假日")
    expect(page.locator("#revisions tbody tr").last).to_contain_text("最初的版本")
    # Site time (Beijing), not UTC: the newest revision was saved within the last minutes.
    shown = page.locator("#revisions tbody tr").first.locator("td").nth(1).inner_text()
    beijing = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    assert abs(dt.datetime.strptime(shown, "%Y-%m-%d %H:%M") - beijing) < dt.timedelta(minutes=5)
    expect(page.locator("#revisions tbody tr").first).to_contain_text("保存修改")
    expect(page.locator("#audit")).to_contain_text("登录")
    shot(page, "history")
    page.once("dialog", lambda dialog: dialog.accept())
    first = page.locator("#revisions tbody tr").nth(1).get_attribute("data-revision")
    page.locator("#revisions tbody tr").nth(1).locator("button").click()
    expect(page.locator(".flash")).to_contain_text("已恢复")
    expect(page.locator("#revisions tbody tr")).to_have_count(3)
    expect(page.locator("#revisions tbody tr").first).to_contain_text(f"恢复为第 {first} 版")
    assert (site.playlists / "evening.yaml").read_text() == original
