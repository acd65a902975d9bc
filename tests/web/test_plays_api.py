"""Proof of play: batches from screens (odd records) and the report staff download."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from flask import Flask

from signage.db import plays
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

BEIJING = dt.timezone(dt.timedelta(hours=8))


def play(
    n: int,
    item: str = "daytime#1",
    at: str = "2026-11-20T09:00:00+08:00",
    seconds: float = 15,
    kind: str = "tip",
    media: str | None = None,
) -> dict:
    record = {"id": f"p-{n}", "item": item, "type": kind, "started_at": at, "seconds": seconds}
    return {**record, "media": media} if media else record


def send(api: Api, screen_key, records: list[dict], screen: str = "lobby-east"):  # noqa: ANN201
    return api.post(
        f"/screens/{screen}/plays",
        query_string={"key": screen_key(screen)},
        json={"plays": records},
    )


def stored(app: Flask) -> int:
    with app.extensions["signage"].store.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(plays))


def test_odd_batches_are_refused_whole_and_listed(app: Flask, api: Api, screen_key) -> None:
    twice = send(api, screen_key, [play(1), play(2), play(1)])
    assert twice.status_code == 422
    assert error_of(twice)["code"] == "duplicate_play"
    assert error_of(twice)["details"] == [
        {"id": "p-1", "problem": "appears more than once in the batch"}
    ]
    future = (dt.datetime.now(BEIJING) + dt.timedelta(hours=1)).isoformat()
    ahead = send(api, screen_key, [play(3), play(4, at=future)])
    assert error_of(ahead)["code"] == "future_play"
    assert [d["id"] for d in error_of(ahead)["details"]] == ["p-4"]
    malformed = send(api, screen_key, [play(5, item="../etc#1"), play(6, item="daytime")])
    assert malformed.status_code == 422
    assert {d["field"] for d in error_of(malformed)["details"]} == {"plays.0.item", "plays.1.item"}
    assert stored(app) == 0


def test_unknown_items_are_kept_and_flagged_and_retries_count_once(
    app: Flask, api: Api, screen_key
) -> None:
    batch = [play(1), play(2, item="daytime#99"), play(3, item="gone#0")]
    first = send(api, screen_key, batch)
    assert first.status_code == 200
    assert first.get_json()["stored"] == 3
    assert first.get_json()["unknown_items"] == ["daytime#99", "gone#0"]
    retry = send(api, screen_key, batch)
    assert retry.get_json()["received"] == 3 and retry.get_json()["stored"] == 0
    assert stored(app) == 3


def test_report_sums_per_day_in_the_site_zone_per_screen_and_item(
    api: Api, editor_token: str, screen_key
) -> None:
    send(
        api,
        screen_key,
        [
            play(1, at="2026-11-20T23:59:00+08:00"),
            play(2, at="2026-11-20T16:30:00+00:00"),  # 00:30 on the 21st in Beijing
            play(3, at="2026-11-21T08:00:00+08:00", seconds=14.5),
            play(
                4,
                item="daytime#0",
                kind="video",
                media="anti-fraud",
                seconds=60,
                at="2026-11-21T09:00:00+08:00",
            ),
            play(5, item="gone#0", at="2026-11-21T10:00:00+08:00"),
        ],
    )
    send(api, screen_key, [play(1, at="2026-11-21T09:00:00+08:00")], screen="tribunal-1")
    response = api.get("/reports/plays?from=2026-11-20&to=2026-11-21", editor_token)
    rows = response.get_json()["rows"]
    summary = [(r["day"], r["screen"], r["item"], r["plays"], r["seconds"]) for r in rows]
    assert summary == [
        ("2026-11-20", "lobby-east", "daytime#1", 1, 15.0),
        ("2026-11-21", "lobby-east", "daytime#0", 1, 60.0),
        ("2026-11-21", "lobby-east", "daytime#1", 2, 30),
        ("2026-11-21", "lobby-east", "gone#0", 1, 15.0),
        ("2026-11-21", "tribunal-1", "daytime#1", 1, 15.0),
    ]
    assert rows[0]["title"] == "如何立案？" and rows[0]["screen_name"] == "诉讼服务中心东侧大屏"
    assert rows[1]["media"] == "anti-fraud" and rows[3]["in_config"] is False
    one = api.get(
        "/reports/plays?from=2026-11-21&to=2026-11-21&screen=tribunal-1", editor_token
    ).get_json()["rows"]
    assert [(r["screen"], r["plays"]) for r in one] == [("tribunal-1", 1)]


def test_a_side_zone_play_is_reported_apart_from_the_main_zone(
    api: Api, editor_token: str, screen_key
) -> None:
    at = "2026-11-20T10:00:00+08:00"
    side = {**play(2, at=at), "zone": "side"}
    assert send(api, screen_key, [play(1, at=at), side]).status_code == 200
    rows = api.get("/reports/plays?from=2026-11-20&to=2026-11-20", editor_token).get_json()["rows"]
    assert [(r["item"], r["zone"], r["plays"]) for r in rows] == [
        ("daytime#1", None, 1),
        ("daytime#1", "side", 1),
    ]
    bad = send(api, screen_key, [{**play(3, at=at), "zone": "../x"}])
    assert bad.status_code == 422
    assert [d["field"] for d in error_of(bad)["details"]] == ["plays.0.zone"]


def test_csv_opens_in_excel_with_chinese_text(api: Api, editor_token: str, screen_key) -> None:
    send(api, screen_key, [play(1, at="2026-11-20T10:00:00+08:00")])
    response = api.get("/reports/plays?from=2026-11-20&to=2026-11-20&format=csv", editor_token)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="plays-2026-11-20-2026-11-20.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0] == [
        "日期",
        "屏幕名称",
        "节目名称",
        "类型",
        "播放列表名称",
        "播放次数",
        "播放时长(秒)",
        "屏幕编号",
        "播放列表编号",
        "节目编号",
        "素材编号",
        "在当前配置中",
        "区域",
    ]
    assert table[1] == [
        "2026-11-20",
        "诉讼服务中心东侧大屏",
        "如何立案？",
        "小知识",
        "日间普法轮播",
        "1",
        "15",
        "lobby-east",
        "daytime",
        "daytime#1",
        "",
        "是",
        "",
    ]


def test_a_reorder_or_rename_after_the_play_leaves_the_report_as_it_was(
    api: Api, editor_token: str, admin_token: str, screen_key
) -> None:
    clip = play(2, item="daytime#0", kind="video", media="anti-fraud", seconds=60)
    send(api, screen_key, [play(1, at="2026-11-20T10:00:00+08:00"), clip])
    before = api.get("/reports/plays?from=2026-11-20&to=2026-11-20", editor_token).get_json()
    current = api.get("/playlists/daytime", admin_token)
    text = current.data.decode()
    # Swap the first two items and rename the playlist, as a clerk might the next day.
    head, _, rest = text.partition("items:\n")
    first, _, rest = rest.partition("  - tip:")
    second, _, rest = rest.partition("  - tip:")
    edited = head.replace("日间普法轮播", "白天轮播") + "items:\n  - tip:" + second + first
    edited += "  - tip:" + rest
    saved = api.put(
        "/playlists/daytime",
        admin_token,
        data=edited.encode(),
        headers={"Content-Type": "text/yaml", "If-Match": current.headers["ETag"]},
    )
    assert saved.status_code == 200, saved.get_json()
    after = api.get("/reports/plays?from=2026-11-20&to=2026-11-20", editor_token).get_json()
    assert after["rows"] == before["rows"]
    titles = {(r["item"], r["title"], r["playlist_name"]) for r in after["rows"]}
    assert titles == {
        ("daytime#1", "如何立案？", "日间普法轮播"),
        ("daytime#0", "anti-fraud", "日间普法轮播"),
    }


def test_report_arguments_are_checked(api: Api, editor_token: str) -> None:
    cases = {
        "from=2026-13-01": "a date like",
        "from=2026-11-02&to=2026-11-01": "must not come before",
        "from=2025-01-01&to=2026-06-01": "at most 366 days",
        "format=xlsx": "json or csv",
    }
    for query, words in cases.items():
        refused = api.get(f"/reports/plays?{query}", editor_token)
        assert refused.status_code == 422 and words in error_of(refused)["message"], query


def test_formula_like_cells_are_plain_text_in_the_csv(
    api: Api, editor_token: str, screen_key, playlists_dir, app: Flask
) -> None:
    daytime = playlists_dir / "daytime.yaml"
    evil = '=HYPERLINK("http://evil.example","x")'
    daytime.write_text(
        daytime.read_text(encoding="utf-8").replace("如何立案？", f"'{evil}'"),
        encoding="utf-8",
    )
    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("诉讼服务中心东侧大屏", '"@SUM(1+1)"'),
        encoding="utf-8",
    )
    app.extensions["signage"].refresh_config(force=True)
    assert app.extensions["signage"].state.errors == []
    send(api, screen_key, [play(1, at="2026-11-20T10:00:00+08:00")])
    response = api.get("/reports/plays?from=2026-11-20&to=2026-11-20&format=csv", editor_token)
    header, row = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells["屏幕名称"] == "'@SUM(1+1)" and cells["节目名称"] == "'" + evil
    assert [cells["播放次数"], cells["播放时长(秒)"]] == ["1", "15"]  # numbers stay numbers
    # The JSON report keeps the text as written: only the spreadsheet needs the guard.
    rows = api.get("/reports/plays?from=2026-11-20&to=2026-11-20", editor_token).get_json()
    assert rows["rows"][0]["title"] == evil
