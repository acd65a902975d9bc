"""The lobby player on real old engines: headless Chromium 64 to 83 (tests/oldengines).

One page per engine, with several checks each: the programme plays (clips, a tip, a poster,
the hearing board, the ticker, the header clock, an urgent message) with no script error;
engines built without H.264 (64, 67, 72) move past the clips and name them in the heartbeat,
with their version and the features they lack; every engine gets each file once, one at a
time (through a counting proxy); on 76 a reload with the server down plays on from what the
screen kept. Times are taken from one moment read at the start and passed to
the hearings and the alert, so the test does not depend on the date it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from signage.hearings.board import replace_hearings
from signage.hearings.records import Hearing
from signage.screens.status import screen_statuses
from tests.admin.conftest import PASSWORD
from tests.browser.lobby import (
    SCREEN,
    ZONE,
    CountingProxy,
    Lobby,
    MediaFile,
    quoted,
    start_lobby,
    wait_for,
)
from tests.devtools import EnginePage
from tests.oldengines import PACKAGES, binary

pytestmark = pytest.mark.browser

WITHOUT_H264 = {64, 67, 72}  # chrome-aws-lambda's builds before 76 lack proprietary codecs
OFFLINE_ENGINE = 76
TICKER = "请携带身份证件办理立案手续"
ALERT = "因系统维护，今日下午暂停办理立案业务"
TIP = ("诉讼服务指南", "立案、缴费、查询均可在一楼大厅办理。")
HEARING_CASE = "(2026)冀0822民初17号"

# Installed in the page (ES2017, like the player): every quarter second, note what the main
# zone shows, so a test polling every few hundred ms misses no item, however short.
RECORDER = """
(() => {
  if (window.seen) return true;
  window.seen = { kinds: {}, hearingRows: 0, tipTitle: '' };
  setInterval(() => {
    const front = document.querySelector('#stage > [data-state=front]');
    if (!front) return;
    const stills = ['tip', 'poster-layer', 'hearings', 'idle'];
    const still = stills.find((name) => front.classList.contains(name));
    const kind = front.tagName === 'VIDEO' ? 'video' : still;
    window.seen.kinds[kind] = true;
    const rows = document.querySelectorAll('.hearings[data-state=front] tr.hearing').length;
    window.seen.hearingRows = Math.max(window.seen.hearingRows, rows);
    const title = document.querySelector('.tip[data-state=front] .tip-title');
    if (title) window.seen.tipTitle = title.textContent;
  }, 250);
  return true;
})()
"""
STATE = """
(() => {
  const s = window.signage ? window.signage.snapshot() : null;
  if (!s) return null;
  const plan = window.signage.player.plan;
  const items = plan ? plan.segments[0].items.map((i) => [i.key, i.type]) : [];
  return {
    snapshot: s,
    items: items,
    seen: window.seen || null,
    ticker: document.getElementById('ticker').hidden ? '' :
      document.getElementById('ticker-track').textContent,
    time: document.getElementById('time').textContent,
    date: document.getElementById('date').textContent,
    alert: document.getElementById('alert').hidden ? '' :
      document.getElementById('alert-text').textContent,
  };
})()
"""


def site_yaml() -> str:
    return (
        "site:\n  name: 兴隆县人民法院\n  timezone: Asia/Shanghai\n  poll_seconds: 5\n"
        f"screens:\n  {SCREEN}:\n    name: 诉讼服务中心东侧大屏\n    groups: [lobby]\n"
        "schedule:\n  []\n"
        "default_playlist: programme\n"
        f"ticker:\n  - text: {quoted(TICKER)}\n    screens: [lobby]\n"
    )


def programme_yaml() -> str:
    title, body = TIP
    return (
        "name: 节目\nitems:\n"
        "  - clip: clip-a\n"
        f"  - tip:\n      title: {quoted(title)}\n      body: {quoted(body)}\n    seconds: 3\n"
        "  - image: poster\n    seconds: 3\n"
        "  - hearings: today\n    seconds: 3\n"
        "  - clip: clip-b\n"
    )


@pytest.fixture(scope="module")
def moment() -> dt.datetime:
    """The one reading of the clock the hearings and the alert are placed around."""
    return dt.datetime.now(ZONE).replace(microsecond=0)


@pytest.fixture(scope="module")
def proxy(old_lobby: Lobby) -> Iterator[CountingProxy]:
    """The screens reach the server through it: what it counts is what the server sent."""
    counting = CountingProxy(old_lobby.server.url)
    yield counting
    counting.stop()


@pytest.fixture(scope="module")
def staff_api(old_lobby: Lobby) -> requests.Session:
    """An admin's API session on the lobby's server, for urgent messages."""
    old_lobby.server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
    session = requests.Session()
    token = old_lobby.server.signage("token", "create", "wang")
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@pytest.fixture(scope="module")
def old_lobby(
    tmp_path_factory: pytest.TempPathFactory,
    media_files: dict[str, MediaFile],
    moment: dt.datetime,
) -> Iterator[Lobby]:
    """One server for every engine: the programme, today's hearing and the ticker."""
    folder = tmp_path_factory.mktemp("old-lobby")
    playlists = folder / "playlists"
    playlists.mkdir()
    (playlists / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    (playlists / "programme.yaml").write_text(programme_yaml(), encoding="utf-8")
    lobby = start_lobby(folder, playlists, list(media_files.values()))
    hearing = Hearing(
        starts_at=moment - dt.timedelta(minutes=30),
        ends_at=moment + dt.timedelta(hours=2),
        case_number=HEARING_CASE,
        cause="合同纠纷",
        parties=(("原告", "张某"), ("被告", "李某")),
        judge="王法官",
        courtroom="第一法庭",
        public=True,
    )
    # A hearing that began 30 minutes ago can fall on yesterday just after midnight: then
    # the board shows nothing for today, which the test reads as a failure; start later.
    if hearing.day(ZONE) != moment.date():
        hearing = Hearing(**{**hearing.__dict__, "starts_at": moment})
    replace_hearings(lobby.store, [hearing], ZONE, "test")
    # Another process's change reaches the server within a second (it re-reads its change
    # counters at most once a second): a screen that came sooner would get the manifest
    # built before it for one poll, and show an empty board once (seen, 7 December).
    manifest = f"{lobby.server.url}/api/v1/screens/{SCREEN}/manifest"
    wait_for(
        lambda: requests.get(manifest, params={"key": lobby.key}, timeout=5).json()["hearings"],
        10,
        "the server did not take in today's hearing",
    )
    yield lobby
    lobby.stop()


def kinds_of(state: dict) -> dict[str, str]:
    """Item key -> its type, from the plan the page plays."""
    return dict(state["items"])


def outcomes(state: dict, kind: str) -> set[str]:
    """How the items of this type ended so far (ended, error, cut)."""
    types = kinds_of(state)
    return {r["outcome"] for r in state["snapshot"]["recent"] if types.get(r["key"]) == kind}


def poll(check: Callable[[], bool], seconds: float, message: Callable[[], str]) -> None:
    """Call check until it holds; fail with message() after seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(message())


def wait_state(
    page: EnginePage, test: Callable[[dict], object], seconds: float, message: str
) -> dict:
    """Poll the page's state until test(state) holds; that state."""
    last: dict = {}

    def check() -> bool:
        last.clear()
        last.update(page.evaluate(STATE) or {})
        return bool(last) and bool(test(last))

    poll(check, seconds, lambda: f"{message}; last: {json.dumps(last, ensure_ascii=False)}")
    return dict(last)


def wait_status(lobby: Lobby, test: Callable[[dict], object], seconds: float = 30) -> dict:
    """The screen's last heartbeat once test(status) holds."""
    found: dict = {}

    def check() -> bool:
        found.clear()
        found.update(screen_statuses(lobby.store).get(SCREEN) or {})
        return bool(found) and bool(test(found))

    poll(check, seconds, lambda: f"heartbeat: {found}")
    return found


@pytest.mark.parametrize("major", sorted(PACKAGES))
def test_the_programme_plays_on_an_old_engine(
    major: int,
    old_lobby: Lobby,
    proxy: CountingProxy,
    staff_api: requests.Session,
    moment: dt.datetime,
    tmp_path: Path,
) -> None:
    engine = binary(major)
    if not engine.exists():
        pytest.skip(f"Chromium {major} is not unpacked (./scripts/setup --browser)")
    with proxy.lock:
        proxy.media.clear()
        proxy.most_at_once = 0
    page = EnginePage(engine, tmp_path / "profile", tmp_path / "engine.log")
    try:
        page.navigate(f"{proxy.url}/display/{SCREEN}?key={old_lobby.key}")
        page.wait_for(
            "window.signage && document.getElementById('time').textContent",
            60,
            f"Chromium {major}: the player did not start",
        )
        page.evaluate(RECORDER)
        plays_clips = major not in WITHOUT_H264

        def programme_done(state: dict) -> bool:
            seen = state["seen"] or {}
            kinds = seen.get("kinds", {})
            stills = all(kinds.get(k) for k in ("tip", "poster-layer", "hearings"))
            if plays_clips:
                clips_done = "ended" in outcomes(state, "video")
            else:
                clips_done = len(state["snapshot"]["unplayable"]) == 2
            return stills and clips_done

        state = wait_state(page, programme_done, 120, f"Chromium {major}: the programme")
        seen = state["seen"]
        assert seen["tipTitle"] == TIP[0]
        assert seen["hearingRows"] == 1
        assert TICKER in state["ticker"]
        assert re.fullmatch(r"\d\d:\d\d", state["time"]), state["time"]
        shown = dt.datetime.strptime(state["time"], "%H:%M").time()
        now = dt.datetime.now(ZONE)
        assert abs(
            dt.datetime.combine(now.date(), shown, ZONE) - now.replace(second=0, microsecond=0)
        ) <= dt.timedelta(minutes=1), (state["time"], now)
        assert "年" in state["date"] and "星期" in state["date"]
        assert state["snapshot"]["engine"]["chromium"] == major
        if plays_clips:
            assert "video" in seen["kinds"] and state["snapshot"]["unplayable"] == []
        else:
            # Every clip is skipped, reported, and the rest of the programme goes on.
            reported = wait_status(old_lobby, lambda s: len(s["unplayable"] or []) == 2)
            assert {clip["item"] for clip in reported["unplayable"]} == {
                key for key, kind in state["items"] if kind == "video"
            }
            assert reported["engine"]["chromium"] == major
            assert "h264" in reported["engine"]["lacks"]
            if major < 69:
                assert "web-locks" in reported["engine"]["lacks"]
        until = (moment + dt.timedelta(hours=1)).isoformat()
        alerts = old_lobby.server.url + "/api/v1/alerts"
        posted = staff_api.post(alerts, json={"text": ALERT, "screens": "all", "until": until})
        assert posted.status_code == 201, posted.text
        try:
            wait_state(page, lambda s: s["alert"] == ALERT, 30, f"Chromium {major}: the alert")
        finally:
            ended = staff_api.delete(f"{alerts}/{posted.json()['id']}")
            assert ended.status_code == 200, ended.text
        wait_state(page, lambda s: s["alert"] == "", 30, f"Chromium {major}: the alert ended")
        # Each file came once, one at a time (Web Locks, or the promise chain without them).
        kept = wait_state(
            page, lambda s: s["snapshot"]["cache"]["cached"] == 3, 30, "the files kept"
        )
        assert kept["snapshot"]["serviceWorker"]
        assert sorted(proxy.fetches().values()) == [1, 1, 1], proxy.media
        assert proxy.most_at_once == 1, proxy.media
        if major == OFFLINE_ENGINE:
            plays_on_without_the_server(page, old_lobby)
        assert page.errors == [], page.errors
        # The errors above are really listened for: a script error is seen.
        page.evaluate("setTimeout(function () { null.thrown(); }, 0), true")
        poll(lambda: bool(page.evaluate("true") and page.errors), 10, lambda: "no error seen")
        assert "thrown" in page.errors[0]
    finally:
        page.close()


def plays_on_without_the_server(page: EnginePage, lobby: Lobby) -> None:
    """With every file kept, the server stops and the page reloads: it plays on."""
    lobby.server.stop()
    try:
        page.reload()
        page.wait_for(
            "window.signage && window.signage.online === false",
            60,
            "the page did not come back without the server",
        )
        page.evaluate(RECORDER)
        wait_state(
            page,
            lambda s: (
                "ended" in outcomes(s, "video") and (s["seen"] or {}).get("kinds", {}).get("tip")
            ),
            60,
            "clips and tips without the server",
        )
    finally:
        lobby.restart()
