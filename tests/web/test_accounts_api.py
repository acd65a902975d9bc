"""Accounts through the API and the session cookie: disable, password change, tokens, idle."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.audit import audit_entries
from signage.accounts.tokens import create_token
from signage.accounts.users import add_user, reset_password
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

PASSWORD = "correct horse battery"


def _session_of(app: Flask, name: str) -> tuple[FlaskClient, str]:
    """A client signed in by POST /api/v1/session, and the CSRF token it was given."""
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"name": name, "password": PASSWORD})
    assert answer.status_code == 200
    return client, answer.get_json()["csrf_token"]


def test_a_session_made_by_the_api_can_change_things_and_sign_out(api: Api, app: Flask) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    client, csrf = _session_of(app, "wang")
    assert client.get("/api/v1/session").get_json()["csrf_token"] == csrf
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)).isoformat()
    alert = {"text": "今日下午停电", "screens": "all", "until": until}
    assert client.post("/api/v1/alerts", json=alert).status_code == 403  # no token, no change
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/alerts", json=alert, headers=headers).status_code == 201
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    assert client.get("/api/v1/session").status_code == 401


def test_a_password_reset_ends_sessions_and_tokens(api: Api, app: Flask) -> None:
    store = app.extensions["signage"].store
    add_user(store, "wang", "admin", PASSWORD)
    add_user(store, "li", "editor", PASSWORD)
    client, csrf = _session_of(app, "li")
    token = create_token(store, "li")
    assert api.get("/session", token).status_code == 200
    reset_password(store, "li", "a brand new phrase", None)
    assert client.get("/api/v1/session").status_code == 401
    assert client.get("/admin/").status_code == 302  # back to the sign-in page
    assert error_of(api.get("/session", token))["code"] == "bad_token"


def test_an_admin_disables_and_enables_an_account(
    api: Api, app: Flask, admin_token: str, editor_token: str
) -> None:
    client, csrf = _session_of(app, "editor")
    listed = api.get("/users", admin_token).get_json()["users"]
    assert {u["name"]: u["disabled"] for u in listed} == {"admin": False, "editor": False}
    assert api.post("/users/editor/disable", editor_token).status_code == 403
    assert api.post("/users/editor/disable", admin_token).get_json() == {
        "name": "editor",
        "disabled": True,
    }
    assert client.get("/api/v1/session").status_code == 401
    assert api.get("/session", editor_token).status_code == 401
    refused = client.post("/api/v1/session", json={"name": "editor", "password": PASSWORD})
    assert refused.status_code == 401
    assert error_of(api.post("/users/admin/disable", admin_token))["code"] == "last_admin"
    assert api.post("/users/nobody/disable", admin_token).status_code == 404
    assert api.post("/users/editor/enable", admin_token).status_code == 200
    assert _session_of(app, "editor")[0].get("/api/v1/session").status_code == 200
    assert api.get("/session", editor_token).status_code == 401  # revoked tokens stay revoked
    actions = [e.action for e in audit_entries(app.extensions["signage"].store)]
    assert "user.disable" in actions and "user.enable" in actions


def test_tokens_are_listed_and_revoked_by_id(api: Api, admin_token: str, editor_token: str) -> None:
    tokens = api.get("/tokens", admin_token).get_json()["tokens"]
    assert [(t["id"], t["user"]) for t in tokens] == [(2, "editor"), (1, "admin")]
    assert all(editor_token not in str(value) for t in tokens for value in t.values())
    only = api.get("/tokens?user=editor", admin_token).get_json()["tokens"]
    assert [t["id"] for t in only] == [2]
    assert api.get("/tokens?user=nobody", admin_token).status_code == 404
    assert api.get("/tokens", editor_token).status_code == 403
    assert api.delete("/tokens/2", admin_token).get_json() == {"revoked": 2}
    assert api.get("/session", editor_token).status_code == 401
    assert api.delete("/tokens/2", admin_token).status_code == 404
    assert api.delete(f"/tokens/{2**70}", admin_token).status_code == 404


def test_token_use_is_audited_once_a_day(api: Api, app: Flask, editor_token: str) -> None:
    for _ in range(3):
        api.get("/session", editor_token)
    uses = audit_entries(app.extensions["signage"].store, action="token.use")
    assert [(e.user, e.target) for e in uses] == [("editor", "token 1")]


def test_an_idle_session_ends(app: Flask, monkeypatch: object) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    client, _ = _session_of(app, "wang")
    hours = app.extensions["signage"].settings.session_idle_hours
    assert hours == 8
    later = time.time() + hours * 3600 - 120
    monkeypatch.setattr(time, "time", lambda: later)  # type: ignore[attr-defined]
    assert client.get("/api/v1/session").status_code == 200  # used: the clock restarts
    monkeypatch.setattr(time, "time", lambda: later + hours * 3600 - 60)  # type: ignore[attr-defined]
    assert client.get("/api/v1/session").status_code == 200
    monkeypatch.setattr(time, "time", lambda: later + 2 * hours * 3600 + 1)  # type: ignore[attr-defined]
    assert client.get("/api/v1/session").status_code == 401
