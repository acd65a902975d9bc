"""A careless proxy between screen and server: its 404 pages and odd bodies never blank a
lobby screen; only this server's own refusal does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from signage.screens.keys import rotate_screen_key
from tests.browser.lobby import (
    SCREEN,
    CountingProxy,
    Lobby,
    start_lobby,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

MANIFEST = f"/api/v1/screens/{SCREEN}/manifest"
PROXY_PAGE = (404, "text/html", b"<html><body><h1>404 Not Found</h1><hr>nginx</body></html>")


@pytest.fixture
def lobby_behind_a_proxy(tmp_path: Path) -> Iterator[tuple[Lobby, CountingProxy]]:
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"tip": ("网上立案", "扫码足不出户立案"), "seconds": 30}]}
    )
    lobby = start_lobby(tmp_path, playlists, [])
    proxy = CountingProxy(lobby.server.url)
    yield lobby, proxy
    proxy.stop()
    lobby.stop()


def _stored_segments(page) -> int:  # noqa: ANN001
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('signage.manifest.{SCREEN}'))")
    return len(kept["manifest"]["segments"]) if kept else 0


def test_a_proxys_404_and_odd_bodies_leave_the_screen_playing(
    browser: Browser, lobby_behind_a_proxy: tuple[Lobby, CountingProxy]
) -> None:
    lobby, proxy = lobby_behind_a_proxy
    page = browser.new_context().new_page()
    page.goto(f"{proxy.url}/display/{SCREEN}?key={lobby.key}")
    page.wait_for_selector(".tip[data-state=front]")
    wait_snapshot(page, lambda s: s["serviceWorker"] and s["online"], 20, "did not settle in")
    segments = _stored_segments(page)
    assert segments >= 1
    for answer in (PROXY_PAGE, (200, "application/json", b"{}"), (200, "application/json", b"[]")):
        proxy.canned[MANIFEST] = answer
        wait_snapshot(page, lambda s: s["online"] is False, 30, f"{answer[:2]} went unnoticed")
        state = wait_snapshot(page, lambda s: s["item"] is not None, 5, "the screen went idle")
        assert state["refused"] is False and page.locator("#refused").is_hidden()
        assert _stored_segments(page) == segments, answer[:2]
        proxy.canned.clear()
        wait_snapshot(page, lambda s: s["online"], 40, "did not come back")
    # The proxy answers 404 for everything, the page included; a reload plays on.
    proxy.canned.update({MANIFEST: PROXY_PAGE, f"/display/{SCREEN}": PROXY_PAGE})
    page.reload()
    page.wait_for_selector(".tip[data-state=front]", timeout=20000)
    assert page.locator("#refused").is_hidden()
    # This server's own refusal still stops the screen.
    proxy.canned.clear()
    rotate_screen_key(lobby.store, lobby.store.secret_key(), SCREEN)
    page.wait_for_selector("#refused", state="visible", timeout=70000)
