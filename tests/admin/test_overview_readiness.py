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


def test_a_players_error_is_told_in_site_time_and_words_while_recent(
    app: Flask, staff: FlaskClient
) -> None:
    import datetime as dt

    from signage.db import now
    from signage.web.admin.overview import recent_error

    moment = dt.datetime(2026, 12, 2, 4, 45, tzinfo=dt.UTC)
    zone = dt.timezone(dt.timedelta(hours=8))
    fresh = recent_error("2026-12-02T04:39:05.096Z Failed to fetch", moment, zone)
    assert fresh is not None and fresh["at"] == "12-02 12:39"
    assert fresh["detail"] == "Failed to fetch"
    assert recent_error("2026-12-02T04:09:05.096Z Failed to fetch", moment, zone) is None
    assert recent_error("not a time", moment, zone) is None
    stamp = now().isoformat().replace("+00:00", "Z")
    record_heartbeat(
        app.extensions["signage"].store, "lobby-east", {"last_error": f"{stamp} Failed to fetch"}
    )
    shown = card(staff, "lobby-east")
    assert "屏幕连不上服务器" in shown and "给信息技术人员看的详情" in shown
    assert "lobby-east</code>" not in shown
