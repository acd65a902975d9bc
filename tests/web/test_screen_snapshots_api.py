"""Seeing a screen from the office: staff ask for a picture or a reload, the screen learns of
it in its next heartbeat, sends a JPEG with its key, and staff fetch the newest one."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from signage.accounts.audit import audit_entries
from signage.db import screen_snapshots
from signage.screens.snapshots import (
    MAX_SNAPSHOT_BYTES,
    latest_snapshot,
    prune_snapshots,
    store_snapshot,
)
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

SNAPSHOT = "/screens/lobby-east/snapshot"


def jpeg(colour: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (64, 36)) -> bytes:
    """A small real JPEG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def send(api: Api, key: str, body: bytes, content_type: str = "image/jpeg"):
    return api.put(SNAPSHOT, query_string={"key": key}, data=body, content_type=content_type)


def heartbeat(api: Api, key: str) -> list[str]:
    beat = api.post("/screens/lobby-east/heartbeat", query_string={"key": key}, json={})
    assert beat.status_code == 200
    return beat.get_json()["requests"]


def test_a_requested_snapshot_reaches_the_screen_once_and_staff_see_it(
    api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    missing = api.get(SNAPSHOT, editor_token)
    assert missing.status_code == 404 and error_of(missing)["code"] == "no_snapshot"
    assert heartbeat(api, key) == []
    asked = api.post(SNAPSHOT, editor_token)
    assert asked.status_code == 202
    assert asked.get_json() == {
        "screen": "lobby-east",
        "requested": "snapshot",
        "within_seconds": 30,
    }
    assert heartbeat(api, key) == ["snapshot"]
    assert heartbeat(api, key) == []  # told once
    picture = jpeg()
    stored = send(api, key, picture)
    assert stored.status_code == 201
    got = api.get(SNAPSHOT, editor_token)
    assert got.status_code == 200 and got.mimetype == "image/jpeg" and got.data == picture
    taken = dt.datetime.fromisoformat(stored.get_json()["taken_at"])
    modified = email.utils.parsedate_to_datetime(got.headers["Last-Modified"])
    assert modified == taken.replace(microsecond=0)
    again = api.get(
        SNAPSHOT, editor_token, headers={"If-Modified-Since": got.headers["Last-Modified"]}
    )
    assert again.status_code == 304


def test_a_newer_snapshot_replaces_the_one_staff_see(
    app: Flask, api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    store = app.extensions["signage"].store
    earlier = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    store_snapshot(store, "lobby-east", jpeg((0, 0, 200)), earlier)
    store_snapshot(store, "lobby-east", jpeg((0, 200, 0)), earlier + dt.timedelta(minutes=10))
    got = api.get(SNAPSHOT, editor_token)
    assert got.headers["Last-Modified"] == "Mon, 02 Mar 2026 09:10:00 GMT"
    assert Image.open(io.BytesIO(got.data)).getpixel((10, 10))[1] > 150  # the green one


def test_reload_is_asked_of_the_screen_and_recorded(
    app: Flask, api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    asked = api.post("/screens/lobby-east/reload", editor_token)
    assert asked.status_code == 202 and asked.get_json()["requested"] == "reload"
    api.post(SNAPSHOT, editor_token)
    assert heartbeat(api, key) == ["snapshot", "reload"]
    assert heartbeat(api, key) == []
    entries = audit_entries(app.extensions["signage"].store, action="screen.reload")
    assert [(e.user, e.target) for e in entries] == [("editor", "lobby-east")]


def test_only_staff_ask_and_see_and_only_the_screen_sends(
    api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    for method in (api.get, api.post):
        refused = method(SNAPSHOT)
        assert refused.status_code == 401
    assert api.post("/screens/lobby-east/reload").status_code == 401
    # A screen's key is not a staff sign-in, and another screen's key is not this one's.
    assert api.post(SNAPSHOT, query_string={"key": screen_key("lobby-east")}).status_code == 401
    assert send(api, screen_key("lobby-west"), jpeg()).status_code == 403
    assert send(api, "wrong", jpeg()).status_code == 403
    assert (
        api.put(SNAPSHOT, editor_token, data=jpeg(), content_type="image/jpeg").status_code == 403
    )
    for path in ("/screens/nowhere/snapshot", "/screens/nowhere/reload"):
        assert api.post(path, editor_token).status_code == 404
    assert api.get("/screens/nowhere/snapshot", editor_token).status_code == 404


def test_only_a_small_real_jpeg_is_kept(
    app: Flask, api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    wrong_type = send(api, key, jpeg(), "image/png")
    assert wrong_type.status_code == 415 and "image/jpeg" in error_of(wrong_type)["message"]
    assert send(api, key, jpeg(), "application/octet-stream").status_code == 415
    for body in (png.getvalue(), b"\xff\xd8\xff not really", jpeg()[:200], b""):
        refused = send(api, key, body)
        assert refused.status_code == 422 and error_of(refused)["code"] == "not_jpeg"
    wide = send(api, key, jpeg((0, 0, 0), (5000, 8)))  # small in bytes, not a screen's shape
    assert wide.status_code == 422 and "pixels" in error_of(wide)["message"]
    # Noise does not compress: a picture just over the limit, sent whole.
    noise = Image.effect_noise((700, 700), 100).convert("RGB")
    big = io.BytesIO()
    noise.save(big, "JPEG", quality=100)
    assert len(big.getvalue()) > MAX_SNAPSHOT_BYTES
    too_large = send(api, key, big.getvalue())
    assert too_large.status_code == 413 and error_of(too_large)["code"] == "too_large"
    assert api.get(SNAPSHOT, editor_token).status_code == 404  # nothing kept
    assert latest_snapshot(app.extensions["signage"].store, "lobby-east") is None


def test_housekeeping_keeps_a_week_and_a_few_an_hour(app: Flask) -> None:
    store = app.extensions["signage"].store
    moment = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
    picture = jpeg()
    # One every 5 minutes for eight days, on two screens.
    rows = [
        {
            "screen_id": screen_id,
            "taken_at": moment - dt.timedelta(minutes=5 * step),
            "jpeg": picture,
        }
        for screen_id in ("lobby-east", "lobby-west")
        for step in range(8 * 24 * 12)
    ]
    with store.engine.begin() as conn:
        conn.execute(screen_snapshots.insert(), rows)
    prune_snapshots(store, moment)
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(screen_snapshots.c.taken_at).where(
                screen_snapshots.c.screen_id == "lobby-east"
            )
        ).all()
    times = sorted(row.taken_at for row in rows)
    assert times[0] >= moment - dt.timedelta(days=7)
    recent = [t for t in times if t > moment - dt.timedelta(hours=1)]
    assert len(recent) == 12  # the last hour untouched
    older = [t for t in times if t <= moment - dt.timedelta(hours=1)]
    quarters = {int(t.timestamp()) // 900 for t in older}
    assert len(older) == len(quarters)  # a picture a quarter hour for the rest of the week
    assert 166 * 4 <= len(older) <= 168 * 4
    assert prune_snapshots(store, moment) == 0  # a second run keeps the same ones
    assert latest_snapshot(store, "lobby-east").taken_at == moment


def test_the_kiosk_asks_whether_its_page_reports_and_its_panel_should_be_on(
    api: Api, editor_token: str, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    path = "/screens/lobby-east/status"
    before = api.get(path, headers={"X-Screen-Key": key})
    assert before.status_code == 200
    assert before.get_json() == {
        "screen": "lobby-east",
        "awake": True,  # the demo keeps no opening hours
        "reporting": False,
        "last_seen": None,
        "changes_at": None,
        "poll_seconds": 30,
    }
    heartbeat(api, key)
    after = api.get(path, headers={"X-Screen-Key": key}).get_json()
    assert after["reporting"] is True and after["last_seen"].endswith("+08:00")
    assert api.get(path, headers={"X-Screen-Key": screen_key("lobby-west")}).status_code == 403
    assert api.get(path, editor_token).status_code == 403  # staff are not the screen
