"""Captions on a real screen: each line shows while its part of the clip plays, and a
screen with `captions: false` shows none."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from signage.media.captions import attach_captions
from tests.browser.lobby import make_clip, start_lobby, wait_for, write_playlists
from tests.support import keep_picture

pytestmark = pytest.mark.browser

CAPTIONS = """1
00:00:00,300 --> 00:00:01,800
第一句：诉讼服务热线 12368

2
00:00:02,200 --> 00:00:03,700
第二句：网上立案 <b>足不出户</b>
"""
SEEN = """() => {
  const video = document.querySelector('#stage video[data-state=front]');
  const box = document.getElementById('captions');
  return {time: video ? video.currentTime : null, text: box && !box.hidden ? box.textContent : ''};
}"""


def test_captions_follow_the_clip_and_a_screen_can_turn_them_off(
    browser: Browser, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path, "anti-fraud", 4)
    playlists = write_playlists(tmp_path / "playlists", {"main": [{"clip": "anti-fraud"}]})
    lobby = start_lobby(tmp_path, playlists, [clip])
    try:
        attach_captions(lobby.store, lobby.media_dir, "anti-fraud", CAPTIONS.encode("gbk"), "a.srt")
        page = lobby.open(browser)
        # The captions came after the server started: wait until the plan in play has them
        # (a poll, then the next item boundary).
        page.wait_for_function(
            "() => window.signage.player.plan?.segments.some("
            "(s) => s.items.some((i) => i.captions))",
            timeout=30000,
        )
        plays: list[list[tuple[float, str]]] = [[]]  # (clip time, caption shown), per play

        def two_plays_seen() -> bool:
            state = page.evaluate(SEEN)
            if state["time"] is None:
                return False
            if plays[-1] and state["time"] + 0.5 < plays[-1][-1][0]:
                plays.append([])  # the clip started again
            plays[-1].append((state["time"], state["text"]))
            return len(plays) >= 3

        wait_for(two_plays_seen, 60, lambda: f"the clip did not play twice: {plays}", page)
        for moment, text in [sample for play in plays for sample in play]:
            # Each line shows only inside its own time (a frame of slack for the polling).
            if text.startswith("第一句"):
                assert 0.2 <= moment <= 1.95, (moment, text)
            elif text.startswith("第二句"):
                assert 2.1 <= moment <= 3.85, (moment, text)
            else:
                assert text == "", (moment, text)
        # The first whole play (the first may have begun before the plan had captions):
        # every line shows while its part plays.
        for moment, text in plays[1]:
            if 0.6 < moment < 1.5:
                assert text == "第一句：诉讼服务热线 12368", (moment, text)
            if 2.5 < moment < 3.4:
                assert text == "第二句：网上立案 足不出户", (moment, text)
        page.wait_for_function(
            "() => document.getElementById('captions').textContent.startsWith('第')",
            timeout=20000,
        )
        box = page.locator("#captions").bounding_box()
        ticker_top = page.evaluate(
            "document.getElementById('stage').getBoundingClientRect().bottom"
        )
        assert box is not None and box["y"] + box["height"] <= ticker_top
        font = page.evaluate(
            "parseFloat(getComputedStyle(document.getElementById('captions')).fontSize)"
        )
        assert font >= 50  # 5.2vmin of 1080 px
        keep_picture(page, "landscape-captions", full_page=False)

        site = playlists / "site.yaml"
        site.write_text(
            site.read_text(encoding="utf-8").replace(
                "    groups: [lobby]\n", "    groups: [lobby]\n    captions: false\n"
            ),
            encoding="utf-8",
        )
        page.wait_for_function(
            "() => window.signage.stage.captions.enabled === false", timeout=30000
        )
        start = time.monotonic()
        while time.monotonic() - start < 9:  # two more plays of the clip
            assert page.evaluate(SEEN)["text"] == ""
            page.wait_for_timeout(100)
    finally:
        lobby.stop()
