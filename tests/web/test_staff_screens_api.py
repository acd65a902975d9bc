"""Screens as staff see them: status from heartbeats, keys (admins only), timelines."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask

from signage.db import now, screen_status
from tests.web.api_check import Api, error_of


def by_id(api: Api, token: str) -> dict[str, dict]:
    response = api.get("/screens", token)
    assert response.status_code == 200
    return {s["id"]: s for s in response.get_json()["screens"]}


def test_status_is_online_offline_or_never(
    app: Flask, api: Api, editor_token: str, screen_key
) -> None:
    for screen_id in ("lobby-east", "lobby-west"):
        beat = api.post(
            f"/screens/{screen_id}/heartbeat",
            query_string={"key": screen_key(screen_id)},
            json={
                "now_playing": {"key": "daytime#1"},
                "player_version": "1.2",
                "last_error": "video stalled",
                "cache": {"wanted": 3, "cached": 2, "persisted": True},
            },
        )
        assert beat.status_code == 200
    # lobby-west was last seen 91 s ago: three polls of 30 s missed.
    with app.extensions["signage"].store.engine.begin() as conn:
        conn.execute(
            screen_status.update()
            .where(screen_status.c.screen_id == "lobby-west")
            .values(last_seen=now() - dt.timedelta(seconds=91))
        )
    screens = by_id(api, editor_token)
    assert set(screens) == {
        "lobby-east",
        "lobby-west",
        "tribunal-1",
        "tribunal-2",
        "bbs-lobby",
        "ldh-lobby",
    }
    assert screens["bbs-lobby"]["unit"] == "banbishan" and screens["lobby-east"]["unit"] is None
    east = screens["lobby-east"]
    assert east["status"] == "online" and east["now_playing"] == {"key": "daytime#1"}
    assert east["player_version"] == "1.2" and east["last_error"] == "video stalled"
    assert east["cache"] == {"wanted": 3, "cached": 2, "persisted": True}
    assert east["name"] == "诉讼服务中心东侧大屏" and east["groups"] == ["lobby"]
    assert east["last_seen"].endswith("+08:00") and east["key"] == "active"
    assert screens["lobby-west"]["status"] == "offline"
    assert screens["tribunal-1"]["status"] == "never" and screens["tribunal-1"]["key"] == "none"


def test_admins_rotate_and_revoke_keys_and_the_old_url_stops(
    api: Api, admin_token: str, editor_token: str, screen_key
) -> None:
    old = screen_key("tribunal-1")
    manifest = "/screens/tribunal-1/manifest"
    assert api.get(manifest, query_string={"key": old}).status_code == 200
    refused = api.post("/screens/tribunal-1/key", editor_token)
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    rotated = api.post("/screens/tribunal-1/key", admin_token)
    assert rotated.status_code == 200
    url = rotated.get_json()["display_url"]
    # No SIGNAGE_PUBLIC_URL: the address the request came in on.
    assert url.startswith("http://localhost/display/tribunal-1?key=")
    new = url.rsplit("key=", 1)[1]
    assert new != old
    assert api.get(manifest, query_string={"key": old}).status_code == 403
    assert api.get(manifest, query_string={"key": new}).status_code == 200
    assert api.delete("/screens/tribunal-1/key", editor_token).status_code == 403
    revoked = api.delete("/screens/tribunal-1/key", admin_token)
    assert revoked.status_code == 200
    assert api.get(manifest, query_string={"key": new}).status_code == 403
    assert by_id(api, admin_token)["tribunal-1"]["key"] == "revoked"
    assert api.post("/screens/nowhere/key", admin_token).status_code == 404


def test_timeline_shows_segments_and_which_rule_decides(api: Api, editor_token: str) -> None:
    response = api.get("/screens/lobby-east/timeline?from=2026-12-03&to=2026-12-04", editor_token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["from"] == "2026-12-03T00:00:00+08:00" and body["timezone"] == "Asia/Shanghai"
    week = [s for s in body["segments"] if s["playlists"] == ["constitution-week"]]
    assert week[0]["start"] == "2026-12-03T08:00:00+08:00"
    assert week[0]["end"] == "2026-12-03T18:00:00+08:00"
    assert week[0]["decided_by"] == "rule #1"
    outcomes = {(r["rule"], r["outcome"]) for r in week[0]["rules"]}
    assert (1, "wins") in outcomes and (6, "loses") in outcomes
    night = body["segments"][0]
    assert night["playlists"] == ["evening"] and night["items"][0]["key"] == "evening#0"
    offset = api.get(
        "/screens/lobby-east/timeline?from=2026-12-03T08:00:00+08:00"
        "&to=2026-12-03T09:00:00%2B08:00",
        editor_token,
    ).get_json()
    assert offset["from"] == "2026-12-03T08:00:00+08:00"


def test_timeline_arguments_are_checked(api: Api, editor_token: str) -> None:
    cases = {
        "from=2026-12-01&to=2026-12-31": "at most 14 days",
        "from=2026-12-02&to=2026-12-01": "must come after",
        "from=tomorrow": "is not a time",
    }
    for query, words in cases.items():
        refused = api.get(f"/screens/lobby-east/timeline?{query}", editor_token)
        assert refused.status_code == 422 and words in error_of(refused)["message"]
    assert api.get("/screens/nowhere/timeline", editor_token).status_code == 404


def test_no_heartbeat_rows_for_unknown_screens(app: Flask, api: Api, screen_key) -> None:
    refused = api.post("/screens/nowhere/heartbeat", json={})
    assert refused.status_code == 404
    with app.extensions["signage"].store.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(screen_status)) == 0
