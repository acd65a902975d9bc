"""A screen the office can see and keep: black outside its opening hours and reported as
sleeping, awake on time (a make-up Saturday too); a picture of what it shows within one
poll of asking (the clip's frame, a tip's text); a reload asked from the overview."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
import time
from pathlib import Path

import pytest
import requests
from PIL import Image, ImageChops, ImageStat
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from tests.admin.conftest import PASSWORD, Site, sign_in
from tests.browser.lobby import (
    SCREEN,
    ZONE,
    Lobby,
    MediaFile,
    snapshot,
    start_lobby,
    wait_for,
    wait_snapshot,
    write_playlists,
)

pytestmark = pytest.mark.browser

POLL = 5  # seconds between a screen's polls in these tests
# Past one poll: the picture is drawn, encoded and sent by a browser on a busy machine.
SENDING_SLACK = 10
TIP = ("什么是诉讼时效?", "向人民法院请求保护民事权利的诉讼时效期间为三年。")
SHOTS = Path("/tmp/screens/display")


def with_hours(lobby_playlists: Path, hours: str, calendar: str = "") -> None:
    """Give lobby-east opening hours (and the site a calendar) by a hand edit of site.yaml."""
    site = lobby_playlists / "site.yaml"
    text = re.sub(r"    hours: .*\n", "", site.read_text(encoding="utf-8"))
    text = text.replace("    groups: [lobby]\n", f"    groups: [lobby]\n    hours: {hours}\n")
    site.write_text(text + calendar, encoding="utf-8")


def clock_window(start: dt.datetime, hours: float) -> str:
    """'HH:MM-HH:MM' from start (site time) for this many hours; may cross midnight."""
    end = start + dt.timedelta(hours=hours)
    return f'"{start:%H:%M}-{end:%H:%M}"'


def staff_of(lobby: Lobby) -> tuple[Site, str]:
    """An admin on the lobby's server, and a token for the API."""
    lobby.server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
    return Site(lobby.server, lobby.playlists), lobby.server.signage("token", "create", "wang")


def api(lobby: Lobby, token: str, method: str, path: str) -> requests.Response:
    return requests.request(
        method,
        f"{lobby.server.url}/api/v1/screens/{SCREEN}{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def screen_row(lobby: Lobby, token: str) -> dict:
    answer = requests.get(
        f"{lobby.server.url}/api/v1/screens",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return next(s for s in answer.json()["screens"] if s["id"] == SCREEN)


def picture_after(lobby: Lobby, token: str, asked_at: float, previous: bytes | None) -> Image.Image:
    """The screen's newest picture once it is another than `previous`; it must arrive within
    one poll of asked_at."""
    found: dict[str, requests.Response] = {}

    def arrived() -> bool:
        answer = api(lobby, token, "GET", "/snapshot")
        found["answer"] = answer
        return answer.status_code == 200 and answer.content != previous

    wait_for(arrived, POLL + SENDING_SLACK, lambda: f"no new picture: {found}")
    assert time.monotonic() - asked_at <= POLL + SENDING_SLACK
    answer = found["answer"]
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert len(answer.content) < 120_000, len(answer.content)  # small enough to keep a week
    email.utils.parsedate_to_datetime(answer.headers["Last-Modified"])  # a real HTTP date
    picture = Image.open(io.BytesIO(answer.content))
    assert picture.format == "JPEG" and picture.width == 768
    return picture.convert("RGB")


def region(picture: Image.Image, page: Page, selector: str) -> Image.Image:
    """The part of the picture where the page shows selector's box."""
    box = page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom, innerWidth]; }",
        selector,
    )
    scale = picture.width / box[4]
    return picture.crop(tuple(round(v * scale) for v in box[:4]))


def brightness(picture: Image.Image) -> tuple[float, float]:
    """Mean and standard deviation of the grey levels."""
    stat = ImageStat.Stat(picture.convert("L"))
    return stat.mean[0], stat.stddev[0]


def colourfulness(picture: Image.Image) -> float:
    """Mean of max-min over the channels: 0 for greys, large for a test card's colours."""
    hsv = picture.convert("HSV")
    return ImageStat.Stat(hsv).mean[1]


