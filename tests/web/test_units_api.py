"""Two tribunals, one editor in each: every write the other unit owns is refused (403) by the
API, every list shows the unit its own, and county users keep working county-wide."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from signage.accounts.users import user_by_name
from signage.db import now
from tests.conftest import _token
from tests.hearings.workbooks import HEADER, xlsx
from tests.web.api_check import Api, error_of

LDH_RULE = '    screens: [ldh-lobby]\n    days: workdays\n    time: "08:30-17:30"'
BBS_RULE = '    screens: [bbs-lobby]\n    days: workdays\n    time: "08:30-17:30"'


def unit_token(app: Flask, name: str, role: str, unit: str | None) -> str:
    token = _token(app, name, role)
    if unit:
        from signage.accounts.users import set_unit

        set_unit(app.extensions["signage"].store, name, unit, None)
    return token


@pytest.fixture
def li(app: Flask) -> str:
    """An editor of 半壁山人民法庭."""
    return unit_token(app, "li", "editor", "banbishan")


@pytest.fixture
def wang(app: Flask) -> str:
    """An editor of 六道河人民法庭."""
    return unit_token(app, "wang", "editor", "liudaohe")


def later(hours: float) -> str:
    return (now() + dt.timedelta(hours=hours)).astimezone(dt.UTC).isoformat()


def yaml_put(api: Api, path: str, token: str, text: str, etag: str | None = None) -> Any:
    headers = {"If-Match": etag} if etag else {}
    return api.put(path, token, data=text.encode(), content_type="text/yaml", headers=headers)


def current(api: Api, path: str, token: str) -> tuple[str, str]:
    response = api.get(path, token)
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers["ETag"].strip('"')


def refused(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 403, response.get_data(as_text=True)
    error = error_of(response)
    assert error["code"] == code, error
    return error


def test_the_api_carries_the_users_unit(api: Api, admin_token: str, li: str) -> None:
    users = {u["name"]: u for u in api.get("/users", admin_token).get_json()["users"]}
    assert users["li"]["unit"] == "banbishan" and users["admin"]["unit"] is None


def test_playlists_of_the_other_unit_and_the_county_are_refused(
    api: Api, li: str, wang: str, playlists_dir: Path
) -> None:
    before = {p.name: p.read_bytes() for p in playlists_dir.iterdir()}
    text, etag = current(api, "/playlists/liudaohe", wang)
    changed = text.replace("六道河法庭普法", "六道河法庭普法专栏")
    error = refused(yaml_put(api, "/playlists/liudaohe", li, changed, etag), "unit_playlist")
    assert error["details"]["unit_name"] == "半壁山人民法庭"
    assert "liudaohe" in error["message"] and "may change only" in error["message"]
    refused(api.delete("/playlists/liudaohe", li), "unit_playlist")
    daytime, daytime_etag = current(api, "/playlists/daytime", li)  # the county's: readable
    refused(yaml_put(api, "/playlists/daytime", li, daytime + "\n", daytime_etag), "unit_playlist")
    refused(api.delete("/playlists/daytime", li), "unit_playlist")
    # a playlist claiming to be the other unit's
    stolen = daytime.replace("name:", "unit: liudaohe\nname:", 1)
    refused(yaml_put(api, "/playlists/daytime", li, stolen, daytime_etag), "unit_playlist")
    assert {p.name: p.read_bytes() for p in playlists_dir.iterdir()} == before
    # the other unit's editor may; a restore by li of that revision is refused
    saved = yaml_put(api, "/playlists/liudaohe", wang, changed, etag)
    assert saved.status_code == 200
    revisions = api.get("/history/liudaohe.yaml", wang).get_json()["revisions"]
    oldest = revisions[-1]["revision"]
    refused(api.post(f"/history/liudaohe.yaml/{oldest}/restore", li), "unit_playlist")
    refused(api.get("/history/liudaohe.yaml", li), "unit_playlist")
    refused(api.get("/playlists/liudaohe", li), "unit_playlist")
    assert api.post(f"/history/liudaohe.yaml/{oldest}/restore", wang).status_code == 200


def test_a_new_playlist_of_a_unit_editor_is_their_units_and_listed_only_to_them(
    api: Api, li: str, wang: str, editor_token: str, playlists_dir: Path
) -> None:
    made = api.post(
        "/playlists?id=bbs-school",
        li,
        data=b"name: \xe6\xa0\xa1\xe5\x9b\xad\nitems: []\n",
        content_type="text/yaml",
    )
    assert made.status_code == 201
    assert (playlists_dir / "bbs-school.yaml").read_text().startswith("unit: banbishan\n")
    ids = {p["id"]: p["unit"] for p in api.get("/playlists", li).get_json()["playlists"]}
    assert ids["bbs-school"] == "banbishan" and ids["daytime"] is None and "liudaohe" not in ids
    theirs = {p["id"] for p in api.get("/playlists", wang).get_json()["playlists"]}
    assert "bbs-school" not in theirs and "liudaohe" in theirs
    county = {p["id"] for p in api.get("/playlists", editor_token).get_json()["playlists"]}
    assert {"bbs-school", "liudaohe", "banbishan"} <= county
    assert api.delete("/playlists/bbs-school", li).status_code == 200


def test_site_yaml_takes_only_the_units_own_rules(
    api: Api, li: str, wang: str, playlists_dir: Path
) -> None:
    site, etag = current(api, "/site", li)
    error = refused(
        yaml_put(api, "/site", li, site.replace("poll_seconds: 30", "poll_seconds: 20"), etag),
        "unit_site",
    )
    assert error["details"]["part"] == "site"
    other = site.replace(LDH_RULE, LDH_RULE.replace("08:30", "09:00"))
    assert refused(yaml_put(api, "/site", li, other, etag), "unit_site")["details"]["part"] == (
        "schedule 5"
    )
    county_rule = site.replace("default_playlist: evening", "default_playlist: daytime")
    refused(yaml_put(api, "/site", li, county_rule, etag), "unit_site")
    # a rule of li's unit that names another unit's screen: refused by validation, with line
    reach = site.replace(BBS_RULE, BBS_RULE.replace("[bbs-lobby]", "[bbs-lobby, ldh-lobby]"))
    invalid = yaml_put(api, "/site", li, reach, etag)
    assert invalid.status_code == 422
    assert [d["code"] for d in error_of(invalid)["details"]] == ["rule_outside_unit"]
    # a rule without unit: is the county's, so not li's to add
    extra = site.replace(
        "  # 其余时间", "  - playlist: banbishan\n    screens: [bbs-lobby]\n  # 其余时间"
    )
    refused(yaml_put(api, "/site", li, extra, etag), "unit_site")
    assert (playlists_dir / "site.yaml").read_text() == site
    own = site.replace(BBS_RULE, BBS_RULE.replace("08:30", "09:00"))
    saved = yaml_put(api, "/site", li, own, etag)
    assert saved.status_code == 200 and '"09:00-17:30"' in (playlists_dir / "site.yaml").read_text()


def test_alerts_reach_only_the_units_screens(api: Api, li: str, wang: str) -> None:
    for screens in (["ldh-lobby"], ["lobby"], ["bbs-lobby", "ldh-lobby"], "all"):
        body = {"text": "停电通知", "screens": screens, "until": later(2)}
        refused(api.post("/alerts", li, json=body), "unit_screens")
    own = api.post(
        "/alerts", li, json={"text": "停电", "screens": ["bbs-lobby"], "until": later(2)}
    )
    assert own.status_code == 201 and own.get_json()["reaches"] == ["bbs-lobby"]
    theirs = api.post(
        "/alerts", wang, json={"text": "停水", "screens": ["ldh-lobby"], "until": later(2)}
    ).get_json()
    refused(api.delete(f"/alerts/{theirs['id']}", li), "unit_screens")
    assert api.delete(f"/alerts/{own.get_json()['id']}", li).status_code == 200


def upload(api: Api, token: str, media_id: str) -> Any:
    data = {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n not really"), "poster.png"), "id": media_id}
    return api.post("/media", token, data=data, content_type="multipart/form-data")


def test_uploads_are_marked_and_only_the_units_own_deleted(
    api: Api, li: str, wang: str, editor_token: str, admin_token: str
) -> None:
    assert upload(api, li, "bbs-poster").status_code == 202
    assert upload(api, wang, "ldh-poster").status_code == 202
    assert upload(api, editor_token, "county-poster").status_code == 202
    listed = {m["id"]: m["unit"] for m in api.get("/media", li).get_json()["media"]}
    assert listed == {"bbs-poster": "banbishan", "ldh-poster": "liudaohe", "county-poster": None}
    refused(api.delete("/media/ldh-poster", li), "unit_media")
    refused(api.delete("/media/county-poster", li), "unit_media")
    vtt = {"file": (io.BytesIO(b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xe5\xad\x97\n"), "a.vtt")}
    refused(
        api.post("/media/ldh-poster/captions", li, data=vtt, content_type="multipart/form-data"),
        "unit_media",
    )
    refused(api.delete("/media/ldh-poster/captions", li), "unit_media")
    assert api.delete("/media/bbs-poster", li).status_code == 200
    # county editors delete nothing, as before; admins anything
    assert api.delete("/media/county-poster", editor_token).status_code == 403
    assert api.delete("/media/ldh-poster", admin_token).status_code == 200


def hearing_rows(room: str, n: int) -> bytes:
    row = (
        n,
        "2026-12-01 09:00",
        f"(2026)冀0822民初{n}号",
        "土地承包经营权纠纷",
        "原告：张三；被告：李四",
        "王法官",
        room,
        "是",
    )
    return xlsx([HEADER, row])


def send_hearings(api: Api, token: str, raw: bytes) -> Any:
    data = {"file": (io.BytesIO(raw), "开庭公告.xlsx")}
    return api.post("/hearings", token, data=data, content_type="multipart/form-data")


def test_hearings_only_for_the_units_courtrooms(
    api: Api, li: str, wang: str, editor_token: str
) -> None:
    # a county import replaces the whole day, as before; a unit's only its own rooms
    assert send_hearings(api, editor_token, hearing_rows("第一法庭", 2)).status_code == 200
    assert send_hearings(api, wang, hearing_rows("六道河法庭", 1)).status_code == 200
    error = refused(send_hearings(api, li, hearing_rows("六道河法庭", 3)), "unit_hearings")
    assert error["details"]["part"] == "六道河法庭"
    assert send_hearings(api, li, hearing_rows("半壁山法庭", 4)).status_code == 200
    rooms = {
        h["courtroom"] for h in api.get("/hearings?date=2026-12-01", li).get_json()["hearings"]
    }
    # li's import replaced only 半壁山法庭's hearings of the day, not the others'
    assert rooms == {"六道河法庭", "第一法庭", "半壁山法庭"}


def test_lists_show_the_units_own_and_county_users_filter_by_unit(
    api: Api, app: Flask, li: str, wang: str, admin_token: str, screen_key
) -> None:
    for screen in ("bbs-lobby", "ldh-lobby", "lobby-east"):
        record = {
            "id": f"p-{screen}",
            "item": "evening#0",
            "type": "tip",
            "started_at": "2026-11-20T20:00:00+08:00",
            "seconds": 15,
        }
        posted = api.post(
            f"/screens/{screen}/plays",
            query_string={"key": screen_key(screen)},
            json={"plays": [record]},
        )
        assert posted.status_code in (200, 202), posted.get_data(as_text=True)
    screens = [s["id"] for s in api.get("/screens", li).get_json()["screens"]]
    assert screens == ["bbs-lobby"]
    assert [s["id"] for s in api.get("/screens?unit=banbishan", wang).get_json()["screens"]] == [
        "ldh-lobby"
    ]
    assert [
        s["id"] for s in api.get("/screens?unit=liudaohe", admin_token).get_json()["screens"]
    ] == ["ldh-lobby"]
    assert len(api.get("/screens", admin_token).get_json()["screens"]) == 6
    assert api.get("/screens?unit=nowhere", admin_token).status_code == 422
    span = "from=2026-11-20&to=2026-11-20"
    rows = api.get(f"/reports/plays?{span}", li).get_json()["rows"]
    assert {r["screen"] for r in rows} == {"bbs-lobby"}
    csv = api.get(f"/reports/plays?{span}&format=csv", wang).get_data(as_text=True)
    assert "ldh-lobby" in csv and "bbs-lobby" not in csv and "lobby-east" not in csv
    county = api.get(f"/reports/plays?{span}&unit=liudaohe", admin_token).get_json()["rows"]
    assert {r["screen"] for r in county} == {"ldh-lobby"}
    everyone = api.get(f"/reports/plays?{span}", admin_token).get_json()["rows"]
    assert {r["screen"] for r in everyone} == {"bbs-lobby", "ldh-lobby", "lobby-east"}
    # the audit log of one unit's people, for a county admin
    api.post("/alerts", li, json={"text": "通知", "screens": ["bbs-lobby"], "until": later(1)})
    api.post("/alerts", wang, json={"text": "通知", "screens": ["ldh-lobby"], "until": later(1)})
    entries = api.get("/audit?unit=banbishan", admin_token).get_json()["entries"]
    assert entries and {e["user"] for e in entries} == {"li"}
    assert user_by_name(app.extensions["signage"].store, "li").unit == "banbishan"
