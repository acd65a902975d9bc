"""Without the server the display plays on, even after a reload, and reports every play once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Route

from signage.db import plays
from tests.browser.lobby import (
    SCREEN,
    MediaFile,
    start_lobby,
    wait_for,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

# Every play id the page makes, across reloads, recorded by the test (not by the player).
RECORD_IDS = """
const made = crypto.randomUUID.bind(crypto);
crypto.randomUUID = () => {
  const id = made();
  const ids = JSON.parse(localStorage.getItem('test.ids') || '[]');
  ids.push(id);
  localStorage.setItem('test.ids', JSON.stringify(ids));
  return id;
};
"""

# Byte ranges of a cached clip, as <video> asks for them, answered by the service worker.
RANGES = """async (url) => Promise.all(['bytes=0-99', 'bytes=-10', null].map(async (range) => {
  const response = await fetch(url, range ? {headers: {Range: range}} : {});
  const body = await response.arrayBuffer();
  return [response.status, response.headers.get('Content-Range'), body.byteLength];
}))"""

# What the page does when it began a download before the service worker took control: it
# holds the screen's one download slot and fetches with the page's header. The worker must
# pass that request through, not wait for the slot the page holds (a deadlock).
PAGE_DOWNLOAD = """async (url) => navigator.locks.request('signage-media-download', async () => {
  try {
    const response = await fetch(url, {
      headers: {'X-Signage-Page-Download': '1'}, signal: AbortSignal.timeout(5000),
    });
    return response.status;
  } catch (error) {
    return String(error);
  }
})"""


def test_plays_on_without_the_server_and_reports_each_play_once(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "main": [
                {"clip": "clip-a"},
                {"tip": ("离线也能播放", "服务器断开时继续播放"), "seconds": 1},
                {"clip": "clip-b"},
            ]
        },
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        page = browser.new_context().new_page()
        page.add_init_script(RECORD_IDS)
        page.goto(lobby.url)
        wait_snapshot(
            page,
            lambda s: s["serviceWorker"] and s["cache"]["cached"] == 2 and s["plays"]["sent"] >= 1,
            20,
            "the player did not settle in",
        )
        assert page.evaluate(PAGE_DOWNLOAD, "/media/files/not-kept-yet.mp4") == 404

        lobby.server.stop()
        ended = wait_snapshot(page, lambda s: s["online"] is False, 15, "no failed poll")["ended"]
        wait_snapshot(
            page,
            lambda s: s["ended"] >= ended + 2 and s["errors"] == 0,
            15,
            "clips stopped when the server went away",
        )

        page.reload()  # as after a power cut: only the service worker can answer now
        state = wait_snapshot(
            page, lambda s: s["ended"] >= 2, 20, "nothing played after a reload without the server"
        )
        assert state["errors"] == 0 and state["online"] is False
        assert page.locator("#court").text_content() == "兴隆县人民法院"
        clip = media_files["clip-a"].path
        parts = page.evaluate(RANGES, f"/media/files/{clip.name}")
        size = clip.stat().st_size
        assert parts[0] == [206, f"bytes 0-99/{size}", 100]
        assert parts[1] == [206, f"bytes {size - 10}-{size - 1}/{size}", 10]
        assert parts[2] == [200, None, size]
        queued = [
            p["id"]
            for p in json.loads(page.evaluate(f"localStorage.getItem('signage.plays.{SCREEN}')"))
        ]
        assert len(queued) >= 3

        # The first batch after the return reaches the server, but its answer is lost: the
        # page must send it again, and the server must count it once.
        batches: list[list[str]] = []

        def lose_first_answer(route: Route) -> None:
            batches.append([play["id"] for play in json.loads(route.request.post_data)["plays"]])
            if len(batches) > 1:
                route.continue_()
                return
            route.fetch()
            route.abort("connectionreset")

        page.route("**/plays", lose_first_answer)
        lobby.restart()

        def stored_ids() -> list[str]:
            with lobby.store.engine.connect() as conn:
                return list(conn.scalars(sa.select(plays.c.client_id)))

        wait_for(
            lambda: set(queued) <= set(stored_ids()),
            40,
            "plays queued offline did not reach the server",
            page,
        )
        wait_for(
            lambda: len(batches) >= 2,
            40,
            "the batch whose answer was lost was not sent again",
            page,
        )
        assert set(batches[0]) <= set(batches[1])
        stored = stored_ids()
        assert all(stored.count(play_id) == 1 for play_id in batches[0])
        made = json.loads(page.evaluate("localStorage.getItem('test.ids')"))
        assert len(made) == len(set(made))
        assert set(stored) <= set(made), "the server holds plays the page never made"
    finally:
        lobby.stop()
