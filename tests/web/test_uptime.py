"""The hours screens were on: heartbeats kept as a few stretches, counted per day in the
ledger, pruned by housekeeping (SQLite and PostgreSQL, times passed in)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from signage.db import Store, screen_uptime
from signage.screens.status import record_heartbeat
from signage.screens.uptime import prune_uptime, stretches, uptime_by_day
from tests.web.api_check import Api
from tests.web.test_ledger_api import REQUIREMENTS, add_media, plays_of, tag_fraud_tip

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

ZONE = ZoneInfo("Asia/Shanghai")  # the demo site's
SILENCE = dt.timedelta(seconds=90)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def beat_every(
    store: Store, screen: str, start: str, end: str, step: dt.timedelta = dt.timedelta(minutes=1)
) -> None:
    """Heartbeats of a screen from start to end (local times), one per step."""
    moment, last = at(start), at(end)
    while moment <= last:
        record_heartbeat(store, screen, {"player_version": "t"}, moment, SILENCE)
        moment += step


def stretch_rows(store: Store) -> list[tuple[str, dt.datetime, dt.datetime]]:
    query = sa.select(screen_uptime.c.screen_id, screen_uptime.c.since, screen_uptime.c.until)
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query.order_by(screen_uptime.c.since))]


def test_beats_become_a_few_stretches_counted_per_local_day(app: Flask) -> None:
    store = app.extensions["signage"].store
    beat_every(store, "lobby-east", "2026-11-24T08:00", "2026-11-24T12:00")
    # A silence of two minutes (longer than three 30 s polls): the screen was off.
    beat_every(store, "lobby-east", "2026-11-24T12:02", "2026-11-24T12:30")
    # On over midnight: the hours go to each day.
    beat_every(store, "lobby-east", "2026-11-24T23:00", "2026-11-25T01:00")
    beat_every(store, "lobby-west", "2026-11-24T09:00", "2026-11-24T09:30", SILENCE)
    rows = stretch_rows(store)
    assert [(screen, since.astimezone(ZONE)) for screen, since, _ in rows] == [
        ("lobby-east", at("2026-11-24T08:00")),
        ("lobby-west", at("2026-11-24T09:00")),
        ("lobby-east", at("2026-11-24T12:02")),
        ("lobby-east", at("2026-11-24T23:00")),
    ]  # 4 rows for 367 beats
    assert rows[0][2] == at("2026-11-24T12:00")
    days = uptime_by_day(store, ZONE, dt.date(2026, 11, 24), dt.date(2026, 11, 25))
    assert days == pytest.approx(
        {
            ("lobby-east", dt.date(2026, 11, 24)): 4 + 28 / 60 + 1,
            ("lobby-east", dt.date(2026, 11, 25)): 1.0,
            ("lobby-west", dt.date(2026, 11, 24)): 0.5,
        }
    )
    # Cut to the range asked for.
    cut = stretches(store, at("2026-11-24T10:00"), at("2026-11-24T11:00"))
    assert cut == {"lobby-east": [(at("2026-11-24T10:00"), at("2026-11-24T11:00"))]}


def test_a_beat_from_the_screen_itself_is_kept(
    app: Flask, api: Api, screen_key: Callable[[str], str]
) -> None:
    store = app.extensions["signage"].store
    for _ in range(2):
        answer = api.post(
            "/screens/lobby-east/heartbeat",
            headers={"X-Screen-Key": screen_key("lobby-east")},
            json={"player_version": "t"},
        )
        assert answer.status_code == 200, answer.get_json()
    [(screen, since, until)] = stretch_rows(store)
    assert screen == "lobby-east" and since <= until


def test_housekeeping_drops_old_stretches_only(app: Flask) -> None:
    store = app.extensions["signage"].store
    beat_every(store, "lobby-east", "2026-01-10T08:00", "2026-01-10T08:05")
    beat_every(store, "lobby-east", "2026-11-24T08:00", "2026-11-24T08:05")
    assert prune_uptime(store, at("2026-11-25T00:00"), 30) == 1
    assert [since for _, since, _ in stretch_rows(store)] == [at("2026-11-24T08:00")]
    assert prune_uptime(store, at("2026-11-25T00:00"), 30) == 0


def test_the_ledger_shows_the_hours_each_screen_was_on(
    app: Flask, api: Api, editor_token: str, screen_key, playlists_dir: Path
) -> None:
    tag_fraud_tip(app, playlists_dir, REQUIREMENTS)
    add_media(app, "guide", ["civil-code"])
    store = app.extensions["signage"].store
    # lobby-west was on only in the morning and played the guide 4 times, not 8: missed.
    beat_every(store, "lobby-east", "2026-11-24T08:00", "2026-11-24T18:00")
    beat_every(store, "lobby-west", "2026-11-24T08:00", "2026-11-24T12:30")
    for screen, count in (("lobby-east", 8), ("lobby-west", 4)):
        rows = [
            ("daytime#0", "video", "guide", f"2026-11-24T{9 + h:02d}:00:00+08:00", 60.0)
            for h in range(count)
        ]
        sent = api.post(
            f"/screens/{screen}/plays",
            query_string={"key": screen_key(screen)},
            json={"plays": plays_of(rows)},
        )
        assert sent.status_code == 200, sent.get_json()
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    body = api.get("/reports/ledger", editor_token, query_string=period).get_json()
    [civil] = [row for row in body["rows"] if row["topic"] == "civil-code"]
    assert civil["on_hours"] == 14.5  # the two screens that played it, that month
    days = {(d["screen"], d["day"]): d for d in body["requirements"]}
    west = days[("lobby-west", "2026-11-24")]
    assert (west["met"], west["played"], west["on_hours"]) == (False, 4, 4.5)
    assert days[("lobby-east", "2026-11-24")]["on_hours"] == 10.0
    assert days[("lobby-east", "2026-11-25")]["on_hours"] == 0.0
    uptime = {(u["screen"], u["month"]): u for u in body["uptime"]}
    west_month = uptime[("lobby-west", "2026-11")]
    assert (west_month["on_hours"], west_month["days_on"]) == (4.5, 1)
    never = [u for u in body["uptime"] if u["screen"] not in ("lobby-east", "lobby-west")]
    assert never and all(u["on_hours"] == 0 and u["days_on"] == 0 for u in never)
    assert west_month["screen_name"] == "诉讼服务中心西侧大屏"

    workbook = api.get("/reports/ledger", editor_token, query_string={**period, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.data))["开机时长"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:5] == ("月份", "屏幕名称", "单位", "开机时长(小时)", "开机天数")
    assert ("2026-11", "诉讼服务中心西侧大屏", "本院", 4.5, 1) in {row[:5] for row in table}
    csv = api.get("/reports/ledger", editor_token, query_string={**period, "format": "csv"})
    assert "这些屏幕开机时长(小时)" in csv.data.decode("utf-8-sig").splitlines()[0]
