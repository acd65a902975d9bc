"""The inspector's list and the screen agree: the real player, over a stretch with required
plays inserted, shows the items of the day's plan in the plan's order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Browser

from signage.accounts.tokens import create_token
from signage.accounts.users import add_user
from signage.db import plays
from tests.browser.lobby import (
    ZONE,
    MediaFile,
    next_minute,
    snapshot,
    start_lobby,
    wait_for,
    write_playlists,
)

pytestmark = pytest.mark.browser

STRETCH = dt.timedelta(seconds=50)
BLINK = dt.timedelta(seconds=1)  # how late the player may start an item the plan starts


def test_the_player_follows_the_days_plan_with_required_plays(
    browser: Browser, tmp_path: Path, media_files: dict[str, MediaFile]
) -> None:
    boundary = next_minute(at_least=15)
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
    lobby = start_lobby(tmp_path, playlists, [media_files["clip-a"], media_files["clip-b"]])
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
        planned = [
            p["item"]
            for p in plan
            if boundary <= dt.datetime.fromisoformat(p["start"]) < boundary + STRETCH - BLINK
        ]
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
                dt.datetime.now(ZONE) > boundary + STRETCH + dt.timedelta(seconds=5)
                and len(shown()) >= len(planned) - 1
            ),
            STRETCH.total_seconds() + 90,
            lambda: f"the screen showed {shown()}, the plan says {planned}",
            page,
        )
        assert shown() == planned[: len(shown())]
        assert len(shown()) >= len(planned) - 1  # the last one may still be on its way
    finally:
        lobby.stop()
