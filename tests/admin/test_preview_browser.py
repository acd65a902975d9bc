"""Staff preview a screen at another time: the real player in a frame, and it reports nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Frame, Page, expect

from signage.db import Store, plays, screen_status
from signage.jobs.preparation import DEMO_DONE
from tests.admin.conftest import PASSWORD, Site, shot, sign_in
from tests.browser.lobby import ZONE, make_poster, open_store, publish, wait_for, write_playlists
from tests.support import start_server

pytestmark = pytest.mark.browser

WEEK_TIP = ("12月4日 国家宪法日", "宪法是国家的根本法，是治国安邦的总章程。")
DAILY_TIP = ("如何立案？", "人民法院实行立案登记制。")
REPORTS = ("/heartbeat", "/plays", "/manifest")


@dataclass
class Preview:
    """A server whose schedule has a one-morning rule three days from now."""

    site: Site
    store: Store
    day: dt.date


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = tmp_path_factory.mktemp("preview")
    day = dt.datetime.now(ZONE).date() + dt.timedelta(days=3)
    schedule = (
        f"  - playlist: week\n    screens: [lobby]\n    dates: {day.isoformat()}\n"
        '    time: "09:00-11:00"\n    priority: 20\n'
    )
    playlists = write_playlists(
        root / "playlists",
        {
            "daily": [{"tip": DAILY_TIP, "seconds": 30}],
            "week": [{"tip": WEEK_TIP, "seconds": 6}, {"image": "poster", "seconds": 30}],
        },
        schedule=schedule,
        ticker=("诉讼服务热线 12368",),
        default="daily",
    )
    media_dir = root / "media"
    store = open_store(media_dir)
    store.set_meta(DEMO_DONE, "not wanted in preview tests")
    publish(store, media_dir, [make_poster(root, "poster")])
    server = start_server(root, playlists, media_dir)
    server.signage("user", "add", "wang", "--role", "editor", "--password", PASSWORD)
    yield Preview(Site(server, playlists), store, day)
    server.stop()
    store.engine.dispose()


def player_frame(page: Page) -> Frame:
    """The player inside the schedule page's preview frame."""
    frame = page.locator("#preview-frame").element_handle().content_frame()
    assert frame is not None, "the preview frame has no document"
    return frame


def showing_a_poster(frame: Frame) -> dict[str, Any] | None:
    """The player's snapshot once it shows a picture, else None."""
    state = frame.evaluate("window.signage.snapshot()")
    return state if state["type"] == "image" else None


def count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_the_schedule_page_plays_the_screen_at_the_chosen_time(
    browser: Browser, preview: Preview
) -> None:
    page = sign_in(browser, preview.site)
    context: BrowserContext = page.context
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))

    page.goto(preview.site.url + "/admin/schedule?screen=lobby-east")
    # Today only the default playlist plays: that is what the frame starts with.
    expect(page.frame_locator("#preview-frame").locator(".tip-title")).to_have_text(DAILY_TIP[0])

    at = f"{preview.day.isoformat()}T10:00"
    page.fill("input[name=at]", at)
    page.locator("form[method=get] button").click()
    page.wait_for_url(f"**/admin/schedule?*at={at.replace(':', '%3A')}*")
    player = page.frame_locator("#preview-frame")
    expect(player.locator(".tip-title")).to_have_text(WEEK_TIP[0])
    expect(player.locator("#time")).to_have_text("10:00")
    day = preview.day
    expect(player.locator("#date")).to_contain_text(f"{day.year}年{day.month}月{day.day}日")
    expect(player.locator("#preview-badge")).to_have_text(f"预览 {day:%m-%d} 10:00")
    expect(player.locator("#ticker-track")).to_contain_text("诉讼服务热线 12368")
    expect(page.locator(".preview-facts")).to_contain_text("week")
    shot(page, "schedule-preview")

    # The poster after the tip: media reach the preview by the staff sign-in alone.
    frame = player_frame(page)
    seen = wait_for(lambda: showing_a_poster(frame), 20, "no poster followed the tip")
    assert seen["preview"] is True and seen["playlist"] == "week"
    assert [entry["key"] for entry in seen["recent"]][:1] == ["week#0"]
    poster = player.locator("img.poster")
    expect(poster).to_be_visible()
    assert poster.evaluate("image => image.naturalWidth") == 600

    assert not [url for url in requests if any(part in url for part in REPORTS)]
    assert context.service_workers == []
    assert "screen_key" not in {cookie["name"] for cookie in context.cookies()}
    assert count(preview.store, screen_status) == 0
    assert count(preview.store, plays) == 0
    context.close()
