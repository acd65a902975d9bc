"""A page whose player stops moving reloads itself, and says so in its next heartbeat."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from signage.screens.status import screen_statuses
from tests.browser.lobby import SCREEN, start_lobby, wait_for, wait_snapshot, write_playlists

pytestmark = pytest.mark.browser

BREAK_THE_CLOCK = """() => {
  window.signage.tick = () => { throw new Error('tick broken by the test'); };
}"""
STOPPED = "the player stopped moving"


def test_watchdog_reloads_a_page_whose_clock_stopped(browser: Browser, tmp_path: Path) -> None:
    tip = {"tip": ("法庭纪律", "请将手机调至静音"), "seconds": 60}
    lobby = start_lobby(tmp_path, write_playlists(tmp_path / "playlists", {"main": [tip]}), [])
    try:
        page = lobby.open(browser)
        wait_snapshot(page, lambda s: s["online"] and s["serviceWorker"], 10, "no first poll")
        with page.expect_navigation(timeout=30000):
            page.evaluate(BREAK_THE_CLOCK)  # a stub only to inject the failure
        page.wait_for_selector(".tip[data-state=front]", timeout=10000)
        assert STOPPED in wait_snapshot(page, lambda s: s["mode"], 10, "no player")["lastError"]
        reported = wait_for(
            lambda: (
                STOPPED
                in ((screen_statuses(lobby.store).get(SCREEN) or {}).get("last_error") or "")
            ),
            15,
            "the reload was not reported",
            page,
        )
        assert reported
    finally:
        lobby.stop()
