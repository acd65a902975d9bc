"""The inspector's list and the screen agree: the real player, over a stretch with required
plays inserted, shows the items of the day's plan in the plan's order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Browser

from signage.accounts.tokens import create_token
from signage.accounts.users import add_user
from signage.db import plays
from tests.browser.lobby import (
    TURN_LEAD_S,
    ZONE,
    Lobby,
    MediaFile,
    snapshot,
    start_lobby,
    turn_soon,
    wait_for,
    write_playlists,
)

pytestmark = pytest.mark.browser

STRETCH = dt.timedelta(seconds=50)
BLINK = dt.timedelta(seconds=1)  # how late the player may start an item the plan starts


def in_order(some: list[str], every: list[str]) -> bool:
    """Whether some are among every, in the same order (others may come between)."""
    rest = iter(every)
    return all(key in rest for key in some)


def test_the_player_follows_the_days_plan_with_required_plays(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    turn = turn_soon(at_least=TURN_LEAD_S)
    boundary = turn.at
    until = boundary + dt.timedelta(minutes=10)
    window = f"{boundary:%H:%M}-{boundary + dt.timedelta(minutes=1):%H:%M}"
    schedule = (
        f"  - playlist: sequence\n    screens: [lobby]\n"
        f'    time: "{boundary:%H:%M}-{until:%H:%M}"\n    priority: 10\n'
        "requirements:\n"
        f'  - {{clip: clip-b, screens: [lobby], per_day: 3, time: "{window}"}}\n'
    )
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "waiting": [{"tip": ("等待", "等待开始"), "seconds": 600}],
            "sequence": [
                {"tip": ("第一条", "第一条提示"), "seconds": 3},
                {"tip": ("第二条", "第二条提示"), "seconds": 2},
                {"clip": "clip-a"},
                {"tip": ("第三条", "第三条提示"), "seconds": 3},
            ],
        },
        schedule=schedule,
        default="waiting",
    )
    lobby = start_lobby(
        tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]], turn.ahead
    )
    try:
        page = lobby.open(browser)
        wait_for(lambda: snapshot(page).get("item") == "waiting#0", 30, "the player did not start")
        add_user(lobby.store, "inspector", "editor", "correct horse battery")
        auth = {"Authorization": "Bearer " + create_token(lobby.store, "inspector")}
        plan = requests.get(
            f"{lobby.server.url}/api/v1/screens/lobby-east/plan",
            params={"date": boundary.date().isoformat()},
            headers=auth,
            timeout=30,
        ).json()["plays"]
        stretch = [
            p
            for p in plan
            if boundary <= dt.datetime.fromisoformat(p["start"]) < boundary + STRETCH - BLINK
        ]
        planned = [p["item"] for p in stretch]
        # What the screen may show in the stretch: a screen a blink early (its estimate of
        # the server's clock) starts the play the plan begins just past the stretch's end.
        may_show = [
            p["item"]
            for p in plan
            if boundary <= dt.datetime.fromisoformat(p["start"]) < boundary + STRETCH
        ]
        # What a screen surely shows: plays of more than a blink (a required play may cut an
        # item a moment after it began, and a busy box may be that moment late).
        lasting = [p["item"] for p in stretch if p["seconds"] > 2 * BLINK.total_seconds()]
        assert planned.count("required#0") == 3  # the rotation has no clip-b: all inserted
        assert planned[:4] == ["sequence#0", "sequence#1", "sequence#2", "sequence#3"]

        def shown() -> list[str]:
            with lobby.store.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(plays.c.item_key, plays.c.started_at, plays.c.seconds)
                    .where(plays.c.started_at >= boundary - dt.timedelta(seconds=1))
                    .order_by(plays.c.started_at)
                ).all()
            # A play cut by a boundary within a blink did not really show.
            return [
                key
                for key, start, seconds in rows
                if start < boundary + STRETCH - BLINK and seconds > 0.3
            ]

        wait_for(
            lambda: (
                turn.now() > boundary + STRETCH + dt.timedelta(seconds=5)
                and len(shown()) >= len(lasting) - 1
            ),
            STRETCH.total_seconds() + 90,
            lambda: f"the screen showed {shown()}, the plan says {planned}",
            page,
        )
        # In the plan's order, nothing the plan lacks, and every lasting play (the last one
        # may still be on its way).
        seen = shown()
        assert in_order(seen, may_show), f"the screen showed {seen}, the plan says {may_show}"
        assert in_order(lasting[:-1], seen), f"the screen showed {seen}, lasting plays {lasting}"
    finally:
        lobby.stop()


def _due(lobby: Lobby, auth: dict[str, str], since: dt.datetime, until: dt.datetime) -> set[str]:
    """The items the day's plan has on at some moment from since to until."""
    due: set[str] = set()
    for day in {since.date(), until.date()}:
        plan = requests.get(
            f"{lobby.server.url}/api/v1/screens/lobby-east/plan",
            params={"date": day.isoformat()},
            headers=auth,
            timeout=30,
        ).json()["plays"]
        for play in plan:
            start = dt.datetime.fromisoformat(play["start"])
            if start <= until and since < start + dt.timedelta(seconds=play["seconds"]):
                due.add(play["item"])
    return due


def test_a_screen_that_starts_afresh_joins_the_plan_where_it_stands(
    browser: Browser, tmp_path: Path
) -> None:
    """A box switched on mid-day, a reload, the end of an urgent message: the screen takes
    the item 今日节目单 has on then, not the first of its rotation."""
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "main": [
                {"tip": ("开头", "开头提示"), "seconds": 2},
                {"tip": ("第一条", "第一条提示"), "seconds": 4},
                {"tip": ("第二条", "第二条提示"), "seconds": 4},
                {"tip": ("第三条", "第三条提示"), "seconds": 4},
            ]
        },
    )
    lobby = start_lobby(tmp_path, playlists, [])
    add_user(lobby.store, "publicity", "editor", "correct horse battery")
    auth = {"Authorization": "Bearer " + create_token(lobby.store, "publicity")}

    def joins(start: Callable[[], object], what: str) -> None:
        """The first item after start is one the plan had on since the page last showed none."""
        start()
        idle_at = dt.datetime.now(ZONE)

        def first() -> str | None:
            nonlocal idle_at
            item = snapshot(page).get("item")
            if item is None:
                idle_at = dt.datetime.now(ZONE)
            return item

        shown = wait_for(first, 30, f"nothing played after {what}")
        due = _due(lobby, auth, idle_at - BLINK, dt.datetime.now(ZONE))
        assert shown in due, f"after {what} the screen began with {shown}, the plan had {due}"

    try:
        page = browser.new_context().new_page()
        joins(lambda: page.goto(lobby.url), "switching on")
        joins(page.reload, "a reload")
        alerts_url = lobby.server.url + "/api/v1/alerts"
        until = dt.datetime.now(ZONE) + dt.timedelta(hours=1)
        alert = {"text": "紧急通知", "screens": "all", "until": until.isoformat()}
        posted = requests.post(alerts_url, headers=auth, json=alert, timeout=5)
        assert posted.status_code == 201, posted.text
        wait_for(lambda: snapshot(page).get("item") is None, 10, "the alert did not show")
        # Long enough for the plan to move two items on from the one the alert cut.
        page.wait_for_timeout(9000)
        joins(
            lambda: requests.delete(f"{alerts_url}/{posted.json()['id']}", headers=auth, timeout=5),
            "an urgent message",
        )
    finally:
        lobby.stop()
