"""The hearing board over HTTP: upload, replace by date, list, mask, audit, and the
manifest of a tribunal screen carrying its own room's hearings, masked."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from signage.accounts.audit import audit_entries
from tests.hearings.workbooks import HEADER, tribunal_shows_hearings, xlsx
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

DAY = "2026-12-01"


def hearing(
    n: int, clock: str, cause: str, parties: str, room: str, public: str, day: str = DAY
) -> tuple:
    """One row of the export: number, time, case number, cause, parties, judge, room."""
    return (n, f"{day} {clock}", f"(2026)冀0822民初{n}号", cause, parties, "王法官", room, public)


def rows_of(day: str = DAY) -> list[tuple]:
    """Two hearings in room one (the second not public), a divorce in room two, a bad row."""
    return [
        HEADER,
        hearing(1, "09:00", "民间借贷纠纷", "原告：张三；被告：李四", "第一法庭", "是", day),
        hearing(
            2, "10:00", "合同纠纷", "原告：赵六；被告：兴隆县某某有限公司", "第一法庭", "否", day
        ),
        hearing(3, "09:00", "离婚纠纷", "原告：孙八；被告：周九", "第二法庭", "是", day),
        hearing(4, "25:00", "", "", "第一法庭", "是", day),
    ]


ROWS = rows_of()


def send(api: Api, token: str, raw: bytes, name: str = "开庭公告.xlsx") -> Any:
    data = {"file": (io.BytesIO(raw), name)}
    return api.post("/hearings", token, data=data, content_type="multipart/form-data")


def names(hearings: list[dict[str, Any]]) -> list[list[str]]:
    return [[party["name"] for party in h["parties"]] for h in hearings]


def test_an_upload_loads_good_rows_lists_bad_ones_and_is_audited(
    app: Flask, api: Api, editor_token: str
) -> None:
    sent = send(api, editor_token, xlsx(ROWS))
    assert sent.status_code == 200
    assert sent.get_json() == {
        "dates": [DAY],
        "imported": 3,
        "rejected": [
            {"row": 6, "reason": "the hearing time is missing or not a time (write it like 09:30)"}
        ],
        "warnings": [],
    }
    listed = api.get(f"/hearings?date={DAY}", editor_token).get_json()
    assert [h["case_number"] for h in listed["hearings"]] == [
        "(2026)冀0822民初1号",
        "(2026)冀0822民初3号",
        "(2026)冀0822民初2号",
    ]
    # Not public (2) and a divorce (3): people masked, the company kept; 1 as exported.
    assert names(listed["hearings"]) == [
        ["张三", "李四"],
        ["孙某", "周某"],
        ["赵某", "兴隆县某某有限公司"],
    ]
    entry = audit_entries(app.extensions["signage"].store, action="hearings.import")[0]
    assert (entry.user, entry.target) == ("editor", "开庭公告.xlsx")
    assert entry.details["imported"] == 3

    again = [HEADER, hearing(7, "15:00", "合同纠纷", "原告：吴十", "第三法庭", "是")]
    assert send(api, editor_token, xlsx(again)).get_json()["dates"] == [DAY]
    replaced = api.get(f"/hearings?date={DAY}", editor_token).get_json()["hearings"]
    assert [h["case_number"] for h in replaced] == ["(2026)冀0822民初7号"]
    assert api.get("/hearings?date=2026-12-02", editor_token).get_json()["hearings"] == []


def test_refusals_are_in_the_one_error_shape(api: Api, editor_token: str) -> None:
    nothing_good = send(api, editor_token, xlsx([HEADER, hearing(4, "25:00", "", "", "", "")]))
    error = error_of(nothing_good)
    assert nothing_good.status_code == 422 and error["code"] == "bad_hearings"
    assert error["details"] == [
        {"row": 3, "reason": "the hearing time is missing or not a time (write it like 09:30)"}
    ]
    assert error_of(send(api, editor_token, b"\xd0\xcf\x11\xe0" + b"\0" * 64, "a.xls"))[
        "message"
    ].startswith("this is an old .xls file")
    bad_date = api.get("/hearings?date=tomorrow", editor_token)
    assert bad_date.status_code == 422 and error_of(bad_date)["code"] == "bad_date"
    assert send(api, "", xlsx(ROWS)).status_code == 401
    assert api.get("/hearings").status_code == 401
    empty = api.post("/hearings", editor_token, data={}, content_type="multipart/form-data")
    assert error_of(empty)["code"] == "no_file"


def test_a_tribunal_screen_gets_its_rooms_hearings_masked_in_the_manifest(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path, screen_key: Any
) -> None:
    tribunal_shows_hearings(playlists_dir)
    signage = app.extensions["signage"]
    signage.refresh_config(force=True)
    today = dt.datetime.now(signage.state.current.site.zone).date().isoformat()
    send(api, editor_token, xlsx(rows_of(today)))
    response = app.test_client().get(
        "/api/v1/screens/tribunal-1/manifest", headers={"X-Screen-Key": screen_key("tribunal-1")}
    )
    body = response.get_json()
    assert body["screen"]["courtroom"] == "第一法庭"
    shown = [h for h in body["hearings"] if h["date"] == today]
    assert [h["courtroom"] for h in shown] == ["第一法庭", "第一法庭"]
    assert names(shown) == [["张三", "李四"], ["赵某", "兴隆县某某有限公司"]]
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("赵六", "孙八", "周九"):
        assert secret not in text
    items = [i for s in body["segments"] for i in s["items"] if i["type"] == "hearings"]
    assert items and items[0]["duration"] == 20 and items[0]["day"] == "today"


def test_a_courtroom_alone_brings_its_hearings_without_a_playlist_change(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path, screen_key: Any
) -> None:
    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "    name: 第一法庭门口\n", "    name: 第一法庭门口\n    courtroom: 第一法庭\n"
        ),
        encoding="utf-8",
    )
    signage = app.extensions["signage"]
    signage.refresh_config(force=True)
    today = dt.datetime.now(signage.state.current.site.zone).date().isoformat()
    send(api, editor_token, xlsx(rows_of(today)))

    def manifest(screen_id: str) -> dict[str, Any]:
        key = {"X-Screen-Key": screen_key(screen_id)}
        return app.test_client().get(f"/api/v1/screens/{screen_id}/manifest", headers=key).json

    body = manifest("tribunal-1")
    assert body["screen"]["hearing_band"] is True
    assert [h["case_number"] for h in body["hearings"] if h["date"] == today] == [
        "(2026)冀0822民初1号",
        "(2026)冀0822民初2号",
    ]
    assert not [i for s in body["segments"] for i in s["items"] if i["type"] == "hearings"]
    other = manifest("tribunal-2")  # no courtroom: no band, no hearings
    assert other["screen"]["hearing_band"] is False and "hearings" not in other
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "    courtroom: 第一法庭\n", "    courtroom: 第一法庭\n    hearing_band: false\n"
        ),
        encoding="utf-8",
    )
    signage.refresh_config(force=True)
    assert "hearings" not in manifest("tribunal-1")  # the screen setting turns it off


def test_a_screen_may_report_plays_of_the_hearing_board(
    app: Flask, api: Api, playlists_dir: Path, screen_key: Any
) -> None:
    tribunal = playlists_dir / "tribunal.yaml"
    tribunal.write_text(
        tribunal.read_text(encoding="utf-8") + "  - hearings: today\n", encoding="utf-8"
    )
    app.extensions["signage"].refresh_config(force=True)
    index = tribunal.read_text(encoding="utf-8").count("\n  - ") - 1
    record = {
        "id": "board-1",
        "item": f"tribunal#{index}",
        "type": "hearings",
        "started_at": "2026-11-20T09:00:00+08:00",
        "seconds": 20,
    }
    sent = api.post(
        "/screens/tribunal-1/plays",
        query_string={"key": screen_key("tribunal-1")},
        json={"plays": [record]},
    )
    assert sent.status_code == 200 and sent.get_json()["unknown_items"] == []
