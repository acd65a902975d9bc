"""Without SIGNAGE_PUBLIC_URL the screens page gives the address staff reached the server at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.admin.conftest import DEMO, PASSWORD, Site, shot, sign_in
from tests.support import start_server
from tests.web.test_behind_proxy import proxied_app

pytestmark = pytest.mark.browser


@pytest.fixture
def unset_site(tmp_path: Path) -> Iterator[Site]:
    """A server on a random port, with SIGNAGE_PUBLIC_URL left unset (an empty value)."""
    import shutil

    playlists = tmp_path / "playlists"
    shutil.copytree(DEMO, playlists)
    server = start_server(tmp_path, playlists, tmp_path / "media", {"SIGNAGE_PUBLIC_URL": ""})
    server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
    yield Site(server, playlists)
    server.stop()


def test_the_listed_address_opens_the_display(browser: Browser, unset_site: Site) -> None:
    page = sign_in(browser, unset_site)
    page.goto(unset_site.url + "/admin/screens")
    expect(page.locator("#address-note")).to_contain_text(unset_site.url)
    link = page.locator('[data-screen="lobby-east"] .url a')
    href = link.get_attribute("href")
    assert href is not None and href.startswith(unset_site.url + "/display/lobby-east?key=")
    shot(page, "screens-derived-address")
    display = page.context.new_page()
    answer = display.goto(href)
    assert answer is not None and answer.status == 200
    expect(display.locator("#court")).to_have_text("兴隆县人民法院")
    display.close()
    page.context.close()


def test_behind_a_trusted_proxy_the_address_keeps_https(
    playlists_dir: Path, media_dir: Path
) -> None:
    app = proxied_app(playlists_dir, media_dir, 1, "")
    client = app.test_client()
    proxied = {"Host": "signage.court.lan", "X-Forwarded-Proto": "https"}
    signed_in = client.post(
        "/api/v1/session", json={"name": "wang", "password": PASSWORD}, headers=proxied
    )
    assert signed_in.status_code == 200
    page = client.get("/admin/screens", headers=proxied).get_data(as_text=True)
    assert 'href="https://signage.court.lan/display/lobby-east?key=' in page
    assert "SIGNAGE_PUBLIC_URL" in page
