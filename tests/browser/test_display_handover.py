"""Clip-to-clip handovers, with requestVideoFrameCallback and on engines without it.

Chromium before 83 has no requestVideoFrameCallback: the player then reads the clip's clock
near its end instead. Here it is taken off the prototype before the page loads, which is
what such an engine looks like to the player.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.lobby import MediaFile, start_lobby, wait_snapshot, write_playlists

pytestmark = pytest.mark.browser

WITHOUT_FRAME_CALLBACKS = """
delete HTMLVideoElement.prototype.requestVideoFrameCallback;
delete HTMLVideoElement.prototype.cancelVideoFrameCallback;
"""

# Each clip the front <video> shows, in order, as the page sees it.
WATCH_FRONT = """
window.testFronts = [];
addEventListener('DOMContentLoaded', () => {
  new MutationObserver(() => {
    const front = document.querySelector('#stage video[data-state=front]');
    const url = front ? front.dataset.url : null;
    const fronts = window.testFronts;
    if (url && fronts[fronts.length - 1] !== url) fronts.push(url);
  }).observe(document.getElementById('stage'), {
    subtree: true, attributes: true, attributeFilter: ['data-state'],
  });
});
"""


@pytest.mark.parametrize("frame_callbacks", [True, False], ids=["frame-callbacks", "fallback"])
def test_clips_hand_over_one_to_the_next(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile], frame_callbacks: bool
) -> None:
    clips = [media_files["clip-a"], media_files["clip-b"]]
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"clip": "clip-a"}, {"clip": "clip-b"}]}
    )
    lobby = start_lobby(tmp_path, playlists, clips)
    try:
        page = browser.new_context().new_page()
        if not frame_callbacks:
            page.add_init_script(WITHOUT_FRAME_CALLBACKS)
        page.add_init_script(WATCH_FRONT)
        page.goto(lobby.url)
        has_them = page.evaluate("'requestVideoFrameCallback' in document.createElement('video')")
        assert has_them is frame_callbacks

        state = wait_snapshot(page, lambda s: s["ended"] >= 5, 60, "clips did not end in turn")
        assert state["errors"] == 0 and state["lastError"] is None
        assert all(outcome["outcome"] == "ended" for outcome in state["recent"]), state["recent"]
        # Every change from one clip to the next was a handover: the player knew when the
        # clip on show would end (without it, the next clip waits for the late `ended`).
        assert len(state["gaps"]) >= 4, state["gaps"]
        fronts = [url.rsplit("/", 1)[-1] for url in page.evaluate("window.testFronts")]
        names = [clip.path.name for clip in clips]
        # The screen joins the day's plan at whichever clip it has on, then takes turns.
        turns = names[names.index(fronts[0]) :] + names[: names.index(fronts[0])]
        assert fronts[:6] == (turns * 3)[: len(fronts[:6])] and len(fronts) >= 5
    finally:
        lobby.stop()


def test_each_clip_learns_its_own_start_lead(browser: Browser, tmp_path: Path) -> None:
    playlists = write_playlists(tmp_path / "playlists", {"main": [{"tip": ("提示", "内容")}]})
    lobby = start_lobby(tmp_path, playlists, [])
    try:
        page = browser.new_context().new_page()
        page.goto(lobby.server.url + "/healthz")
        leads = page.evaluate(
            """async () => {
              const { StartLead } = await import('/display/assets/test/handover.js');
              const lead = new StartLead();
              const before = lead.of('/a.mp4');
              for (const ms of [50, 52, 900, 48]) lead.learn(ms, '/a.mp4');
              for (const ms of [90, 200, 95]) lead.learn(ms, '/b.mp4');
              return [before, lead.of('/a.mp4'), lead.of('/b.mp4'), lead.of('/new.mp4')];
            }"""
        )
        # A clip not seen yet gets the median of all starts; a start slower than any box's
        # pace (900 ms) is not learnt, and one slow start (200) does not move the median.
        assert leads == [60, 50, 95, 90]
    finally:
        lobby.stop()
