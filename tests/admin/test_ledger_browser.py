"""普法 pages in a real browser: topics on the media page, the ledger (台账) from posted plays
with its workbook, and a screen's day as a printable list (今日节目单)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from signage.media import library
from signage.screens.keys import ensure_screen_key
from signage.screens.status import record_heartbeat
from tests.admin.conftest import Site, shot, sign_in
from tests.browser.lobby import open_store
from tests.support import keep_picture

pytestmark = pytest.mark.browser
SITE_ZONE = ZoneInfo("Asia/Shanghai")  # the demo site's


def test_topics_the_ledger_and_the_days_programme(browser: Browser, site: Site) -> None:
    store = open_store(site.playlists.parent / "media")
    # A row as an upload leaves it; its preparation fails (no file), its topics still count.
    library.enqueue(
        store,
        "guide-film",
        upload="guide-film.mp4",
        original_name="诉讼指南.mp4",
        title="便民诉讼指导片",
        created_by="wang",
    )
    page = sign_in(browser, site)

    # Topics are ticked on the media page among those site.yaml declares.
    page.goto(site.url + "/admin/media")
    row = page.locator("tr[data-id=guide-film]")
    row.locator(".topics-form summary").click()
    row.get_by_label("民法典").check()
    row.get_by_label("反电信网络诈骗").check()
    row.get_by_role("button", name="保存主题").click()
    expect(page.locator(".flash.message")).to_contain_text("普法主题已保存")
    expect(page.locator("tr[data-id=guide-film] .topics-form summary")).to_contain_text(
        "反电信网络诈骗"
    )
    shot(page, "media-topics")

    # Two screens play the film; the ledger counts what they reported.
    for screen, count in (("lobby-east", 3), ("lobby-west", 2)):
        key = ensure_screen_key(store, store.secret_key(), screen)
        sent = requests.post(
            f"{site.url}/api/v1/screens/{screen}/plays",
            params={"key": key},
            json={
                "plays": [
                    {
                        "id": f"{screen}-{n}",
                        "item": "daytime#0",
                        "type": "video",
                        "media": "guide-film",
                        "started_at": f"2026-11-2{n}T10:00:00+08:00",
                        "seconds": 600,
                    }
                    for n in range(count)
                ]
            },
            timeout=30,
        )
        assert sent.status_code == 200, sent.text
    # lobby-east was on from 08:00 to 10:30 on 20 November, a beat a minute.
    on = dt.datetime(2026, 11, 20, 8, tzinfo=SITE_ZONE)
    for minute in range(151):
        moment = on + dt.timedelta(minutes=minute)
        record_heartbeat(store, "lobby-east", {"player_version": "t"}, moment)
    page.goto(site.url + "/admin/ledger?from=2026-11-01&to=2026-11-30")
    expect(page.locator("h1")).to_have_text("普法台账")
    table = page.locator("#ledger tbody tr")
    expect(table).to_have_count(2)  # 民法典 and 反电信网络诈骗, 本院, 2026-11
    fraud = table.filter(has_text="反电信网络诈骗")
    expect(fraud.locator("td").nth(2)).to_have_text("本院")
    expect(fraud.locator("td.num").nth(0)).to_have_text("5")
    expect(fraud.locator("td.num").nth(1)).to_have_text("0.83")  # 5 x 600 s
    expect(fraud.locator("td.num").nth(2)).to_have_text("1")  # one film
    expect(fraud.locator("td.num").nth(3)).to_have_text("2")  # on two screens
    expect(fraud.locator("td.num").nth(4)).to_have_text("2.5")  # hours those screens were on
    east = page.locator("#uptime tbody tr").filter(has_text="诉讼服务中心东侧大屏")
    expect(east.locator("td").first).to_have_text("2026-11")
    expect(east.locator("td.num")).to_have_text(["2.5", "1"])  # hours on, days on
    shot(page, "ledger")
    with page.expect_download() as download:
        page.click("#xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[:2] == ["汇总", "2026-11月"]

    # The day's programme lists the screen's items in order, with their topics.
    page.goto(site.url + "/admin/plan?screen=lobby-east&date=2026-12-08")
    expect(page.locator("h1")).to_have_text("今日节目单")
    rows = page.locator("#plan tbody tr")
    expect(rows.first.locator("td").first).to_have_text("00:00:00")
    assert rows.count() > 100
    # The top of it (a whole day of 15-second tips is thousands of rows: too tall to shoot).
    keep_picture(page, "admin/plan", full_page=False)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("#plan")).to_be_visible()
