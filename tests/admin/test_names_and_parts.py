"""Names people read (accounts, screens, courtrooms, titles) are what they seem: no twin
accounts by case, no hidden characters, no blank screen name."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from signage.errors import Conflict, Invalid
from signage.media.library import check_title
from tests.admin.test_sign_in import PASSWORD, sign_in, token_of


def test_ed_and_ed_cannot_both_exist(app: Flask) -> None:
    store = app.extensions["signage"].store
    add_user(store, "Ed", "editor", PASSWORD)
    with pytest.raises(Conflict):
        add_user(store, "ed", "editor", PASSWORD)


@pytest.mark.parametrize("title", ["宣传\x00片", "\x1b[31m红", "反诈\u202e频视"])
def test_a_title_with_control_characters_is_refused(title: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_title(title)
    assert refused.value.code == "bad_title"


@pytest.mark.parametrize(
    "fields",
    [
        {"id": "new-door", "name": "门口\u202e屏"},
        {"id": "new-door", "name": "\x00"},
        {"id": "new-door", "name": "   "},
    ],
)
def test_a_screen_name_must_be_plain_and_written(
    app: Flask, client: FlaskClient, fields: dict[str, str]
) -> None:
    add_user(app.extensions["signage"].store, "root", "admin", PASSWORD)
    sign_in(client, "root")
    data = {"csrf_token": token_of(client, "/admin/screens"), **fields}
    answer = client.post("/admin/screens", data=data, headers={"Accept": "application/json"})
    assert answer.status_code in (400, 422)
    assert "new-door" not in app.extensions["signage"].screens.config().screens
