"""site.yaml's calendar on a real screen: a holiday listed there turns a workdays rule off
today, and listing today as a make-up workday turns it back on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.lobby import SCREEN, ZONE, start_lobby

pytestmark = pytest.mark.browser

SITE = f"""\
site:
  name: 兴隆县人民法院
  poll_seconds: 5
screens:
  {SCREEN}: {{name: 诉讼服务中心东侧大屏}}
schedule:
  - playlist: office
    days: workdays
default_playlist: rest
calendar:
  LISTED: [TODAY]
"""


def front_tip(page: Page) -> str:
    return page.evaluate(
        "() => document.querySelector('#stage .tip[data-state=front] .tip-title')?.textContent"
    )


def test_a_listed_holiday_turns_a_workdays_rule_off(browser: Browser, tmp_path: Path) -> None:
    playlists = tmp_path / "playlists"
    playlists.mkdir()
    today = dt.datetime.now(ZONE).date().isoformat()
    site = playlists / "site.yaml"
    site.write_text(SITE.replace("LISTED", "holidays").replace("TODAY", today), encoding="utf-8")
    for name, title in (("office", "工作日：立案窗口开放"), ("rest", "节假日：请使用网上立案")):
        (playlists / f"{name}.yaml").write_text(
            f"items:\n  - tip: {{title: {title}}}\n    seconds: 3\n", encoding="utf-8"
        )
    lobby = start_lobby(tmp_path, playlists, [])
    try:
        page = lobby.open(browser)
        page.wait_for_function(
            "() => document.querySelector('#stage .tip[data-state=front]')", timeout=20000
        )
        assert front_tip(page) == "节假日：请使用网上立案"
        site.write_text(
            SITE.replace("LISTED", "workdays").replace("TODAY", today), encoding="utf-8"
        )
        page.wait_for_function(
            "() => document.querySelector('#stage .tip[data-state=front] .tip-title')"
            "?.textContent === '工作日：立案窗口开放'",
            timeout=60000,
        )
    finally:
        lobby.stop()