def reloaded(page: Page) -> bool:
    """Whether the page was loaded again since the test marked it (and its player runs)."""
    try:
        return page.evaluate("window.beforeReload === undefined && Boolean(window.signage)")
    except PlaywrightError:  # asked while the old page goes and the new one comes
        return False


def page_picture(page: Page, name: str) -> Image.Image:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return Image.open(path).convert("RGB")


def test_outside_its_hours_a_screen_is_black_reports_sleeping_and_wakes(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    now = dt.datetime.now(ZONE)
    playlists = write_playlists(
        tmp_path / "playlists",
        {"daytime": [{"clip": "clip-a"}, {"clip": "clip-b"}]},
        poll_seconds=POLL,
        prefetch=clock_window(now + dt.timedelta(hours=6), 1).strip('"'),
    )
    # Its hours start in three hours: it is asleep now, whatever the time of day.
    with_hours(playlists, f"{{days: daily, time: {clock_window(now + dt.timedelta(hours=3), 2)}}}")
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        _, token = staff_of(lobby)
        page = lobby.open(browser)
        state = wait_snapshot(page, lambda s: s.get("mode") == "sleep", 20, "not asleep")
        assert state["asleep"] and state["type"] is None
        assert page.evaluate("document.body.classList.contains('sleeping')")
        assert page.evaluate("document.querySelectorAll('video[src]').length") == 0
        mean, spread = brightness(page_picture(page, "asleep"))
        assert mean < 2 and spread < 2, (mean, spread)
        row = wait_for(
            lambda: (r := screen_row(lobby, token))["now_playing"] == {"type": "sleeping"} and r,
            POLL * 3,
            lambda: f"the screen does not report sleeping: {screen_row(lobby, token)}",
        )
        assert row["status"] == "sleeping"
        # Nothing was fetched for the clips while asleep (not the quiet hours).
        assert "/media/files/" not in lobby.server.log.read_text(errors="replace")
        # Asked for a picture while asleep, it sends a black one.
        asked = time.monotonic()
        assert api(lobby, token, "POST", "/snapshot").status_code == 202
        mean, spread = brightness(picture_after(lobby, token, asked, None))
        assert mean < 2 and spread < 2

        # Open now (hours around the present): it wakes within a poll and plays.
        with_hours(
            playlists, f"{{days: daily, time: {clock_window(now - dt.timedelta(hours=1), 3)}}}"
        )
        wait_snapshot(page, lambda s: s.get("type") == "video", POLL * 4 + 20, "did not wake")
        assert not page.evaluate("document.body.classList.contains('sleeping')")
        wait_for(
            lambda: screen_row(lobby, token)["status"] == "online", POLL * 3, "not online again"
        )
    finally:
        lobby.stop()


def test_the_preview_wakes_on_time_on_a_make_up_saturday_only(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    today = dt.datetime.now(ZONE).date()
    # The next Saturday is made a make-up workday (调休) and the one before a holiday, in
    # site.yaml: the test holds on any date, whatever the official calendar says of them.
    make_up = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    plain = make_up - dt.timedelta(days=7)
    playlists = write_playlists(
        tmp_path / "playlists", {"daytime": [{"clip": "clip-a"}]}, poll_seconds=POLL
    )
    with_hours(
        playlists,
        '{days: workdays, time: "07:30-18:30"}',
        f"calendar:\n  workdays: [{make_up}]\n  holidays: [{plain}]\n",
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"]])
    try:
        site, _ = staff_of(lobby)
        page = sign_in(browser, site)
        base = f"{lobby.server.url}/display/{SCREEN}/preview?at="
        page.goto(f"{base}{make_up} 07:29:54")
        wait_snapshot(page, lambda s: s.get("mode") == "sleep", 20, "not asleep before 07:30")
        assert page.evaluate("document.querySelectorAll('video[src]').length") == 0
        # The player's clock runs on from 07:29:54: the clip is on soon after 07:30.
        state = wait_snapshot(page, lambda s: s.get("type") == "video", 40, "did not wake")
        assert not state["asleep"]
        woke = page.evaluate("window.signage.clock.now()")
        boundary = dt.datetime.combine(make_up, dt.time(7, 30), tzinfo=ZONE).timestamp() * 1000
        assert boundary <= woke < boundary + 20_000
        page.goto(f"{base}{plain} 07:30:05")
        wait_snapshot(page, lambda s: s.get("mode") == "sleep", 20, "a plain Saturday woke it")
        # Past 07:30 by the player's clock, and still black: a plain Saturday is no workday.
        later = dt.datetime.combine(plain, dt.time(7, 30, 10), tzinfo=ZONE).timestamp() * 1000
        wait_for(
            lambda: page.evaluate("window.signage.clock.now()") > later,
            30,
            "the preview's clock stands still",
            page,
        )
        assert snapshot(page)["mode"] == "sleep"
    finally:
        lobby.stop()


def test_a_picture_shows_the_clip_then_the_tip_and_a_reload_is_done(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    playlists = write_playlists(
        tmp_path / "playlists",
        {"daytime": [{"clip": "clip-a"}, {"clip": "clip-b"}]},
        poll_seconds=POLL,
    )
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
    try:
        site, token = staff_of(lobby)
        page = lobby.open(browser)
        wait_snapshot(page, lambda s: s.get("firstFrameAt") is not None, 30, "no clip shown")
        missing = api(lobby, token, "GET", "/snapshot")
        assert missing.status_code == 404

        asked = time.monotonic()
        assert api(lobby, token, "POST", "/snapshot").status_code == 202
        picture = picture_after(lobby, token, asked, None)
        SHOTS.mkdir(parents=True, exist_ok=True)
        picture.save(SHOTS / "snapshot-clip.png")
        stage = region(picture, page, "#stage")
        mean, spread = brightness(stage)
        # The test card: bright, varied and coloured, where a black frame would be none.
        assert mean > 40 and spread > 30, (mean, spread)
        assert colourfulness(stage) > 60, colourfulness(stage)
        court = region(picture, page, "#court")
        assert brightness(court)[1] > 15  # the court's name is written in the header
        first = api(lobby, token, "GET", "/snapshot").content

        # Staff change the playlist to a tip and ask from the overview.
        (playlists / "daytime.yaml").write_text(
            f"name: daytime\nitems:\n  - tip:\n      title: {TIP[0]}\n      body: {TIP[1]}\n"
            "    seconds: 60\n",
            encoding="utf-8",
        )
        wait_snapshot(page, lambda s: s.get("type") == "tip", POLL * 4 + 20, "no tip")
        office = sign_in(browser, site)
        card = office.locator(f"article[data-screen={SCREEN}]")
        # The picture is lazy-loaded: it arrives once it is in view, not with the page.
        shown = card.locator(".snapshot img")
        shown.scroll_into_view_if_needed()
        office.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=shown.element_handle()
        )
        assert shown.evaluate("(img) => img.naturalWidth") == 768
        asked = time.monotonic()
        card.get_by_role("button", name="获取最新画面").click()
        assert "秒内送达" in office.locator(".flash").first.inner_text()
        picture = picture_after(lobby, token, asked, first)
        picture.save(SHOTS / "snapshot-tip.png")
        seen = page_picture(page, "tip")
        # The picture is what the page shows: the tip's box and its text in their places.
        small = (96, 54)
        difference = ImageChops.difference(
            picture.convert("L").resize(small), seen.convert("L").resize(small)
        )
        assert ImageStat.Stat(difference).mean[0] < 12, ImageStat.Stat(difference).mean
        title = region(picture, page, "#stage .tip-title")
        assert brightness(title)[1] > 40  # strokes of characters, not a plain box
        body = region(picture, page, "#stage .tip-body")
        assert brightness(body)[1] > 30

        # A reload from the overview: the page starts again within one poll.
        page.evaluate("window.beforeReload = true")
        office.on("dialog", lambda dialog: dialog.accept())
        office.reload()
        asked = time.monotonic()
        office.locator(f"article[data-screen={SCREEN}]").get_by_role(
            "button", name="重新加载页面"
        ).click()
        assert "重新加载页面" in office.locator(".flash").first.inner_text()
        wait_for(lambda: reloaded(page), POLL + SENDING_SLACK, "the page did not reload")
        assert time.monotonic() - asked <= POLL + SENDING_SLACK
        wait_snapshot(page, lambda s: s.get("type") == "tip", 30, "no tip after the reload")
    finally:
        lobby.stop()
