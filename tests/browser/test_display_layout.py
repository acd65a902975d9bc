"""Landscape and portrait layouts: nothing overlaps or is cut, tips readable from afar.

Screenshots to look at are kept when SIGNAGE_SCREENSHOTS names a folder (keep_picture); the
pictures other display tests measure are saved in SHOTS (that folder, or /tmp/screens).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from signage.screens.alerts import add_alert
from tests.browser.lobby import LANDSCAPE, PORTRAIT, MediaFile, start_lobby, write_playlists
from tests.support import keep_picture

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SIGNAGE_SCREENSHOTS", "/tmp/screens"))
NORMAL_BODY = (
    "事实清楚、争议不大的简单金钱给付案件，标的额在本省上年度就业人员年平均工资"
    "百分之五十以下的，适用小额诉讼程序，一审终审，审理更快、费用更低。"
)
LONG_BODY = (
    "当事人交纳诉讼费用确有困难的，可以向人民法院申请缓交、减交或者免交。"
    "请携带身份证明和经济困难的证明材料到立案窗口办理。\n"
) * 8
TICKER = (
    "诉讼服务热线 12368 · 工作日 8:30-17:30 提供立案、查询、联系法官服务",
    "法院不会通过电话、短信要求向个人账户转账，谨防诈骗",
)

GEOMETRY = """() => {
  const box = (selector) => {
    const node = document.querySelector(selector);
    if (!node || node.hidden) return null;
    const r = node.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            scrollHeight: node.scrollHeight, clientHeight: node.clientHeight,
            scrollWidth: node.scrollWidth, clientWidth: node.clientWidth,
            fontSize: parseFloat(getComputedStyle(node).fontSize)};
  };
  return {width: innerWidth, height: innerHeight, header: box('.masthead'),
          court: box('.court'), when: box('.when'), stage: box('#stage'),
          ticker: box('#ticker'), tip: box('.tip[data-state=front] .tip-box'),
          body: box('.tip[data-state=front] .tip-body'), alert: box('#alert .alert-box')};
}"""


def _check_frame(shape: dict[str, Any]) -> None:
    header, stage, ticker = shape["header"], shape["stage"], shape["ticker"]
    assert header["top"] >= 0 and header["bottom"] <= stage["top"] + 0.5
    assert stage["bottom"] <= ticker["top"] + 0.5 and ticker["bottom"] <= shape["height"] + 0.5
    court, when = shape["court"], shape["when"]
    side_by_side = court["right"] <= when["left"]
    stacked = court["bottom"] <= when["top"]
    assert side_by_side or stacked, "the court name runs into the clock"
    for part in (header, court, when, stage, ticker):
        assert part["left"] >= -0.5 and part["right"] <= shape["width"] + 0.5
    assert court["scrollWidth"] <= court["clientWidth"], "the court name is cut"


def _fits(part: dict[str, Any]) -> bool:
    return (
        part["scrollHeight"] <= part["clientHeight"] + 1
        and part["scrollWidth"] <= part["clientWidth"] + 1
    )


def _shoot(page: Page, name: str) -> None:
    keep_picture(page, name, full_page=False)


def _wait_front(page: Page, selector: str) -> None:
    # Two pages are waited for in turn: the second may need a whole turn of the playlist
    # (about 12 s) before the item comes round again, longer on a busy machine.
    page.wait_for_selector(f"#stage {selector}[data-state=front]", timeout=40000)
    page.wait_for_timeout(150)  # the ticker and fonts settle


def test_landscape_and_portrait_layouts(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "main": [
                {"tip": ("小额诉讼 一审终审", NORMAL_BODY), "seconds": 3},
                {"tip": ("交不起诉讼费怎么办？", LONG_BODY), "seconds": 3},
                {"clip": "clip-a"},
                {"image": "poster", "seconds": 3},
            ]
        },
        ticker=TICKER,
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["poster"]])
    try:
        pages = {
            "landscape": lobby.open(browser, LANDSCAPE),
            "portrait": lobby.open(browser, PORTRAIT),
        }
        for name, page in pages.items():
            # The short tip by its title: on a busy machine the second page may open after
            # the first one's short tip gave way to the long one.
            page.wait_for_function(
                "() => document.querySelector('#stage .tip[data-state=front]')"
                "?.textContent.includes('小额诉讼')",
                timeout=40000,
            )
            shape = page.evaluate(GEOMETRY)
            _check_frame(shape)
            assert _fits(shape["tip"]) and shape["body"]["fontSize"] >= 44, shape["body"]
            _shoot(page, f"{name}-tip")
        for name, page in pages.items():
            # Measured in the page, once the long tip has been in front for 150 ms (its text
            # fitted): the second page may already be near its tip's end when the wait
            # begins, and a measure taken after a pause in Python found no tip.
            shape = page.wait_for_function(
                f"""() => {{
                  const front = document.querySelector('.tip[data-state=front]');
                  if (!front?.textContent.includes('交不起')) {{
                    window.longSince = null;
                    return null;
                  }}
                  window.longSince = window.longSince || performance.now();
                  return performance.now() - window.longSince >= 150 ? ({GEOMETRY})() : null;
                }}""",
                timeout=30000,
            ).json_value()
            assert _fits(shape["tip"]) and shape["body"]["fontSize"] >= 20, shape["body"]
            _shoot(page, f"{name}-long-tip")
        for selector, shot in (("video", "video"), (".poster-layer", "poster")):
            for name, page in pages.items():
                _wait_front(page, selector)
                _check_frame(page.evaluate(GEOMETRY))
                _shoot(page, f"{name}-{shot}")

        until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        add_alert(
            lobby.store,
            "因系统维护，今日下午诉讼服务中心暂停办理立案业务，请通过人民法院"
            "在线服务平台提交材料。",
            None,
            until,
            "test",
        )
        for name, page in pages.items():
            page.wait_for_selector("#alert", state="visible", timeout=10000)
            shape = page.evaluate(GEOMETRY)
            _check_frame(shape)
            assert _fits(shape["alert"])
            _shoot(page, f"{name}-alert")
    finally:
        lobby.stop()
