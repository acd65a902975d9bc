"""The staff pages in a real headless Chromium against a real `signage serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page

from signage.accounts.users import add_user
from tests.admin.test_sign_in import sign_in as sign_in_client
from tests.support import LiveServer, keep_picture, start_server

DEMO = Path(__file__).resolve().parents[2] / "playlists"
PASSWORD = "correct horse battery"


@dataclass
class Site:
    """A running server with an admin (wang) and an editor (li)."""

    server: LiveServer
    playlists: Path

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server per test module: its tests build on each other as staff work in a day."""
    root = tmp_path_factory.mktemp("admin")
    playlists = root / "playlists"
    shutil.copytree(DEMO, playlists)
    server = start_server(root, playlists, root / "media")
    server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
    server.signage("user", "add", "li", "--role", "editor", "--password", PASSWORD)
    yield Site(server, playlists)
    server.stop()


def sign_in(browser: Browser, site: Site, name: str = "wang") -> Page:
    """A new browser context (its own cookies) signed in as `name`."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.goto(site.url + "/admin/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(site.url + "/admin/")
    return page


def shot(page: Page, name: str) -> None:
    """A full-page screenshot to look at, admin/<name>.png, when asked for (keep_picture)."""
    keep_picture(page, f"admin/{name}")


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> FlaskClient:
    """A signed-in admin's session in the test client (no browser)."""
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    assert sign_in_client(client, "wang") == 302
    return client
