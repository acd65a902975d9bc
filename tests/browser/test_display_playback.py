"""The display page plays real clips back to back, shows tips as text, and reports plays."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Route

from signage.db import plays
from signage.screens.status import screen_statuses
from tests.browser.lobby import (
    SCREEN,
    MediaFile,
    make_clip,
    start_lobby,
    wait_for,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

FRONT_VIDEO_TIME = "document.querySelector('video[data-state=front]')?.currentTime ?? -1"


def test_clips_play_back_to_back_and_each_play_is_reported(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"clip": "clip-a"}, {"clip": "clip-b"}]}
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        page = lobby.open(browser)
        polls: list[int] = []
        page.on("response", lambda r: "/manifest" in r.url and polls.append(r.status))
        wait_snapshot(
            page, lambda s: s["type"] == "video" and s["firstFrameAt"], 10, "no clip started"
        )
        first = page.evaluate(FRONT_VIDEO_TIME)
        page.wait_for_timeout(700)
        assert page.evaluate(FRONT_VIDEO_TIME) > first, "the clip on show is not advancing"

        state = wait_snapshot(page, lambda s: s["ended"] >= 4, 20, "clips did not end in turn")
        assert state["errors"] == 0
        assert len(state["gaps"]) >= 3
        # From the end of a clip's last frame (predicted from its frames) to the next's first.
        print(
            f"gaps between clips (ms): {state['gaps']}, median {statistics.median(state['gaps'])}"
        )
        assert statistics.median(state["gaps"]) < 250
        assert 304 in polls, "an unchanged manifest was downloaded again"

        def stored() -> list[tuple[str, str, str]]:
            with lobby.store.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(plays.c.item_key, plays.c.media_id, plays.c.item_type)
                ).all()
            return [tuple(row) for row in rows] if len(rows) >= 3 else []

        rows = wait_for(stored, 15, "plays were not reported")
        assert {("main#0", "clip-a", "video"), ("main#1", "clip-b", "video")} <= set(rows)

        beat = screen_statuses(lobby.store)[SCREEN]
        assert beat["player_version"] == state["version"]
        assert beat["now_playing"]["key"] in ("main#0", "main#1")
        assert beat["now_playing"]["type"] == "video"
        assert beat["cache"]["wanted"] == 2 and beat["cache"]["service_worker"] is True
    finally:
        lobby.stop()


def test_tips_and_posters_show_and_markup_stays_text(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    hostile_title = "<script>window.hacked = 1</script>提示"
    hostile_body = '<img src="x" onerror="window.hacked = 2">请到立案窗口<b>办理</b>'
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "main": [
                {"tip": (hostile_title, hostile_body), "seconds": 2},
                {"image": "poster", "seconds": 2},
            ]
        },
        ticker=("<i>诉讼服务热线</i> 12368",),
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["poster"]])
    try:
        page = lobby.open(browser)
        tip = page.locator(".tip[data-state=front]")
        tip.wait_for(timeout=10000)
        assert tip.locator(".tip-title").text_content() == hostile_title
        assert tip.locator(".tip-body").text_content() == hostile_body
        assert tip.locator("img, script, b").count() == 0
        ticker = page.locator("#ticker-track .ticker-copy").first
        assert ticker.text_content() == "<i>诉讼服务热线</i> 12368"
        assert page.locator("#ticker i").count() == 0

        poster = page.locator(".poster-layer[data-state=front] img.poster")
        poster.wait_for(timeout=10000)
        fit = poster.evaluate(
            "img => ({fit: getComputedStyle(img).objectFit, natural: img.naturalWidth,"
            " box: img.getBoundingClientRect().height,"
            " zone: document.getElementById('stage').getBoundingClientRect().height})"
        )
        assert fit["fit"] == "contain" and fit["natural"] == 600
        assert fit["box"] == pytest.approx(fit["zone"], abs=1)
        assert page.evaluate("window.hacked") is None
    finally:
        lobby.stop()


def test_damaged_and_stalling_clips_are_skipped_and_reported(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    damaged = tmp_path / "0123456789abcdef.mp4"
    damaged.write_bytes(os.urandom(50_000))
    broken = MediaFile("broken", "video", damaged, 2.0, 320, 180)
    stalling = make_clip(tmp_path, "stalling", 4, pattern=2)
    tip = {"tip": ("仍在播放", "坏片段已跳过"), "seconds": 6}
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"clip": "broken"}, {"clip": "stalling"}, tip]}
    )
    lobby = start_lobby(tmp_path, playlists, [broken, stalling])
    whole = stalling.path.read_bytes()

    def hang_after_a_third(route: Route) -> None:
        """The network gives a third of the clip, then nothing more: the picture freezes."""
        asked = route.request.header_value("range")
        if asked is None:
            return  # the download into the cache never finishes either
        if asked == "bytes=0-":
            third = len(whole) // 3
            route.fulfill(
                status=206,
                body=whole[:third],
                headers={
                    "Content-Type": "video/mp4",
                    "Accept-Ranges": "bytes",
                    "Content-Range": f"bytes 0-{third - 1}/{len(whole)}",
                },
            )
        # Any later range is left unanswered.

    try:
        # Without the service worker, so the hang reaches the <video> element.
        context = browser.new_context(service_workers="block")
        context.route(f"**/{stalling.path.name}", hang_after_a_third)
        page = context.new_page()
        page.goto(lobby.url)
        # The screen joins the rotation where the day's plan stands: the two clips fail in
        # turn, whichever comes first, and the tip plays on after them.
        both = [{"key": "main#0", "outcome": "error"}, {"key": "main#1", "outcome": "error"}]

        def failed_in_turn(state: dict) -> bool:
            recent = state["recent"]
            return any(recent[at : at + 2] == both for at in range(len(recent)))

        state = wait_snapshot(page, failed_in_turn, 40, "the clips did not fail in turn")
        assert all(o["outcome"] == "error" for o in state["recent"] if o["key"] != "main#2")
        assert "main#1 skipped: clip stalled" in state["lastError"]
        page.wait_for_selector(".tip[data-state=front]", timeout=10000)
        beat = wait_for(
            lambda: (screen_statuses(lobby.store).get(SCREEN) or {}).get("last_error"),
            10,
            "the error was not reported",
            page,
        )
        assert "skipped" in beat
    finally:
        lobby.stop()
