"""The overview says per screen whether it holds everything it plays in the next day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage.config.when import TimeWindow
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


def test_a_screen_whose_link_cannot_bring_tomorrow_in_the_quiet_hours_is_flagged(
    app: Flask, staff: FlaskClient
) -> None:
    mb = 1024 * 1024
    # 200 MB at 2 Mbit/s (250,000 bytes a second) take 14 minutes: the 3 quiet hours suffice.
    beat(
        app,
        "lobby-east",
        {"lacking_files": 2, "lacking_bytes": 200 * mb, "download_rate": 250_000},
    )
    # 2 GB at that speed take 2.4 hours more than any three quiet hours have.
    beat(
        app,
        "tribunal-1",
        {"lacking_files": 9, "lacking_bytes": 12 * 1024 * mb, "download_rate": 250_000},
    )
    fine = card(staff, "lobby-east")
    assert "缺少 2 个明日所需文件" in fine and "夜间下载时段" not in fine
    short = card(staff, "tribunal-1")
    assert "夜间下载时段（02:00-05:00，还剩" in short
    assert "按本屏最近的下载速度 2.0 Mbit/s，缺少的文件约需 859 分钟" in short


def test_the_quiet_hours_left_count_from_now_while_they_are_on() -> None:
    """What is left of the quiet hours while they are on; off them, none now and all of
    them (`seconds`) to come, which is what the overview counts then."""
    at = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    night = TimeWindow(2 * 3600, 5 * 3600)
    assert night.seconds == 3 * 3600
    assert night.left_at(at.replace(hour=1)) == 0  # before them
    assert night.left_at(at.replace(hour=3, minute=30)) == 90 * 60
    assert night.left_at(at.replace(hour=12)) == 0
    across = TimeWindow(23 * 3600, 1 * 3600)  # 23:00-01:00
    assert across.seconds == 2 * 3600
    assert across.left_at(at.replace(hour=0, minute=15)) == 45 * 60
    assert across.left_at(at.replace(hour=23, minute=30)) == 90 * 60
    assert across.left_at(at.replace(hour=1)) == 0
