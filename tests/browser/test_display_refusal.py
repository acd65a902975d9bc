"""A screen without a valid key says so on the whole screen, and stops when its key is withdrawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from signage.screens.keys import rotate_screen_key
from tests.browser.lobby import SCREEN, start_lobby, wait_snapshot, write_playlists

pytestmark = pytest.mark.browser


def test_wrong_key_and_withdrawn_key_show_not_authorised(browser: Browser, tmp_path: Path) -> None:
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"tip": ("欢迎", "诉讼服务中心"), "seconds": 30}]}
    )
    lobby = start_lobby(tmp_path, playlists, [])
    try:
        page = browser.new_context().new_page()
        response = page.goto(f"{lobby.server.url}/display/{SCREEN}?key=not-the-key")
        assert response is not None and response.status == 403
        heading = page.get_by_role("heading", name="此屏幕未授权")
        assert heading.is_visible()
        assert heading.bounding_box()["height"] > 0.08 * page.viewport_size["height"]
        assert page.locator("video").count() == 0
        page.context.close()

        page = lobby.open(browser)
        page.wait_for_selector(".tip[data-state=front]")
        wait_snapshot(page, lambda s: s["serviceWorker"], 10, "no service worker")
        rotate_screen_key(lobby.store, lobby.store.secret_key(), SCREEN)
        page.wait_for_selector("#refused", state="visible", timeout=10000)
        assert page.get_by_role("heading", name="此屏幕未授权").is_visible()
        # The old address no longer opens, not even from the service worker's copy.
        response = page.reload()
        assert response is not None and response.status == 403
        assert page.get_by_role("heading", name="此屏幕未授权").is_visible()
    finally:
        lobby.stop()
