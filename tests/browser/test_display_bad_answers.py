"""A careless proxy between screen and server: its 404 pages and odd bodies never blank a
lobby screen; only this server's own refusal does."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from signage.screens.keys import rotate_screen_key
from tests.browser.lobby import SCREEN, Lobby, start_lobby, wait_snapshot, write_playlists

pytestmark = pytest.mark.browser

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}
MANIFEST = f"/api/v1/screens/{SCREEN}/manifest"
PROXY_PAGE = (404, "text/html", b"<html><body><h1>404 Not Found</h1><hr>nginx</body></html>")


@dataclass
class Proxy:
    """Forwards to the server, except the paths given a canned answer meanwhile."""

    upstream: str
    canned: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def start_proxy(upstream: str) -> Proxy:
    proxy = Proxy(upstream)
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in proxy.canned:
                status, kind, body = proxy.canned[path]
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream_conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            upstream_conn.request(self.command, self.path, body=body, headers=headers)
            answer = upstream_conn.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            upstream_conn.close()

        do_GET = do_POST = do_HEAD = _answer

    proxy.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=proxy.server.serve_forever, daemon=True).start()
    return proxy


@pytest.fixture
def lobby_behind_a_proxy(tmp_path: Path) -> Iterator[tuple[Lobby, Proxy]]:
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"tip": ("网上立案", "扫码足不出户立案"), "seconds": 30}]}
    )
    lobby = start_lobby(tmp_path, playlists, [])
    proxy = start_proxy(lobby.server.url)
    yield lobby, proxy
    assert proxy.server is not None
    proxy.server.shutdown()
    proxy.server.server_close()
    lobby.stop()


def _stored_segments(page) -> int:  # noqa: ANN001
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('signage.manifest.{SCREEN}'))")
    return len(kept["manifest"]["segments"]) if kept else 0


def test_a_proxys_404_and_odd_bodies_leave_the_screen_playing(
    browser: Browser, lobby_behind_a_proxy: tuple[Lobby, Proxy]
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
