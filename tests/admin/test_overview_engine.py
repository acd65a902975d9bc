"""The overview names an old engine and the clips a screen cannot play, from its heartbeat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.admin.test_overview_readiness import card

OLD = {"chromium": 64, "lacks": ["web-locks", "abort-controller", "h264"]}
SKIPPED = {"item": "daytime#1", "media": None, "title": "宪法宣传片", "reason": "clip failed"}


def send(client: FlaskClient, key: str, beat: dict[str, Any]) -> Any:
    return client.post("/api/v1/screens/lobby-east/heartbeat", query_string={"key": key}, json=beat)


def test_an_old_engine_and_its_unplayable_clips_show_on_the_card(
    client: FlaskClient, staff: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    assert send(client, key, {"engine": OLD, "unplayable": [SKIPPED]}).status_code == 200
    shown = card(staff, "lobby-east")
    assert "浏览器内核较旧: Chromium 64" in shown
    assert "缺少 跨页面逐个下载（Web Locks）、中止请求、H.264 视频解码" in shown
    assert "此屏幕无法播放的视频（已跳过）" in shown and "宪法宣传片 — clip failed" in shown
    # A current engine lacking nothing and playing everything: neither line.
    assert send(client, key, {"engine": {"chromium": 120, "lacks": []}}).status_code == 200
    shown = card(staff, "lobby-east")
    assert "浏览器内核" not in shown and "无法播放" not in shown


def test_oversized_engine_reports_are_refused_in_plain_words(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    too_many = send(client, key, {"unplayable": [SKIPPED] * 21})
    assert too_many.status_code == 422
    assert "unplayable" in str(too_many.get_json()["error"]["details"])
    odd = send(client, key, {"engine": {"chromium": 64, "lacks": ["<script>"]}})
    assert odd.status_code == 422
