"""Every prepared file reaches a screen once: across reloads, a server restart, a browser
restart with the same profile and a manifest change; tomorrow's files come ahead of time,
the ones that can wait come in the quiet hours, and what nothing plays any more is let go."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from signage.screens.status import screen_statuses
from tests.browser.lobby import (
    SCREEN,
    ZONE,
    CountingProxy,
    MediaFile,
    make_clip,
    next_minute,
    start_lobby,
    wait_snapshot,
    write_playlists,
)
from tests.support import CHROMIUM, CHROMIUM_ARGS, real_clock_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
SCREENSHOTS = Path("/tmp/screens/display")


def window(start: dt.datetime, hours: float) -> str:
    """'HH:MM-HH:MM' (site time) from start, lasting hours."""
    end = start + dt.timedelta(hours=hours)
    return f"{start.astimezone(ZONE):%H:%M}-{end.astimezone(ZONE):%H:%M}"


def screen(browser: Browser, profile: Path, url: str) -> tuple[BrowserContext, Page]:
    """Chromium with a profile kept on disk, as a kiosk keeps it across power cuts."""
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=real_clock_env()
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    return context, page


def playing(page: Page, message: str) -> None:
    """Wait until the page has shown a clip since it loaded."""
    wait_snapshot(page, lambda s: s["ended"] >= 1 and s["serviceWorker"], 30, message)


def test_each_file_is_fetched_once_over_a_day_of_screen_life(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    clip_c = make_clip(tmp_path, "clip-c", 1, pattern=2)
    clip_d = make_clip(tmp_path, "clip-d", 1, pattern=3, sound=False)
    files = [media_files["clip-a"], media_files["clip-b"], media_files["poster"], clip_c, clip_d]
    now = dt.datetime.now(ZONE)
    tomorrow = next_minute(120)  # "tomorrow's" programme: soon, before the quiet hours
    quiet = window(now + dt.timedelta(hours=3), 1)
    later = window(now + dt.timedelta(hours=5), 1)  # after the quiet hours begin: waits
    lists = {
        "today": [{"clip": "clip-a"}, {"image": "poster", "seconds": 1}],
        "tomorrow": [{"clip": "clip-b"}, {"clip": "clip-c"}],
        "later": [{"clip": "clip-d"}],
    }
    rules = (
        f'  - playlist: tomorrow\n    screens: [lobby]\n    time: "{window(tomorrow, 1)}"\n'
        f'  - playlist: later\n    screens: [lobby]\n    time: "{later}"\n'
    )
    playlists = write_playlists(tmp_path / "playlists", lists, rules, prefetch=quiet)
    lobby = start_lobby(tmp_path, playlists, files)
    proxy = CountingProxy(lobby.server.url)
    url = f"{proxy.url}/display/{SCREEN}?key={lobby.key}"
    name = {file.id: file.path.name for file in files}
    profile = tmp_path / "profile"
    context, page = screen(browser, profile, url)
    try:
        wait_snapshot(page, lambda s: s["cache"]["cached"] == 4, 30, "today's and tomorrow's files")
        playing(page, "nothing played")
        assert name["clip-d"] not in proxy.fetches(), (
            "a file that can wait came before the quiet hours"
        )

        page.reload()
        playing(page, "nothing played after a reload")
        lobby.restart()
        page.reload()
        playing(page, "nothing played after the server restarted")
        context.close()
        context, page = screen(browser, profile, url)  # the browser starts again
        playing(page, "nothing played after the browser restarted")

        # Staff change the programme and the quiet hours are now: clip-d comes at once, and
        # clip-b, which no segment plays any more, is let go.
        lists["tomorrow"] = [{"clip": "clip-c"}]
        write_playlists(playlists, lists, rules, prefetch=window(now - dt.timedelta(hours=1), 2))
        wait_snapshot(
            page,
            lambda s: s["cache"]["cached"] == 4 and s["cache"]["wanted"] == 4,
            30,
            "the changed programme's files were not kept",
        )
        page.reload()
        playing(page, "nothing played after the change")

        fetched = proxy.fetches()
        assert fetched == {name[m]: 1 for m in ("clip-a", "clip-b", "poster", "clip-c", "clip-d")}
        assert all(asked is None for _, _, asked in proxy.media), "files came in pieces"
        assert proxy.most_at_once == 1, "a screen downloaded more than one file at a time"
        beat = wait_snapshot(
            page, lambda s: s["plays"]["sent"] >= 1, 15, "no heartbeat after the change"
        )
        assert beat["cache"]["cached"] == 4
        report = screen_statuses(lobby.store)[SCREEN]["cache"]
        assert report["lacking_files"] == 0 and report["lacking_bytes"] == 0
        kept = sum(files[i].path.stat().st_size for i in (0, 2, 3, 4))
        assert report["held_bytes"] == kept

        # Staff see it on the overview, Chinese first.
        lobby.server.signage("user", "add", "wang", "--role", "admin", "--password", PASSWORD)
        staff = browser.new_page(viewport={"width": 1280, "height": 800})
        staff.goto(lobby.server.url + "/admin/login")
        staff.fill("input[name=name]", "wang")
        staff.fill("input[name=password]", PASSWORD)
        staff.click("button.primary")
        card = staff.locator(f"[data-screen={SCREEN}] .tomorrow")
        assert card.text_content().strip() == "明日内容已就绪"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        staff.screenshot(path=SCREENSHOTS / "overview-ready.png")
        staff.context.close()
    finally:
        context.close()
        proxy.stop()
        lobby.stop()
