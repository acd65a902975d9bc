"""The overview says per screen whether it holds everything it plays in the next day."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage.screens.status import record_heartbeat


def beat(app: Flask, screen_id: str, cache: dict[str, Any] | None) -> None:
    """A heartbeat from the screen, as the player sends it."""
    record_heartbeat(app.extensions["signage"].store, screen_id, {"cache": cache})


def card(staff: FlaskClient, screen_id: str) -> str:
    page = staff.get("/admin/").get_data(as_text=True)
    start = page.index(f'data-screen="{screen_id}"')
    return page[start : page.index("</article>", start)]


def test_each_screen_says_whether_tomorrow_is_ready(app: Flask, staff: FlaskClient) -> None:
    mb = 1024 * 1024
    beat(app, "lobby-east", {"lacking_files": 0, "lacking_bytes": 0, "held_bytes": 30 * mb})
    beat(app, "tribunal-1", {"lacking_files": 3, "lacking_bytes": 5 * mb, "held_bytes": mb})
    ready = card(staff, "lobby-east")
    assert "明日内容已就绪" in ready and "本屏已存 30.0 MB" in ready
    assert "缺少 3 个明日所需文件（5.0 MB）" in card(staff, "tribunal-1")


def test_nothing_is_claimed_without_a_report(app: Flask, staff: FlaskClient) -> None:
    beat(app, "lobby-east", {"wanted": 2, "cached": 2})  # a player from before these reports
    assert "明日" not in card(staff, "lobby-east")
    assert "明日" not in card(staff, "tribunal-1")  # never seen
