"""Urgent alerts: posted to screens or groups, seen at the next poll, ended on request."""

from __future__ import annotations

import datetime as dt

import pytest

from signage.db import now
from signage.screens.alerts import alerts_in_force
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart


def later(**delta: float) -> str:
    """An ISO time with the Beijing offset, this far from now."""
    return (
        (now() + dt.timedelta(**delta)).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
    )


def manifest_alert(api: Api, screen_key, screen_id: str) -> dict | None:
    response = api.get(
        f"/screens/{screen_id}/manifest", query_string={"key": screen_key(screen_id)}
    )
    return response.get_json()["alert"]


def test_an_alert_reaches_its_screens_at_the_next_poll_and_ends_on_delete(
    api: Api, editor_token: str, screen_key
) -> None:
    assert manifest_alert(api, screen_key, "lobby-east") is None
    posted = api.post(
        "/alerts",
        editor_token,
        json={
            "text": "  今日下午停电，诉讼服务暂停  ",
            "screens": ["lobby", "tribunal-1"],
            "until": later(hours=2),
        },
    )
    assert posted.status_code == 201
    alert = posted.get_json()
    assert alert["text"] == "今日下午停电，诉讼服务暂停" and alert["created_by"] == "editor"
    assert alert["reaches"] == ["lobby-east", "lobby-west", "tribunal-1"]
    assert alert["until"].endswith("+08:00")
    assert manifest_alert(api, screen_key, "lobby-east")["text"] == alert["text"]
    assert manifest_alert(api, screen_key, "tribunal-2") is None
    listed = api.get("/alerts", editor_token).get_json()["alerts"]
    assert [a["id"] for a in listed] == [alert["id"]]
    ended = api.delete(f"/alerts/{alert['id']}", editor_token)
    assert ended.status_code == 200 and ended.get_json()["ended_at"] is not None
    assert manifest_alert(api, screen_key, "lobby-east") is None
    assert api.get("/alerts", editor_token).get_json()["alerts"] == []
    assert api.delete(f"/alerts/{alert['id']}", editor_token).status_code == 200  # stays ended
    assert api.delete("/alerts/9999", editor_token).status_code == 404


def test_all_screens(api: Api, editor_token: str, screen_key) -> None:
    posted = api.post(
        "/alerts",
        editor_token,
        json={"text": "紧急疏散演练", "screens": "all", "until": later(minutes=30)},
    )
    assert posted.status_code == 201 and posted.get_json()["screens"] == "all"
    assert manifest_alert(api, screen_key, "tribunal-2")["text"] == "紧急疏散演练"


def test_bad_alerts_are_refused_with_every_problem_and_nothing_stored(
    app, api: Api, editor_token: str
) -> None:
    cases = [
        ({"text": "x", "screens": ["lobby"], "until": later(hours=-1)}, "already passed"),
        ({"text": "x", "screens": ["lobby"], "until": later(days=8)}, "at most 7 days"),
        (
            {
                "text": "x",
                "screens": ["lobby"],
                "until": (now() + dt.timedelta(hours=1)).replace(tzinfo=None).isoformat(),
            },
            "time zone offset",
        ),
        ({"text": "x", "screens": ["loby"], "until": later(hours=1)}, "did you mean 'lobby'"),
        ({"text": "x", "screens": [], "until": later(hours=1)}, "at least one screen"),
        ({"text": "字" * 201, "screens": ["lobby"], "until": later(hours=1)}, "200 characters"),
        ({"text": "   ", "screens": ["lobby"], "until": later(hours=1)}, "write the message"),
    ]
    for body, words in cases:
        refused = api.post("/alerts", editor_token, json=body)
        assert refused.status_code == 422, body
        assert words in str(error_of(refused)["details"]), (body, error_of(refused))
    missing = api.post("/alerts", editor_token, json={"text": "x", "screens": ["lobby"]})
    assert error_of(missing)["details"][0]["field"] == "until"
    assert alerts_in_force(app.extensions["signage"].store, now()) == []
