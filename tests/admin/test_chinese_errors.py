"""Inputs that used to answer a 500 or English on a Chinese page: each answers in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from tests.admin.english import english_sentences
from tests.admin.test_sign_in import PASSWORD, sign_in, token_of


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    add_user(app.extensions["signage"].store, "root", "admin", PASSWORD)
    sign_in(client, "root")
    return client


def shown(client: FlaskClient, method: str, path: str, **options: object) -> str:
    """The page a person ends on (redirects followed), checked: no 500, no English."""
    answer = client.open(path, method=method, follow_redirects=True, **options)
    assert answer.status_code < 500, (path, answer.status_code)
    page = answer.get_data(as_text=True)
    assert english_sentences(page) == [], (path, english_sentences(page))
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/hearings?date=x",
        "/admin/hearings?date=9999-12-31",
        "/admin/hearings?date=0001-01-01",
        "/admin/schedule?week=x",
        "/admin/schedule?at=x",
        "/admin/playlists/Evening",
        "/admin/playlists/中文",
        "/display/lobby-east/preview?review=12345678901234567890123",
    ],
)
def test_a_bad_address_is_told_in_chinese(admin: FlaskClient, path: str) -> None:
    shown(admin, "GET", path)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/tokens/999/revoke", {}),
        ("/admin/users/nobody/role", {"role": "editor"}),
        ("/admin/users/nobody/password", {"password": "a long new phrase"}),
        ("/admin/reviews/media/nothing/approve", {}),
        ("/admin/playlists", {"id": "Evening", "name": "晚上"}),
    ],
)
def test_a_refused_change_is_told_in_chinese(
    admin: FlaskClient, path: str, fields: dict[str, str]
) -> None:
    page = shown(admin, "POST", path, data={"csrf_token": token_of(admin, "/admin/"), **fields})
    assert "操作未成功" in page or "flash error" in page


@pytest.mark.parametrize(
    "body",
    [
        '{"yaml": Infinity}',
        '{"playlist": {"items": [1, "x", null]}}',
        '{"playlist": {"items": "x", "name": 5}}',
        '{"playlist": {"items": [{"kind": "tip", "seconds": "abc"}]}}',
        "[" * 1000,
        "null",
    ],
)
def test_the_playlist_check_refuses_what_is_no_playlist_in_plain_words(
    admin: FlaskClient, body: str
) -> None:
    answer = admin.post(
        "/admin/playlists/daytime/check",
        data=body,
        content_type="application/json",
        headers={"X-CSRF-Token": token_of(admin, "/admin/"), "Accept": "application/json"},
    )
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "bad_form" and "表单" in error["text"]
    assert "Error" not in error["message"] and "object" not in error["message"]


def test_a_date_outside_the_years_is_refused_with_its_line(
    admin: FlaskClient, playlists_dir: Path
) -> None:
    from tests.admin.test_form_bounds import schedule_form

    form = {
        **schedule_form(admin),
        "rules": "1",
        "rule-0-playlist": "daytime",
        "rule-0-dates": "9999-12-31",
    }
    page = shown(admin, "POST", "/admin/schedule", data=form)
    assert "2000 年至 2099 年" in page
    assert "9999" not in (playlists_dir / "site.yaml").read_text()
    assert admin.get("/admin/schedule").status_code == 200
