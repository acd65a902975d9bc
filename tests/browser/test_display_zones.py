"""Layouts on a real screen: a screen on `side` plays the clip in the left 75% and the side
playlist's tip in the right 25% at once (element geometry and screenshot pixels), the side
zone's plays reach proof of play with their zone, and an urgent message covers both."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Browser

from signage.db import plays
from signage.screens.alerts import add_alert
from tests.browser.lobby import (
    LANDSCAPE,
    MediaFile,
    start_lobby,
    wait_for,
    with_layout,
    write_playlists,
)
from tests.browser.test_display_layout import SHOTS

pytestmark = pytest.mark.browser

BOXES = """() => {
  const box = (selector) => {
    const node = document.querySelector(selector);
    if (!node) return null;
    const r = node.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  return {zones: box('#zones'), stage: box('#stage'), side: box('.side-zone[data-zone=side]'),
          video: box('#stage video[data-state=front]'),
          tip: box('.side-zone .tip[data-state=front]'), alert: box('#alert')};
}"""


def side_playlists(folder: Path) -> Path:
    """The lobby screen on the built-in `side` layout: clips in the main zone, a tip beside."""
    write_playlists(
        folder,
        {
            "lobby": [{"clip": "clip-a"}, {"clip": "clip-b"}],
            "side": [{"tip": ("网上立案", "扫码进入人民法院在线服务。"), "seconds": 2}],
        },
    )
    return with_layout(folder, "side")


def near(a: float, b: float) -> bool:
    return abs(a - b) <= 1.5


def test_a_screen_on_side_shows_the_clip_left_and_the_tip_right(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    playlists = side_playlists(tmp_path / "playlists")
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        page = lobby.open(browser, LANDSCAPE)
        page.wait_for_selector("#stage video[data-state=front]", timeout=30000)
        page.wait_for_selector(".side-zone .tip[data-state=front]", timeout=30000)
        shape = page.evaluate(BOXES)
        zones, stage, side = shape["zones"], shape["stage"], shape["side"]
        width = zones["right"] - zones["left"]
        assert near(stage["left"], zones["left"]) and near(
            stage["right"], zones["left"] + width * 0.75
        )
        assert near(side["left"], stage["right"]) and near(side["right"], zones["right"])
        for part in (stage, side):
            assert near(part["top"], zones["top"]) and near(part["bottom"], zones["bottom"])
        video, tip = shape["video"], shape["tip"]
        assert video["left"] >= stage["left"] - 0.5 and video["right"] <= stage["right"] + 0.5
        assert tip["left"] >= side["left"] - 0.5 and tip["right"] <= side["right"] + 0.5

        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = page.screenshot(path=str(SHOTS / "zones-side.png"))
        picture = Image.open(io.BytesIO(shot)).convert("RGB")
        middle = int((zones["top"] + zones["bottom"]) / 2)
        # The tip's paper colour fills the right quarter's lower corner, under its text...
        r, g, b = picture.getpixel((int(side["right"]) - 20, int(side["bottom"]) - 20))
        assert r > 220 and g > 210 and b > 180, (r, g, b)
        # ...while the left three quarters show the clip's test picture in many colours.
        colours = {
            picture.getpixel((x, middle))
            for x in range(int(stage["left"]) + 5, int(stage["right"]) - 5, 8)
        }
        assert len(colours) > 20

        def side_plays() -> list:
            with lobby.store.engine.connect() as conn:
                return list(conn.execute(sa.select(plays.c.item_key, plays.c.zone)))

        rows = wait_for(
            lambda: [r for r in side_plays() if r.zone == "side"],
            60,
            lambda: f"no side-zone play reached the server: {side_plays()}",
        )
        assert rows[0].item_key == "side#0"
        assert any(r.zone is None and r.item_key.startswith("lobby#") for r in side_plays())

        add_alert(
            lobby.store,
            "今日下午暂停办理立案业务。",
            None,
            dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
            "test",
        )
        page.wait_for_selector("#alert", state="visible", timeout=20000)
        wait_for(
            lambda: near(page.evaluate(BOXES)["alert"]["right"], zones["right"]),
            10,
            "the urgent message does not cover the side zone",
            page,
        )
        alert = page.evaluate(BOXES)["alert"]
        assert near(alert["left"], zones["left"]) and near(alert["bottom"], zones["bottom"])
        page.screenshot(path=str(SHOTS / "zones-side-alert.png"))
    finally:
        lobby.stop()
