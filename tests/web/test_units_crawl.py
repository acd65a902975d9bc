"""Every write of the API, walked from the OpenAPI document as a unit's editor and as a unit's
reviewer, aimed at what the other unit and the county own: none may change any of it. And
review per unit: a unit's reviewer decides on the unit's drafts only.

A write operation the table below does not know fails the test, so a new endpoint is
crawled as soon as it is documented."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from signage import db
from signage.accounts.users import set_unit
from signage.db import now
from signage.edits.saving import file_etag
from tests.conftest import _token
from tests.hearings.workbooks import HEADER, xlsx
from tests.web.api_check import DOCUMENT, Api

WRITES = ("post", "put", "patch", "delete")
# What changes as a side effect of any request and belongs to nobody's unit.
UNOWNED = {"audit_log", "meta", "leases", "login_failures", "screen_status", "plays"}
LDH_RULE = '    screens: [ldh-lobby]\n    days: workdays\n    time: "08:30-17:30"'


@pytest.fixture
def app(playlists_dir: Path, media_dir: Path) -> Flask:
    """Review on, so drafts exist to be decided on."""
    from signage import create_app

    return create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "REVIEW": "on"})


def snapshot(app: Flask, playlists_dir: Path) -> dict[str, Any]:
    """Every file of the configuration and every owned row of the database."""
    state: dict[str, Any] = {p.name: p.read_bytes() for p in sorted(playlists_dir.iterdir())}
    with app.extensions["signage"].store.engine.connect() as conn:
        for name, table in db.metadata.tables.items():
            if name in UNOWNED:
                continue
            columns = [c for c in table.c if c.name not in ("last_used_at",)]
            rows = conn.execute(sa.select(*columns)).mappings()
            state[name] = sorted((tuple(sorted(dict(r).items())) for r in rows), key=repr)
    return state


def later(hours: float) -> str:
    return (now() + dt.timedelta(hours=hours)).astimezone(dt.UTC).isoformat()


def multipart(name: str, content: bytes, **fields: str) -> dict[str, Any]:
    return {
        "data": {"file": (io.BytesIO(content), name), **fields},
        "content_type": "multipart/form-data",
    }


def yaml_body(text: str, base: Path | None = None) -> dict[str, Any]:
    """A YAML body; with `base`, sent as a change of that file (If-Match its ETag)."""
    body: dict[str, Any] = {"data": text.encode(), "content_type": "text/yaml"}
    if base is not None:
        body["headers"] = {"If-Match": f'"{file_etag(base.read_bytes())}"'}
    return body


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_no_write_of_the_api_escapes_a_unit(
    app: Flask, api: Api, playlists_dir: Path, admin_token: str, role: str
) -> None:
    store = app.extensions["signage"].store
    wang = _token(app, "wang", "editor")
    set_unit(store, "wang", "liudaohe", None)
    me = _token(app, "li", role)
    set_unit(store, "li", "banbishan", None)
    # What the other unit owns: an alert, an upload, a draft, a hearing, a token.
    alert = api.post(
        "/alerts", wang, json={"text": "停水", "screens": ["ldh-lobby"], "until": later(2)}
    ).get_json()["id"]
    assert (
        api.post("/media", wang, **multipart("a.png", b"\x89PNG", id="ldh-poster")).status_code
        == 202
    )
    text = (playlists_dir / "liudaohe.yaml").read_text()
    draft = api.post(
        "/playlists?id=ldh-school", wang, **yaml_body("name: 法官进校园\nitems: []\n")
    ).get_json()["review"]["id"]
    row = (
        1,
        "2026-12-01 09:00",
        "(2026)冀0822民初1号",
        "赡养纠纷",
        "原告：张三；被告：李四",
        "王法官",
        "六道河法庭",
        "是",
    )
    assert (
        api.post("/hearings", wang, **multipart("a.xlsx", xlsx([HEADER, row]))).status_code == 200
    )
    token_id = api.get("/tokens?user=wang", admin_token).get_json()["tokens"][0]["id"]
    revision = api.get("/history/liudaohe.yaml", admin_token).get_json()["revisions"][-1][
        "revision"
    ]
    site = (playlists_dir / "site.yaml").read_text()
    aimed: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {
        ("post", "/alerts"): (
            {},
            {"json": {"text": "x", "screens": ["ldh-lobby"], "until": later(1)}},
        ),
        ("delete", "/alerts/{alert_id}"): ({"alert_id": alert}, {}),
        ("post", "/hearings"): ({}, multipart("b.xlsx", xlsx([HEADER, row]))),
        ("post", "/history/{file}/{revision}/restore"): (
            {"file": "liudaohe.yaml", "revision": revision},
            {},
        ),
        ("delete", "/media/{media_id}"): ({"media_id": "ldh-poster"}, {}),
        ("patch", "/media/{media_id}"): ({"media_id": "ldh-poster"}, {"json": {"title": "改"}}),
        ("post", "/media/{media_id}/captions/approve"): (
            {"media_id": "ldh-poster"},
            {"json": {"version": "x.vtt"}},
        ),
        ("post", "/packages"): ({}, multipart("p.tar", b"tar")),
        ("post", "/packages/export"): ({}, {"json": {"media": ["ldh-poster"]}}),
        ("post", "/screens/{screen_id}/reload"): ({"screen_id": "ldh-lobby"}, {}),
        ("post", "/screens/{screen_id}/snapshot"): ({"screen_id": "ldh-lobby"}, {}),
        ("put", "/screens/{screen_id}/snapshot"): (
            {"screen_id": "ldh-lobby"},
            {"data": b"\xff\xd8", "content_type": "image/jpeg"},
        ),
        ("post", "/media/{media_id}/approve"): ({"media_id": "ldh-poster"}, {}),
        ("delete", "/media/{media_id}/captions"): ({"media_id": "ldh-poster"}, {}),
        ("post", "/media/{media_id}/captions"): (
            {"media_id": "ldh-poster"},
            multipart("a.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"),
        ),
        ("post", "/playlists"): (
            {},
            {"json": {"id": "ldh-2", "yaml": "unit: liudaohe\nitems: []\n"}},
        ),
        ("delete", "/playlists/{playlist_id}"): ({"playlist_id": "liudaohe"}, {}),
        ("put", "/playlists/{playlist_id}"): (
            {"playlist_id": "liudaohe"},
            yaml_body(text + "\n", playlists_dir / "liudaohe.yaml"),
        ),
        ("post", "/reviews/{review_id}/approve"): ({"review_id": draft}, {"json": {}}),
        ("post", "/reviews/{review_id}/reject"): (
            {"review_id": draft},
            {"json": {"comment": "不"}},
        ),
        ("post", "/screens/{screen_id}/heartbeat"): ({"screen_id": "ldh-lobby"}, {"json": {}}),
        ("post", "/screens/{screen_id}/plays"): (
            {"screen_id": "ldh-lobby"},
            {"json": {"plays": []}},
        ),
        ("post", "/screens/{screen_id}/key"): ({"screen_id": "ldh-lobby"}, {}),
        ("delete", "/screens/{screen_id}/key"): ({"screen_id": "ldh-lobby"}, {}),
        ("put", "/site"): (
            {},
            yaml_body(
                site.replace(LDH_RULE, LDH_RULE.replace("08:30", "07:00")),
                playlists_dir / "site.yaml",
            ),
        ),
        ("delete", "/tokens/{token_id}"): ({"token_id": token_id}, {}),
        ("post", "/users/{name}/disable"): ({"name": "wang"}, {}),
        ("post", "/users/{name}/enable"): ({"name": "wang"}, {}),
    }
    # Writes that touch nothing anyone owns, or make something new of the caller's own unit.
    harmless: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {
        ("post", "/media"): lambda: multipart("b.png", b"\x89PNG", id="bbs-poster"),
        ("post", "/session"): lambda: {"json": {"name": "li", "password": "wrong"}},
        ("delete", "/session"): dict,
    }
    operations = [
        (method, path)
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method in WRITES
    ]
    unknown = sorted(set(operations) - set(aimed) - set(harmless))
    assert not unknown, f"add these writes to the crawl: {unknown}"
    before = snapshot(app, playlists_dir)
    answers = {}
    for method, path in operations:
        if (method, path) in harmless:
            continue
        values, body = aimed[(method, path)]
        url = path.format(**values)
        answer = api.open(method.upper(), url, me, **body)
        answers[(method, url)] = answer.status_code
        assert answer.status_code in (401, 403, 404, 422), (method, url, answer.get_json())
    assert snapshot(app, playlists_dir) == before, answers
    assert 403 in answers.values() and len(answers) >= 20
    for operation, body in harmless.items():
        answer = api.open(operation[0].upper(), operation[1], me, **body())
        assert answer.status_code < 500
    after = snapshot(app, playlists_dir)
    new_media = [dict(r) for r in after["media"] if r not in before["media"]]
    assert [(m["id"], m["unit"]) for m in new_media] == [("bbs-poster", "banbishan")]


def test_a_units_reviewer_reviews_the_units_drafts_and_county_reviewers_all(
    app: Flask, api: Api
) -> None:
    store = app.extensions["signage"].store
    tokens = {}
    for name, role, unit in (
        ("wang", "editor", "liudaohe"),
        ("zhou", "reviewer", "liudaohe"),
        ("li", "reviewer", "banbishan"),
        ("chen", "reviewer", None),
    ):
        tokens[name] = _token(app, name, role)
        if unit:
            set_unit(store, name, unit, None)
    draft = api.post(
        "/playlists?id=ldh-school", tokens["wang"], **yaml_body("name: 法官进校园\nitems: []\n")
    ).get_json()["review"]["id"]

    def listed(name: str) -> list[int]:
        return [r["id"] for r in api.get("/reviews", tokens[name]).get_json()["reviews"]]

    assert listed("zhou") == listed("chen") == [draft] and listed("li") == []
    assert api.get(f"/reviews/{draft}", tokens["li"]).status_code == 404
    refused = api.post(f"/reviews/{draft}/approve", tokens["li"], json={})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "unit_review"
    version = api.get(f"/reviews/{draft}", tokens["zhou"]).get_json()["version"]
    approved = api.post(
        f"/reviews/{draft}/approve", tokens["zhou"], json={"comment": "好", "version": version}
    )
    assert approved.status_code == 200
    assert api.get(f"/reviews/{draft}", tokens["zhou"]).get_json()["state"] == "approved"
