"""Every staff form is read into a bounded model: a tampered or broken form is a 400 in
Chinese, never a 500, and the work it causes grows with its bytes, not its numbers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user, user_by_name
from signage.config.forms import schedule_model
from tests.admin.test_sign_in import PASSWORD, sign_in, token_of


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    add_user(app.extensions["signage"].store, "root", "admin", PASSWORD)
    sign_in(client, "root")
    return client


def schedule_form(client: FlaskClient) -> dict[str, object]:
    """The schedule form as the page posts it, from the page itself."""
    page = client.get("/admin/schedule").get_data(as_text=True)
    etag = re.search(r'name="etag" value="([^"]+)"', page).group(1)
    rules = int(re.search(r'name="rules" value="(\d+)"', page).group(1))
    return {"csrf_token": token_of(client, "/admin/schedule"), "etag": etag, "rules": rules}


def test_a_huge_rule_count_is_refused_at_once(admin: FlaskClient, playlists_dir: Path) -> None:
    before = (playlists_dir / "site.yaml").read_bytes()
    form = {**schedule_form(admin), "rules": "600000"}
    started = time.monotonic()
    answer = admin.post("/admin/schedule", data=form, headers={"Accept": "application/json"})
    assert time.monotonic() - started < 5  # it took 14.6 s and grew with the number
    assert answer.status_code == 400
    assert "表单" in answer.get_json()["error"]["text"]
    assert (playlists_dir / "site.yaml").read_bytes() == before


def with_every_rule(form: dict[str, object], rules: list[dict], **fields: str) -> dict[str, object]:
    """The form holding each rule's row (playlist, origin and `fields`)."""
    for n, rule in enumerate(rules):
        form.update({f"rule-{n}-playlist": rule["playlist"], f"rule-{n}-origin": str(n)})
        form.update({f"rule-{n}-{name}": value for name, value in fields.items()})
    return {**form, "rules": str(len(rules))}


def test_a_rule_count_that_does_not_match_the_rows_drops_nothing_silently(
    admin: FlaskClient, playlists_dir: Path
) -> None:
    rules = schedule_model((playlists_dir / "site.yaml").read_text())
    form = {**with_every_rule(schedule_form(admin), rules), "rules": "2"}
    answer = admin.post("/admin/schedule", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert len(schedule_model((playlists_dir / "site.yaml").read_text())) == len(rules)


def test_every_rule_removed_saves_an_empty_schedule(
    admin: FlaskClient, playlists_dir: Path
) -> None:
    rules = schedule_model((playlists_dir / "site.yaml").read_text())
    form = with_every_rule(schedule_form(admin), rules, remove="1")
    saved = admin.post("/admin/schedule", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    text = (playlists_dir / "site.yaml").read_text()
    assert "schedule: []" in text and schedule_model(text) == []
    assert admin.get("/admin/schedule").status_code == 200


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/schedule", {"rules": "1", "rule-0-priority": "x", "rule-0-playlist": "daytime"}),
        ("/admin/schedule", {"rules": "1", "rule-0-origin": "9" * 5000}),
        ("/admin/users", {"name": "x" * 100, "role": "editor", "password": "p" * 20}),
        ("/admin/users/root/disabled", {"disabled": "maybe"}),
        ("/admin/alerts", {"text": "x", "targets": ["a" * 100]}),
        ("/admin/playlists", {"id": "a" * 100, "name": "x"}),
        ("/admin/media/x/title", {"title": "x" * 2000}),
        ("/admin/screens", {"id": "new", "name": "x" * 300}),
    ],
)
def test_a_tampered_form_is_a_400_in_chinese(
    admin: FlaskClient, path: str, fields: dict[str, object]
) -> None:
    data = {"csrf_token": token_of(admin, "/admin/"), **fields}
    answer = admin.post(path, data=data, headers={"Accept": "application/json"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:500]
    assert answer.get_json()["error"]["code"] == "bad_form"
    assert "无法读取" in answer.get_json()["error"]["text"]


def test_one_password_limit_for_setting_and_signing_in(app: Flask, admin: FlaskClient) -> None:
    store = app.extensions["signage"].store
    data = {"csrf_token": token_of(admin, "/admin/users"), "role": "editor"}
    long = "长城" * 129  # 258 characters
    refused = admin.post(
        "/admin/users",
        data={**data, "name": "wang", "password": long},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code in (400, 422)
    assert refused.get_json()["error"]["code"] == "long_password"
    assert "最多" in refused.get_json()["error"]["text"]
    fits = "长城内外" * 64  # 256 characters
    added = admin.post("/admin/users", data={**data, "name": "wang", "password": fits})
    assert added.status_code == 302 and user_by_name(store, "wang")
    assert sign_in(app.test_client(), "wang", fits) == 302  # sign-in no longer cuts it
