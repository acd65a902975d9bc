"""Opening hours, pictures for the office and a remote reload on the oldest engine a court's
screen may have (headless Chromium 64, driven over the DevTools protocol) and on 83: black
outside the hours, awake when they start, a picture of what it shows when asked (drawn with
nothing newer than the engine has), and a reload within one poll."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
import requests
from PIL import Image, ImageStat

from tests.admin.conftest import PASSWORD
from tests.browser.lobby import SCREEN, ZONE, start_lobby, wait_for, write_playlists
from tests.browser.test_display_hours_snapshots import clock_window, with_hours
from tests.devtools import EnginePage
from tests.oldengines import binary

pytestmark = pytest.mark.browser

POLL = 5
TIP = ("诉讼服务指南", "立案、缴费、查询均可在一楼大厅办理。")
MODE = "window.signage && window.signage.snapshot().mode"


@pytest.mark.parametrize("major", [64, 83])
def test_hours_pictures_and_reload_on_an_old_engine(major: int, tmp_path: Path) -> None:
    engine = binary(major)
    if not engine.exists():
        pytest.skip(f"Chromium {major} is not unpacked (./scripts/setup --browser)")
    now = dt.datetime.now(ZONE)
    playlists = write_playlists(
        tmp_path / "playlists", {"main": [{"tip": TIP, "seconds": 30}]}, poll_seconds=POLL
    )
    with_hours(playlists, f"{{days: daily, time: {clock_window(now + dt.timedelta(hours=3), 2)}}}")
    lobby = start_lobby(tmp_path, playlists, [])
    lobby.server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
    staff = requests.Session()
    staff.headers["Authorization"] = "Bearer " + lobby.server.signage("token", "create", "wang")
    api = f"{lobby.server.url}/api/v1/screens/{SCREEN}"
    page = EnginePage(engine, tmp_path / "profile", tmp_path / "engine.log")

    def picture(previous: bytes | None) -> tuple[bytes, Image.Image]:
        asked = time.monotonic()
        assert staff.post(api + "/snapshot", timeout=10).status_code == 202
        found = wait_for(
            lambda: (
                (got := staff.get(api + "/snapshot", timeout=10)).status_code == 200
                and got.content != previous
                and got.content
            ),
            POLL + 10,
            lambda: f"no picture from Chromium {major}; errors: {page.errors}",
        )
        assert time.monotonic() - asked <= POLL + 10
        return found, Image.open(io.BytesIO(found)).convert("L")

    try:
        page.navigate(lobby.url)
        page.wait_for(f"{MODE} === 'sleep'", 30, lambda: f"not asleep: {page.errors}")
        assert page.evaluate("document.body.classList.contains('sleeping')")
        black, shot = picture(None)
        assert ImageStat.Stat(shot).mean[0] < 2

        with_hours(
            playlists, f"{{days: daily, time: {clock_window(now - dt.timedelta(hours=1), 3)}}}"
        )
        page.wait_for(f"{MODE} !== 'sleep' && window.signage.snapshot().type === 'tip'", 40, "")
        _, shot = picture(black)
        mean, spread = ImageStat.Stat(shot).mean[0], ImageStat.Stat(shot).stddev[0]
        assert mean > 120 and spread > 15, (mean, spread)  # the light tip card and its text

        page.evaluate("window.beforeReload = true")
        assert staff.post(api + "/reload", timeout=10).status_code == 202
        page.wait_for(
            "window.beforeReload === undefined && Boolean(window.signage)",
            POLL + 10,
            "the page did not reload",
        )
        assert page.errors == []
    finally:
        page.close()
        lobby.stop()
