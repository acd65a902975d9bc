"""Revisions of the YAML files (API saves and hand edits), diffs, restores, the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

YAML = {"Content-Type": "text/yaml"}


def save(api: Api, token: str, old: str, new: str) -> dict:
    """Replace text in daytime.yaml through the API; the save's answer."""
    current = api.get("/playlists/daytime", token)
    changed = current.data.replace(old.encode(), new.encode(), 1)
    response = api.put(
        "/playlists/daytime",
        token,
        data=changed,
        headers={**YAML, "If-Match": current.headers["ETag"]},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_saves_and_hand_edits_are_revisions_with_author_and_text(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path
) -> None:
    first = api.get("/history/daytime.yaml", editor_token).get_json()["revisions"]
    assert [(r["author"], r["action"]) for r in first] == [("disk", "disk")]
    saved = save(api, editor_token, "日间普法轮播", "日间轮播")
    path = playlists_dir / "daytime.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 手工修改\n", encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)
    listed = api.get("/history/daytime.yaml", editor_token).get_json()["revisions"]
    assert [(r["author"], r["action"]) for r in listed] == [
        ("disk", "disk"),
        ("editor", "save"),
        ("disk", "disk"),
    ]
    assert listed[1]["revision"] == saved["revision"]
    shown = api.get(f"/history/daytime.yaml/{listed[0]['revision']}", editor_token).get_json()
    assert shown["text"] == path.read_text(encoding="utf-8")
    diff = api.get(
        f"/history/daytime.yaml/diff?from={first[0]['revision']}&to={saved['revision']}",
        editor_token,
    )
    assert diff.mimetype == "text/x-diff"
    assert "-name: 日间普法轮播\n+name: 日间轮播\n" in diff.get_data(as_text=True)


def test_restore_writes_an_old_revision_as_a_new_one(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    original = (playlists_dir / "daytime.yaml").read_bytes()
    oldest = api.get("/history/daytime.yaml", editor_token).get_json()["revisions"][-1]
    save(api, editor_token, "日间普法轮播", "改过的名字")
    restored = api.post(f"/history/daytime.yaml/{oldest['revision']}/restore", editor_token)
    assert restored.status_code == 200
    assert (playlists_dir / "daytime.yaml").read_bytes() == original
    newest = api.get("/history/daytime.yaml", editor_token).get_json()["revisions"][0]
    assert newest["action"] == "restore" and newest["restored_from"] == oldest["revision"]
    stale = api.post(
        f"/history/daytime.yaml/{oldest['revision']}/restore",
        editor_token,
        headers={"If-Match": '"0000"'},
    )
    assert stale.status_code == 412


def test_a_restore_is_validated_like_a_save(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path
) -> None:
    site = playlists_dir / "site.yaml"
    good = site.read_bytes()
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "default_playlist: evening", "default_playlist: evening  # 夜间"
        ),
        encoding="utf-8",
    )
    app.extensions["signage"].refresh_config(force=True)
    (playlists_dir / "evening.yaml").unlink()  # the old site.yaml would now be broken
    site.write_bytes(
        good.replace(b"  - playlist: evening\n    screens: [lobby, tribunals]\n", b"").replace(
            b"default_playlist: evening", b"default_playlist: daytime"
        )
    )
    app.extensions["signage"].refresh_config(force=True)
    revisions = api.get("/history/site.yaml", editor_token).get_json()["revisions"]
    assert [r["action"] for r in revisions] == ["disk", "disk", "disk"]
    before = site.read_bytes()
    refused = api.post(f"/history/site.yaml/{revisions[-1]['revision']}/restore", editor_token)
    assert refused.status_code == 422 and error_of(refused)["code"] == "invalid_config"
    assert site.read_bytes() == before
    gone = api.get("/history/evening.yaml", editor_token).get_json()["revisions"]
    assert gone[0]["deleted"] is True and gone[0]["action"] == "delete"
    deleted = api.post(f"/history/evening.yaml/{gone[0]['revision']}/restore", editor_token)
    assert deleted.status_code == 409 and error_of(deleted)["code"] == "deleted_revision"
    back = api.post(f"/history/evening.yaml/{gone[1]['revision']}/restore", editor_token)
    assert back.status_code == 200 and (playlists_dir / "evening.yaml").exists()


def test_history_arguments_are_checked(api: Api, editor_token: str) -> None:
    assert api.get("/history/daytime.yaml/99999", editor_token).status_code == 404
    bad = api.get("/history/daytime.yaml/diff?from=1&to=x", editor_token)
    assert bad.status_code == 422 and "whole number" in error_of(bad)["message"]
    assert api.get("/history/daytime.yaml/diff?from=1", editor_token).status_code == 422
    assert api.get("/history/daytime.yaml?limit=many", editor_token).status_code == 422


def test_the_audit_log_says_who_did_what_and_only_admins_read_it(
    api: Api, client, admin_token: str, editor_token: str
) -> None:
    save(api, editor_token, "日间普法轮播", "日间轮播")
    assert api.post("/session", json={"name": "editor", "password": "wrong one"}).status_code == 401
    assert (
        api.post(
            "/session", json={"name": "editor", "password": "correct horse battery"}
        ).status_code
        == 200
    )
    who = api.get("/session").get_json()
    assert (who["name"], who["role"]) == ("editor", "editor")
    with client.session_transaction() as browser:  # as the signed-in page would send it
        browser["csrf"] = "page-token"
    assert api.delete("/session", headers={"X-CSRF-Token": "page-token"}).status_code == 200
    assert api.get("/session").status_code == 401
    assert api.get("/audit", editor_token).status_code == 403
    entries = api.get("/audit", admin_token).get_json()["entries"]
    actions = [(e["user"], e["action"], e["target"]) for e in reversed(entries)]
    assert actions == [
        (None, "user.add", "admin"),
        (None, "token.create", "admin"),
        (None, "user.add", "editor"),
        (None, "token.create", "editor"),
        ("editor", "token.use", "token 2"),  # the first use of the day
        ("editor", "save", "daytime.yaml"),
        (None, "login.failed", "editor"),
        ("editor", "login", "editor"),
        ("editor", "logout", None),
        ("admin", "token.use", "token 1"),
    ]
    saves = api.get("/audit?action=save&user=editor", admin_token).get_json()["entries"]
    assert len(saves) == 1 and saves[0]["details"]["revision"] > 0
    older = api.get(f"/audit?before={entries[0]['id']}&limit=2", admin_token).get_json()
    assert [e["id"] for e in older["entries"]] == [entries[1]["id"], entries[2]["id"]]
