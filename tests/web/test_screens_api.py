"""The screen-facing API: manifest with ETag/304, keys, heartbeats, proof of play."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage.db import media, now
from signage.screens.alerts import add_alert
from signage.screens.status import screen_statuses


def manifest_url(screen_id: str = "lobby-east") -> str:
    return f"/api/v1/screens/{screen_id}/manifest"


def test_manifest_covers_a_day_and_a_half_with_segments_ticker_and_server_time(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    response = client.get(manifest_url(), query_string={"key": screen_key("lobby-east")})
    assert response.status_code == 200
    body = response.get_json()
    assert body["screen"] == {
        "id": "lobby-east",
        "name": "诉讼服务中心东侧大屏",
        "orientation": "landscape",
        "captions": True,
        "courtroom": None,
        "hearing_band": False,
        "sync": False,  # not one screen of a wall
    }
    assert body["poll_seconds"] == 30
    assert body["site"]["prefetch"] == "02:00-05:00"  # the quiet hours, when none are set
    server_time = dt.datetime.fromisoformat(body["server_time"])
    assert server_time.utcoffset() == dt.timedelta(hours=8)
    assert abs(server_time - now()) < dt.timedelta(seconds=5)
    starts = [dt.datetime.fromisoformat(s["start"]) for s in body["segments"]]
    ends = [dt.datetime.fromisoformat(s["end"]) for s in body["segments"]]
    assert starts[0] <= server_time and ends[-1] - server_time >= dt.timedelta(hours=24)
    assert starts[1:] == ends[:-1]
    assert {s["playlist"] for s in body["segments"]} <= {"daytime", "evening", "constitution-week"}
    tips = [i for s in body["segments"] for i in s["items"] if i["type"] == "tip"]
    assert tips and all(i["duration"] >= 1 and (i["title"] or i["body"]) for i in tips)
    assert [t["text"] for t in body["ticker"]][:1] == [
        "诉讼服务热线 12368 · 工作日 8:30-17:30 提供立案、查询、联系法官服务"
    ]
    assert body["alert"] is None


def test_etag_answers_304_and_changes_with_content(
    app: Flask, client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    first = client.get(manifest_url(), headers={"X-Screen-Key": key})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(manifest_url(), headers={"X-Screen-Key": key, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag

    add_alert(
        app.extensions["signage"].store,
        "因系统维护，今日16时起暂停自助立案",
        None,
        now() + dt.timedelta(hours=1),
        "test",
    )
    app.extensions["signage"].screens.invalidate()
    changed = client.get(manifest_url(), headers={"X-Screen-Key": key, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["alert"]["text"] == "因系统维护，今日16时起暂停自助立案"


def test_cached_manifest_is_not_rebuilt_on_every_poll(
    app: Flask, client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    service = app.extensions["signage"].screens
    client.get(manifest_url(), query_string={"key": key})
    built = service.manifest("lobby-east", now())
    for _ in range(5):
        client.get(manifest_url(), query_string={"key": key})
    assert service.manifest("lobby-east", now()) is built
    later = built.valid_until + dt.timedelta(seconds=1)
    assert service.manifest("lobby-east", later) is not built


def test_ready_media_appears_with_url_and_missing_media_is_skipped(
    app: Flask,
    client: FlaskClient,
    screen_key: Callable[[str], str],
    playlists_dir: Path,
    admin_token: str,
) -> None:
    # The evening playlist plays within every 36 hours (it is the default), so the missing
    # clip is in the manifest whatever day and hour the test runs.
    evening = playlists_dir / "evening.yaml"
    evening.write_text(evening.read_text() + "  - clip: court-guide\n", encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)
    store = app.extensions["signage"].store
    with store.engine.begin() as conn:
        conn.execute(
            media.insert().values(
                id="anti-fraud",
                kind="video",
                title="防范电信诈骗",
                status="ready",
                progress=1.0,
                duration=42.5,
                width=1280,
                height=720,
                file="0123456789abcdef.mp4",
                thumbnail="0123456789abcdef.jpg",
                size=12_345_678,
                created_at=now(),
                updated_at=now(),
            )
        )
    store.bump("version:media")
    body = client.get(manifest_url(), query_string={"key": screen_key("lobby-east")}).get_json()
    videos = [i for s in body["segments"] for i in s["items"] if i["type"] == "video"]
    assert videos and videos[0] == {
        "key": videos[0]["key"],
        "type": "video",
        "media": "anti-fraud",
        "title": "防范电信诈骗",
        "url": "/media/files/0123456789abcdef.mp4",
        "duration": 42.5,
        "poster": "/media/files/0123456789abcdef.jpg",
        "bytes": 12_345_678,  # so the screen can say how much it still lacks
    }
    assert not [i for s in body["segments"] for i in s["items"] if i.get("media") == "court-guide"]
    staff = {"Authorization": f"Bearer {admin_token}"}
    health = client.get("/healthz", headers=staff).get_json()
    assert any("court-guide" in w["message"] for w in health["config"]["warnings"])


def test_keys_are_checked(client: FlaskClient, screen_key: Callable[[str], str]) -> None:
    screen_key("lobby-east")
    for headers, query in [({}, {}), ({"X-Screen-Key": "wrong"}, {}), ({}, {"key": ""})]:
        response = client.get(manifest_url(), headers=headers, query_string=query)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "bad_screen_key"
    other = client.get(manifest_url(), query_string={"key": screen_key("tribunal-1")})
    assert other.status_code == 403
    unknown = client.get(manifest_url("no-such-screen"), query_string={"key": "x"})
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "unknown_screen"


def test_screen_without_key_yet_is_refused(client: FlaskClient) -> None:
    assert client.get(manifest_url("lobby-west"), query_string={"key": "guess"}).status_code == 403


def test_heartbeat_is_recorded(
    app: Flask, client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    response = client.post(
        "/api/v1/screens/lobby-east/heartbeat",
        query_string={"key": screen_key("lobby-east")},
        json={
            "now_playing": {"key": "daytime#1"},
            "player_version": "1.0",
            "last_error": None,
            "cache": {"files": 3},
        },
    )
    assert response.status_code == 200
    status = screen_statuses(app.extensions["signage"].store)["lobby-east"]
    assert status["now_playing"] == {"key": "daytime#1"} and status["player_version"] == "1.0"
    bad = client.post(
        "/api/v1/screens/lobby-east/heartbeat",
        query_string={"key": screen_key("lobby-east")},
        data="not json",
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "bad_json"


def test_plays_are_counted_once(
    app: Flask, client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    record = {
        "id": "c1-0001",
        "item": "daytime#1",
        "type": "tip",
        "started_at": "2026-11-26T10:00:00+08:00",
        "seconds": 15,
    }
    url = "/api/v1/screens/lobby-east/plays"
    first = client.post(url, query_string={"key": key}, json={"plays": [record]})
    assert first.get_json()["stored"] == 1
    retry = client.post(url, query_string={"key": key}, json={"plays": [record]})
    assert retry.get_json() == {**retry.get_json(), "received": 1, "stored": 0}
    with app.extensions["signage"].store.engine.connect() as conn:
        assert conn.scalar(sa.text("select count(*) from plays")) == 1

    future = {**record, "id": "c1-0002", "started_at": (now() + dt.timedelta(days=1)).isoformat()}
    refused = client.post(url, query_string={"key": key}, json={"plays": [future]})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "future_play"
    naive = {**record, "id": "c1-0003", "started_at": "2026-11-26T10:00:00"}
    assert client.post(url, query_string={"key": key}, json={"plays": [naive]}).status_code == 422
