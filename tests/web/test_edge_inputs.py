"""Edge inputs answer 4xx in the one error shape, never 500 (found by trying them)."""

from __future__ import annotations

import re
import socket
import time

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from tests.support import LiveServer
from tests.web.api_check import Api, error_of

DEEP_JSON = "[" * 50_000 + "]" * 50_000
PASSWORD = "correct horse battery"


def test_json_nested_deep_is_refused_even_without_credentials(api: Api) -> None:
    headers = {"Content-Type": "application/json"}
    answer = api.post("/session", data=DEEP_JSON, headers=headers)
    assert answer.status_code == 422 and error_of(answer)["code"] == "bad_json"
    nested = '{"name": ' + "[" * 40 + "1" + "]" * 40 + ', "password": "x"}'
    assert api.post("/session", data=nested, headers=headers).status_code == 422


def test_the_playlist_check_of_the_staff_page_takes_any_json(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app.extensions["signage"].store, "wang", "editor", PASSWORD)
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"name": "wang", "password": PASSWORD, "csrf_token": token})
    token = re.search(
        r'name="csrf-token" content="([^"]+)"', client.get("/admin/").get_data(as_text=True)
    ).group(1)
    for body in (DEEP_JSON, "[1, 2]", '"text"'):
        answer = client.post(
            "/admin/playlists/daytime/check",
            data=body,
            headers={"Content-Type": "application/json", "X-CSRF-Token": token},
        )
        assert answer.status_code < 500, body[:10]


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_years_out_of_range_are_422(
    api: Api, editor_token: str, screen_key: object, year: str
) -> None:
    day = f"{year}-01-01"
    for path in (
        f"/screens/lobby-east/timeline?from={day}",
        f"/screens/lobby-east/timeline?to={day}T10:00:00%2B08:00",
        f"/reports/plays?from={day}",
        f"/reports/plays?to={day}&format=csv",
    ):
        answer = api.get(path, editor_token)
        assert answer.status_code == 422, path
        assert error_of(answer)["code"] in ("bad_time", "bad_argument")
    key = screen_key("lobby-east")  # type: ignore[operator]
    play = {
        "id": "p1",
        "item": "tip:1",
        "type": "tip",
        "started_at": f"{day}T00:00:00+14:00",
        "seconds": 5,
    }
    answer = api.post(f"/screens/lobby-east/plays?key={key}", json={"plays": [play]})
    assert answer.status_code == 422


def test_years_out_of_range_on_the_staff_pages(app: Flask, client: FlaskClient) -> None:
    add_user(app.extensions["signage"].store, "wang", "editor", PASSWORD)
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"name": "wang", "password": PASSWORD, "csrf_token": token})
    for path in (
        "/admin/schedule?at=9999-12-31",
        "/admin/schedule?week=0001-01-01",
        "/admin/reports?from=9999-01-01",
    ):
        assert client.get(path).status_code < 500, path


def test_integers_beyond_a_column_are_404_or_422(api: Api, admin_token: str) -> None:
    huge = str(2**64)
    assert api.get(f"/history/site.yaml/{huge}", admin_token).status_code == 404
    assert api.delete(f"/alerts/{huge}", admin_token).status_code == 404
    assert api.get(f"/audit?before={huge}", admin_token).status_code == 422
    assert api.get("/audit?limit=-5", admin_token).status_code == 422
    assert api.get(f"/history/site.yaml?limit={huge}", admin_token).status_code == 422


def test_crlf_in_next_never_reaches_a_header(app: Flask, client: FlaskClient) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    for target in (
        "/admin/%0d%0aSet-Cookie:%20x=1",
        "/admin/\\\\evil.example",
        "//evil.example",
        "/admin//evil",
    ):
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = client.post(
            f"/admin/login?next={target}",
            data={"name": "wang", "password": PASSWORD, "csrf_token": token},
        )
        assert answer.status_code == 302, target
        assert answer.headers["Location"] == "/admin/", target
        assert "x=1" not in answer.headers.get("Set-Cookie", "")


def _answer_to_headers_alone(server: LiveServer, path: str, length: int) -> bytes:
    """Send only the headers of a POST announcing `length` bytes; the first answer bytes."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        conn.sendall(b"{" * 1024)
        return conn.recv(200)


def test_large_bodies_are_refused_before_they_are_read(live_server: LiveServer) -> None:
    started = time.monotonic()
    answer = _answer_to_headers_alone(live_server, "/api/v1/session", 300 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert time.monotonic() - started < 5
    # The upload route still takes a body larger than the small limit.
    small = requests.post(
        live_server.url + "/api/v1/session", data=b"x" * (3 * 1024 * 1024), timeout=30
    )
    assert small.status_code == 413
    upload = requests.post(
        live_server.url + "/api/v1/media",
        files={"file": ("big.mp4", b"\0" * (3 * 1024 * 1024))},
        timeout=30,
    )
    assert upload.status_code == 401  # read to the end and refused for want of credentials


def test_a_file_part_without_a_file_name_is_said_to_be_no_file(api: Api, editor_token: str) -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n' + b"x" * 70000
    answer = api.post(
        "/media",
        editor_token,
        data=body + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert answer.status_code == 422 and error_of(answer)["code"] == "no_file"
    assert "file name" in error_of(answer)["message"]
