"""A screen key cannot take a page down: heartbeats are typed and bounded on the way in,
and whatever a status row holds is read back through the same model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from signage.db import now, screen_status
from tests.admin.test_sign_in import PASSWORD, sign_in

URL = "/api/v1/screens/lobby-east/heartbeat"


def strict_json(text: str) -> Any:
    """JSON as a browser reads it: Infinity and NaN are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def beat(client: FlaskClient, key: str, body: Any) -> Any:
    if isinstance(body, str):
        return client.post(
            URL, query_string={"key": key}, data=body, content_type="application/json"
        )
    return client.post(URL, query_string={"key": key}, json=body)


def pages_still_work(app: Flask, client: FlaskClient, token: str) -> dict[str, Any]:
    """/admin/ answers 200 and GET /api/v1/screens valid JSON; lobby-east as listed."""
    assert client.get("/admin/").status_code == 200
    listed = client.get("/api/v1/screens", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    screens = strict_json(listed.get_data(as_text=True))["screens"]
    return next(screen for screen in screens if screen["id"] == "lobby-east")


@pytest.fixture
def signed_in(app: Flask, client: FlaskClient) -> FlaskClient:
    add_user(app.extensions["signage"].store, "clerk", "editor", PASSWORD)
    sign_in(client, "clerk")
    return client


WRONG = [
    {"cache": {"lacking_bytes": "x"}},
    {"now_playing": {"type": ["x"]}},
    {"cache": {"lacking_files": -1}},
    {"cache": {"held_bytes": 10**30}},
    {"cache": {"download_rate": -250000}},
    {"cache": {"download_rate": "2 Mbit/s"}},
    {"cache": []},
    {"player_version": 5},
    {"cache": {"failed": "not a list"}},
    {"now_playing": {"started_at": "yesterday"}},
    '{"cache": {"held_bytes": Infinity}}',
    '{"cache": {"usage_bytes": NaN}}',
    '{"cache": {"quota_bytes": 1e999}}',
    "[1, 2]",
]


def test_a_heartbeat_of_wrong_types_is_refused_in_plain_words(
    app: Flask, signed_in: FlaskClient, screen_key: Callable[[str], str], admin_token: str
) -> None:
    key = screen_key("lobby-east")
    good = {"cache": {"lacking_files": 2, "lacking_bytes": 5}}
    assert beat(signed_in, key, good).status_code == 200
    for body in WRONG:
        refused = beat(signed_in, key, body)
        assert refused.status_code in (400, 422), body
        error = refused.get_json()["error"]
        assert error["message"] and "Traceback" not in error["message"]
        shown = pages_still_work(app, signed_in, admin_token)
        assert shown["cache"]["lacking_files"] == 2, body  # the last good report stays


def test_fields_a_player_sends_that_the_server_does_not_know_are_ignored(
    app: Flask, client: FlaskClient, screen_key: Callable[[str], str], admin_token: str
) -> None:
    body = {
        "now_playing": {"type": "video", "media": "anti-fraud", "volume": 3},
        "cache": {"lacking_files": 0, "new_counter": {"a": 1}},
        "engine": {"version": "64"},
    }
    assert beat(client, screen_key("lobby-east"), body).status_code == 200
    with app.extensions["signage"].store.engine.connect() as conn:
        row = conn.execute(sa.select(screen_status)).mappings().one()
    assert row["now_playing"] == {"type": "video", "media": "anti-fraud"}
    assert row["cache"] == {"lacking_files": 0}
    # long words are cut, not refused: the screen would look dark for a long error message
    long = {"last_error": "错" * 5000, "cache": {"failed": ["x" * 900] * 50}}
    assert beat(client, screen_key("lobby-east"), long).status_code == 200
    with app.extensions["signage"].store.engine.connect() as conn:
        row = conn.execute(sa.select(screen_status)).mappings().one()
    assert len(row["last_error"]) == 2000 and row["now_playing"] is None
    assert len(row["cache"]["failed"]) == 20 and len(row["cache"]["failed"][0]) == 300


def test_whatever_a_status_row_holds_the_pages_answer(
    app: Flask, signed_in: FlaskClient, admin_token: str
) -> None:
    # as a row written before heartbeats were typed, or by hand
    with app.extensions["signage"].store.engine.begin() as conn:
        conn.execute(
            screen_status.insert().values(
                screen_id="lobby-east",
                last_seen=now(),
                now_playing={"type": ["x"], "title": {"a": 1}},
                cache={"lacking_files": 1, "lacking_bytes": "x", "held_bytes": -5},
                player_version="1",
            )
        )
    shown = pages_still_work(app, signed_in, admin_token)
    assert shown["status"] == "online" and shown["player_version"] == "1"
    assert shown["now_playing"] is None and shown["cache"] is None
