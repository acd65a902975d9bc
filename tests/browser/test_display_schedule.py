"""Time on the display: segment boundaries met on the server's clock, alerts in and out."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser

from signage.accounts.tokens import create_token
from signage.accounts.users import add_user
from tests.browser.lobby import (
    TURN_LEAD_S,
    ZONE,
    MediaFile,
    midnight_soon,
    snapshot,
    start_lobby,
    suite_offset,
    turn_soon,
    wait_for,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

SHOWS = "text => document.querySelector('#stage [data-state=front]')?.textContent.includes(text)"
AFTERNOON_ON = """() => {
  const state = window.signage && window.signage.snapshot();
  return Boolean(state && state.playlist === 'afternoon' && state.item);
}"""
FIRST_ITEM_ON = "() => window.signage.snapshot().item === 'main#0'"
ALERT_SHOWN = "() => !document.getElementById('alert').hidden"
ALERT_GONE = "() => document.getElementById('alert').hidden"
POLL_SECONDS = 5
CACHED_MEDIA = """async () => {
  const keys = await (await caches.open('signage-media-v1')).keys();
  return keys.map((request) => new URL(request.url).pathname).sort();
}"""


def test_segment_boundary_switches_on_the_servers_time(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    turn = turn_soon(at_least=TURN_LEAD_S)
    boundary = turn.at
    start = boundary - dt.timedelta(minutes=30)
    schedule = (
        f"  - playlist: morning\n    screens: [lobby]\n"
        f'    time: "{start:%H:%M}-{boundary:%H:%M}"\n    priority: 10\n'
    )
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "afternoon": [
                {"tip": ("下午时段", "下午时段的节目"), "seconds": 60},
                {"clip": "clip-b"},
            ],
            "morning": [{"clip": "clip-a"}],
        },
        schedule=schedule,
        default="afternoon",
    )
    lobby = start_lobby(
        tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]], turn.ahead
    )
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
        assert state["clockOffset"] == pytest.approx((240 + turn.ahead) * 1000, abs=2000)
        # The afternoon's clip is fetched ahead, before its segment begins.
        expected = [f"/media/files/{media_files[m].path.name}" for m in ("clip-a", "clip-b")]
        assert page.evaluate(CACHED_MEDIA) == sorted(expected)
        remaining = (boundary - turn.now()).total_seconds()
        assert remaining > 1, "the test machine was too slow to reach the boundary in time"
        # The afternoon goes on from where the day's plan has it: its tip or its clip.
        page.wait_for_function(AFTERNOON_ON, polling="raf", timeout=(remaining + 5) * 1000)
        late = (turn.now() - boundary).total_seconds()
        assert -0.05 < late < 1.0, f"switched {late:.2f} s after the boundary"
    finally:
        lobby.stop()


@pytest.mark.skipif(suite_offset() is None, reason="needs libfaketime (./scripts/setup --browser)")
def test_at_the_sites_midnight_the_days_plan_starts_afresh_cutting_what_is_on(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    midnight = midnight_soon(at_least=TURN_LEAD_S)
    # A round of about 602 s: the day's last round starts near 23:54:46, and its tip is on
    # from then until about 00:04:48, so it is on as midnight comes.
    playlists = write_playlists(
        tmp_path / "playlists",
        {"main": [{"clip": "clip-a"}, {"tip": ("夜间提示", "跨过午夜的一条提示"), "seconds": 600}]},
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"]], midnight.ahead)
    try:
        page = lobby.open(browser)
        wait_snapshot(
            page, lambda s: s["item"] == "main#1", 15, "the tip was not on before midnight"
        )
        remaining = (midnight.at - midnight.now()).total_seconds()
        assert remaining > 1, "the test machine was too slow to reach midnight in time"
        # The new day's plan walks from its first item at midnight (the inspector's list,
        # 今日节目单, starts there too): the tip is cut and the clip goes on.
        page.wait_for_function(FIRST_ITEM_ON, polling="raf", timeout=(remaining + 5) * 1000)
        late = (midnight.now() - midnight.at).total_seconds()
        assert -0.05 < late < 1.0, f"the day's plan began {late:.2f} s after midnight"
        state = wait_snapshot(page, lambda s: s["ended"] >= 1, 10, "the clip did not play")
        assert state["recent"][:2] == [
            {"key": "main#1", "outcome": "cut"},
            {"key": "main#0", "outcome": "ended"},
        ]
        assert state["errors"] == 0 and state["lastError"] is None
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
        posted = requests.post(
            alerts_url,
            headers=auth,
            timeout=5,
            json={
                "text": "<b>紧急</b>：大厅东侧通道临时关闭，请走西侧通道",
                "screens": "all",
                "until": until.isoformat(),
            },
        )
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


def test_an_edit_waits_for_the_clip_on_show_and_unused_media_leave_the_cache(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    clips = {"main": [{"clip": "clip-a"}, {"clip": "clip-b"}]}
    playlists = write_playlists(tmp_path / "playlists", clips, poll_seconds=POLL_SECONDS)
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        page = lobby.open(browser)
        wait_snapshot(
            page,
            lambda s: s["cache"]["cached"] == 2 and s["ended"] >= 1,
            15,
            "the clips did not play",
        )
        # Staff replace the clips by a tip while a clip is on show (there always is one).
        tip = {"main": [{"tip": ("新的节目", "编辑后生效"), "seconds": 30}]}
        write_playlists(lobby.playlists, tip, poll_seconds=POLL_SECONDS)
        # Within two polls (the clip on show ends first): one may be lost to a loaded machine.
        page.wait_for_function(SHOWS, arg="编辑后生效", timeout=(POLL_SECONDS * 2.6 + 6) * 1000)
        recent = snapshot(page)["recent"]
        assert recent[-1]["outcome"] == "ended", "the clip on show was cut for the edit"
        assert all(outcome["outcome"] == "ended" for outcome in recent)
        wait_for(
            lambda: page.evaluate(CACHED_MEDIA) == [],
            POLL_SECONDS * 1.3 + 5,
            "clips no longer played stayed in the cache",
            page,
        )
    finally:
        lobby.stop()
