"""The overview and the schedule page tell a screen's opening hours, show its last picture,
and ask it for a new picture or a reload (with the CSRF token, like every change)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from signage.screens.snapshots import store_snapshot, take_requests
from signage.screens.status import record_heartbeat
from tests.admin.test_overview_readiness import card


@pytest.fixture
def hours_site(playlists_dir: Path) -> Path:
    """lobby-east with hours only on a day long past: whatever today is, it is outside them
    (written before the app starts, which reads the folder once then)."""
    site = playlists_dir / "site.yaml"
    hours = '{days: workdays, time: "07:30-18:30", dates: 2020-01-02}'

    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "    name: 诉讼服务中心东侧大屏\n",
            f"    name: 诉讼服务中心东侧大屏\n    hours: {hours}\n",
        ),
        encoding="utf-8",
    )
    return playlists_dir


def csrf(staff: FlaskClient) -> str:
    page = staff.get("/admin/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_screen_outside_its_hours_reads_sleeping_with_its_hours_in_words(
    hours_site: Path, app: Flask, staff: FlaskClient
) -> None:
    record_heartbeat(app.extensions["signage"].store, "lobby-east", {"player_version": "t"})
    east = card(staff, "lobby-east")
    hours = re.search(r"<p class=\"hours\">.*</p>", east)
    assert hours, east
    assert "休眠" in east and "法定工作日 07:30-18:30" in hours.group(0), hours.group(0)
    assert "休眠" not in card(staff, "lobby-west")
    page = staff.get("/admin/schedule?screen=lobby-east&at=2026-12-05T10:00").get_data(as_text=True)
    assert "休眠：开放时间以外屏幕黑屏。" in page


def test_the_last_picture_shows_and_staff_ask_for_a_new_one_or_a_reload(
    app: Flask, staff: FlaskClient
) -> None:
    store = app.extensions["signage"].store
    assert "此屏幕尚未发来画面" in card(staff, "lobby-east")
    picture = io.BytesIO()
    Image.new("RGB", (96, 54), (30, 120, 200)).save(picture, "JPEG")
    taken = dt.datetime(2026, 12, 3, 2, 15, tzinfo=dt.UTC)
    store_snapshot(store, "lobby-east", picture.getvalue(), taken)
    east = card(staff, "lobby-east")
    assert "屏幕画面，摄于 2026-12-03 10:15" in east
    src = re.search(r'<img src="([^"]+)" alt="屏幕显示的画面"', east)
    assert src and src.group(1).startswith("/api/v1/screens/lobby-east/snapshot?at=")
    shown = staff.get(src.group(1).replace("&amp;", "&"))
    assert shown.status_code == 200 and shown.data == picture.getvalue()

    token = csrf(staff)
    refused = staff.post("/admin/screens/lobby-east/snapshot")
    assert refused.status_code in (400, 403)
    assert take_requests(store, "lobby-east") == []
    asked = staff.post("/admin/screens/lobby-east/snapshot", data={"csrf_token": token})
    assert asked.status_code == 302 and asked.location.endswith("/admin/#screen-lobby-east")
    staff.post("/admin/screens/lobby-east/reload", data={"csrf_token": token})
    assert "秒内重新加载页面" in staff.get("/admin/").get_data(as_text=True)
    assert take_requests(store, "lobby-east") == ["snapshot", "reload"]
    missing = staff.post("/admin/screens/nowhere/reload", data={"csrf_token": token})
    assert missing.status_code == 404
