"""The hearing board on a tribunal screen, from an .xlsx uploaded on the staff page: only
this room's cases, each row's state following the clock, the current and next hearing in
the band, and a 不公开 hearing masked in the manifest JSON and on the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.admin.conftest import PASSWORD
from tests.browser.lobby import (
    PORTRAIT,
    SCREEN,
    start_lobby,
    turn_soon,
    wait_for,
    wait_snapshot,
)
from tests.hearings.workbooks import HEADER, xlsx
from tests.support import keep_picture

pytestmark = pytest.mark.browser

SITE = f"""\
site:
  name: 兴隆县人民法院
  timezone: Asia/Shanghai
  poll_seconds: 5
screens:
  {SCREEN}:
    name: 第一法庭门口
    orientation: portrait
    courtroom: 第一法庭
    hearing_band: true
default_playlist: door
"""
DOOR = "name: 法庭门口\nitems:\n  - hearings: today\n    seconds: 3600\n"


def row(n: int, at: dt.datetime, parties: str, room: str, public: str) -> tuple:
    cause = "离婚纠纷" if n == 4 else "合同纠纷"
    return (
        n,
        f"{at:%Y-%m-%d %H:%M}",
        f"(2026)冀0822民初{n}号",
        cause,
        parties,
        "王法官",
        room,
        public,
    )


def states(page: Page) -> dict[str, str]:
    """Case number -> the state its row shows."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(
             '.hearings[data-state=front] tr.hearing')].map(
             (r) => [r.dataset.case, r.querySelector('.hearing-state').textContent]))"""
    )


def sign_in_and_upload(browser: Browser, url: str, workbook: Path) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto(url + "/admin/login")
    page.fill("input[name=name]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/admin/")
    page.goto(url + "/admin/hearings")
    page.set_input_files("#hearings-file", workbook)
    page.click("button.primary:has-text('上传')")
    return page


def test_a_tribunal_screen_shows_its_rooms_hearings_as_the_clock_moves(
    browser: Browser, tmp_path: Path
) -> None:
    playlists = tmp_path / "playlists"
    playlists.mkdir()
    (playlists / "site.yaml").write_text(SITE, encoding="utf-8")
    (playlists / "door.yaml").write_text(DOOR, encoding="utf-8")
    soon = turn_soon(at_least=40)
    turn = soon.at  # hearing 3 begins and hearing 2 ends at this minute
    workbook = tmp_path / "开庭公告.xlsx"
    workbook.write_bytes(
        xlsx(
            [
                HEADER,
                row(1, turn - dt.timedelta(minutes=20), "原告：张三；被告：李四", "第一法庭", "是"),
                row(2, turn - dt.timedelta(minutes=10), "原告：钱七", "第一法庭", "是"),
                row(3, turn, "原告：赵六；被告：兴隆县某某有限公司", "第一法庭", "否"),
                row(4, turn, "原告：孙八", "第二法庭", "是"),
                (5, "明天", "(2026)冀0822民初5号", "", "", "", "第一法庭", "是"),
            ]
        )
    )
    lobby = start_lobby(tmp_path, playlists, [], soon.ahead)
    try:
        lobby.server.signage("user", "add", "clerk", "--role", "editor", "--password", PASSWORD)
        staff = sign_in_and_upload(browser, lobby.server.url, workbook)
        expect(staff.locator("#hearings-report")).to_contain_text("已导入 4 场庭审")
        expect(staff.locator("#hearings-rejected")).to_contain_text("第 7 行")
        expect(staff.locator("#hearings-rejected")).to_contain_text("开庭日期缺失或不是日期")
        expect(staff.locator("tr.hearing-row")).to_have_count(4)
        expect(staff.locator("#hearings")).to_contain_text("赵某")
        expect(staff.locator("#hearings")).not_to_contain_text("赵六")
        keep_picture(staff, "admin-hearings")

        manifest = requests.get(
            f"{lobby.server.url}/api/v1/screens/{SCREEN}/manifest",
            headers={"X-Screen-Key": lobby.key},
            timeout=10,
        )
        assert "赵六" not in manifest.text and "孙八" not in manifest.text
        today = [h for h in manifest.json()["hearings"] if h["date"] == f"{turn:%Y-%m-%d}"]
        assert [h["case_number"][-4:] for h in today] == ["民初1号", "民初2号", "民初3号"]
        assert today[2]["parties"] == [
            {"role": "原告", "name": "赵某"},
            {"role": "被告", "name": "兴隆县某某有限公司"},
        ]

        page = lobby.open(browser, PORTRAIT)
        page.wait_for_selector(".hearings[data-state=front] tr.hearing", timeout=20000)
        case = "(2026)冀0822民初{}号".format
        assert soon.now() < turn, "the page took too long to open"
        assert states(page) == {case(1): "已结束", case(2): "正在开庭", case(3): "待开庭"}
        screen_text = page.inner_text("body")
        assert "赵某" in screen_text and "赵六" not in screen_text and "第二法庭" not in screen_text
        band = page.locator("#hearing-band")
        expect(band.locator(".band-sitting")).to_contain_text(case(2))
        expect(band.locator(".band-next")).to_contain_text(case(3))
        keep_picture(page, "portrait-hearings-before", full_page=False)

        after = {case(1): "已结束", case(2): "已结束", case(3): "正在开庭"}
        seen: list[dict[str, str]] = []
        wait_for(
            lambda: seen.append(states(page)) or seen[-1] == after,
            150,
            f"the states did not turn at {turn:%H:%M}: {seen[-3:]}",
            page,
        )
        assert states(page) == {case(1): "已结束", case(2): "已结束", case(3): "正在开庭"}
        expect(band.locator(".band-sitting")).to_contain_text(case(3))
        expect(band.locator(".band-next")).to_have_count(0)
        keep_picture(page, "portrait-hearings-after", full_page=False)

        # Without the server, after a reload (a power cut), the board comes back from the
        # cached manifest.
        wait_snapshot(page, lambda s: s["serviceWorker"], 30, "no service worker took over")
        lobby.server.stop()
        page.reload()
        page.wait_for_selector(".hearings[data-state=front] tr.hearing", timeout=30000)
        assert states(page) == after
        expect(band.locator(".band-sitting")).to_contain_text(case(3))
        assert "赵某" in page.inner_text("body")
    finally:
        lobby.stop()
