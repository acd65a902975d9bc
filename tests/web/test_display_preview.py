"""The staff preview of the player (/display/<id>/preview?at=): who may open it, what it holds."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from signage.screens.alerts import add_alert
from tests.admin.test_sign_in import PASSWORD, sign_in

PREVIEW = "/display/lobby-east/preview"


def _boot(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert found, "the page carries no boot settings"
    return json.loads(found.group(1))


def _in_days(days: int, hour: int = 10) -> str:
    """A site-time "YYYY-MM-DDTHH:MM" this many days from today."""
    day = dt.date.today() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


@pytest.fixture
def bearer(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


def test_without_a_sign_in_it_sends_the_visitor_to_the_login(client: FlaskClient) -> None:
    response = client.get(PREVIEW, query_string={"at": _in_days(1)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=/display/lobby-east/preview")
    assert "Set-Cookie" not in response.headers


def test_a_screen_key_does_not_open_it(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    response = client.get(PREVIEW, query_string={"key": screen_key("lobby-east")})
    assert response.status_code == 302


def test_a_wrong_token_gets_401(client: FlaskClient) -> None:
    response = client.get(PREVIEW, headers={"Authorization": "Bearer sgn_nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_token"


def test_staff_get_the_player_set_to_that_time_with_nowhere_to_report(
    client: FlaskClient, bearer: dict[str, str]
) -> None:
    at = _in_days(3)
    response = client.get(PREVIEW, query_string={"at": at}, headers=bearer)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # above all, no screen_key
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert f"预览 {at[5:10]} 10:00" in html  # not 草稿预览: no draft is applied
    boot = _boot(html)
    preview = boot["preview"]
    assert preview["at"] == at + ":00+08:00"
    assert preview["manifest"]["segments"][0]["start"] == preview["at"]
    for url in ("manifest_url", "heartbeat_url", "plays_url", "service_worker"):
        assert boot[url] is None
    assert boot["reload_at"] == "off"


def test_the_live_page_still_refuses_to_be_framed(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    response = client.get("/display/lobby-east", query_string={"key": screen_key("lobby-east")})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "preview" not in _boot(response.get_data(as_text=True))


def test_a_signed_in_session_opens_it_and_sets_no_screen_cookie(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app.extensions["signage"].store, "li", "editor", PASSWORD)
    assert sign_in(client, "li") == 302
    at = _in_days(-2, hour=21)
    response = client.get(PREVIEW, query_string={"at": at})
    assert response.status_code == 200
    assert "screen_key" not in response.headers.get("Set-Cookie", "")
    assert client.get_cookie("screen_key") is None
    assert _boot(response.get_data(as_text=True))["preview"]["label"] == f"预览 {at[5:10]} 21:00"


def test_a_preview_leaves_the_live_screens_manifest_alone(
    app: Flask, client: FlaskClient, bearer: dict[str, str]
) -> None:
    screens = app.extensions["signage"].screens
    assert client.get(PREVIEW, query_string={"at": _in_days(5)}, headers=bearer).status_code == 200
    assert "lobby-east" not in screens._manifests


def test_an_alert_in_force_at_that_time_is_in_the_preview(
    app: Flask, client: FlaskClient, bearer: dict[str, str]
) -> None:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    add_alert(app.extensions["signage"].store, "大厅临时停电", ["lobby"], until, "admin")
    soon = _boot(client.get(PREVIEW, headers=bearer).get_data(as_text=True))
    later = client.get(PREVIEW, query_string={"at": _in_days(4)}, headers=bearer)
    assert soon["preview"]["manifest"]["alert"]["text"] == "大厅临时停电"
    assert _boot(later.get_data(as_text=True))["preview"]["manifest"]["alert"] is None


def test_an_unknown_screen_is_404_in_plain_words(
    client: FlaskClient, bearer: dict[str, str]
) -> None:
    response = client.get("/display/nowhere/preview", headers=bearer)
    assert response.status_code == 404
    assert "无法预览" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("at", "english"),
    [("next tuesday", "is not a time"), (_in_days(30), "14 days"), (_in_days(-15), "14 days")],
)
def test_a_bad_or_far_time_is_422_in_the_staffs_words(
    client: FlaskClient, bearer: dict[str, str], at: str, english: str
) -> None:
    response = client.get(PREVIEW, query_string={"at": at}, headers=bearer)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "无法预览" in page and "前后十四天以内" in page and "这个时间无法使用" in page
    assert english not in page
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("screen", "orientation"), [("lobby-east", "landscape"), ("tribunal-1", "portrait")]
)
def test_the_schedule_page_frames_the_preview_in_the_screens_shape(
    client: FlaskClient, bearer: dict[str, str], screen: str, orientation: str
) -> None:
    at = _in_days(1)
    page = client.get(
        "/admin/schedule", query_string={"screen": screen, "at": at}, headers=bearer
    ).get_data(as_text=True)
    frame = re.search(r'player-frame (\w+)">\s*<iframe id="preview-frame" src="([^"]+)"', page)
    assert frame, "the schedule page has no player frame"
    assert frame.group(1) == orientation
    assert frame.group(2) == f"/display/{screen}/preview?at={at}"
    # Each item of the playing list starts the framed player at itself.
    jumps = re.findall(r'class="jump" href="([^"]+)" target="preview-frame"', page)
    assert jumps and all(j.startswith(f"{frame.group(2)}&amp;item=") for j in jumps)
    assert "%23" in jumps[0]  # the item key's # is escaped, not taken for a fragment
