"""Time on the display: segment boundaries met on the server's clock, alerts in and out."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser

from signage.auth import add_user, create_token
from tests.browser.lobby import (
    ZONE,
    MediaFile,
    next_minute,
    start_lobby,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

SHOWS = "text => document.querySelector('#stage [data-state=front]')?.textContent.includes(text)"
ALERT_SHOWN = "() => !document.getElementById('alert').hidden"
ALERT_GONE = "() => document.getElementById('alert').hidden"
POLL_SECONDS = 5


def test_segment_boundary_switches_on_the_servers_time(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    boundary = next_minute(at_least=12)
    start = boundary - dt.timedelta(minutes=30)
    schedule = (
        f"  - playlist: morning\n    screens: [lobby]\n"
        f'    time: "{start:%H:%M}-{boundary:%H:%M}"\n    priority: 10\n'
    )
    playlists = write_playlists(
        tmp_path / "playlists",
        {"afternoon": [{"tip": ("下午时段", "下午时段的节目"), "seconds": 60}],
         "morning": [{"clip": "clip-a"}, {"clip": "clip-b"}]},
        schedule=schedule, default="afternoon",
    )  # fmt: skip
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        context = browser.new_context()
        page = context.new_page()
        # The screen's own clock is four minutes slow: only the server's time can be trusted.
        page.clock.install(time=time.time() - 240)
        page.goto(lobby.url)
        state = wait_snapshot(
            page,
            lambda s: s["playlist"] == "morning" and s["ended"] >= 1,
            15,
            "the morning clips did not play",
        )
        assert state["clockOffset"] == pytest.approx(240_000, abs=2000)
        remaining = (boundary - dt.datetime.now(ZONE)).total_seconds()
        assert remaining > 1, "the test machine was too slow to reach the boundary in time"
        page.wait_for_function(
            SHOWS, arg="下午时段的节目", polling="raf", timeout=(remaining + 5) * 1000
        )
        late = (dt.datetime.now(ZONE) - boundary).total_seconds()
        assert -0.05 < late < 1.0, f"switched {late:.2f} s after the boundary"
    finally:
        lobby.stop()


def test_alert_replaces_the_main_zone_within_a_poll_and_ends_on_time(
    browser: Browser, tmp_path: Path
) -> None:
    playlists = write_playlists(
        tmp_path / "playlists",
        {"main": [{"tip": ("常规节目", "诉讼服务指南"), "seconds": 60}]},
        poll_seconds=POLL_SECONDS,
    )
    lobby = start_lobby(tmp_path, playlists, [])
    add_user(lobby.store, "publicity", "editor", "correct horse battery")
    auth = {"Authorization": "Bearer " + create_token(lobby.store, "publicity")}
    alerts_url = lobby.server.url + "/api/v1/alerts"
    try:
        page = lobby.open(browser)
        page.wait_for_function(SHOWS, arg="诉讼服务指南", timeout=10000)

        until = dt.datetime.now(ZONE) + dt.timedelta(hours=1)
        posted = requests.post(alerts_url, headers=auth, timeout=5, json={
            "text": "<b>紧急</b>：大厅东侧通道临时关闭，请走西侧通道", "screens": "all",
            "until": until.isoformat()})  # fmt: skip
        assert posted.status_code == 201, posted.text
        sent = time.monotonic()
        page.wait_for_function(ALERT_SHOWN, timeout=(POLL_SECONDS * 1.3 + 2) * 1000)
        assert time.monotonic() - sent < POLL_SECONDS * 1.3 + 1
        assert page.locator("#alert-text").text_content().startswith("<b>紧急</b>")

        ended = requests.delete(f"{alerts_url}/{posted.json()['id']}", headers=auth, timeout=5)
        assert ended.status_code == 200, ended.text
        page.wait_for_function(ALERT_GONE, timeout=(POLL_SECONDS * 1.3 + 2) * 1000)
        page.wait_for_function(SHOWS, arg="诉讼服务指南", timeout=3000)

        # An alert that runs out ends on the screen's clock, without waiting for a poll.
        until = dt.datetime.now(ZONE).replace(microsecond=0) + dt.timedelta(seconds=9)
        posted = requests.post(
            alerts_url,
            headers=auth,
            timeout=5,
            json={"text": "请注意：十分钟后开庭", "screens": ["lobby"], "until": until.isoformat()},
        )
        assert posted.status_code == 201, posted.text
        page.wait_for_function(ALERT_SHOWN, timeout=(POLL_SECONDS * 1.3 + 2) * 1000)
        page.wait_for_function(ALERT_GONE, polling="raf", timeout=12000)
        late = (dt.datetime.now(ZONE) - until).total_seconds()
        assert -0.05 < late < 1.0, f"the alert ended {late:.2f} s after its time"
    finally:
        lobby.stop()
