"""Signing in to the staff pages: session cookie, CSRF, rate limit, the first-admin hint."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user

PASSWORD = "correct horse battery"


def token_of(client: FlaskClient, path: str = "/admin/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD) -> int:
    token = token_of(client)
    data = {"name": name, "password": password, "csrf_token": token}
    return client.post("/admin/login", data=data).status_code


def test_a_fresh_install_says_how_to_create_the_first_admin(client: FlaskClient) -> None:
    page = client.get("/admin/login").get_data(as_text=True)
    assert "signage user add &lt;用户名&gt; --role admin" in page


def test_pages_need_a_session_and_the_cookie_is_httponly_lax(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    token = token_of(client)
    response = client.post(
        "/admin/login?next=/admin/playlists",
        data={"name": "wang", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/playlists"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "诉讼服务中心东侧大屏" in client.get("/admin/").get_data(as_text=True)
    client.post("/admin/logout", data={"csrf_token": token_of(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_sign_in_without_the_form_token_is_refused(app: Flask, client: FlaskClient) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    response = client.post("/admin/login", data={"name": "wang", "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.get_data(as_text=True)


def test_the_sixth_failed_sign_in_in_five_minutes_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    assert [sign_in(client, "wang", "wrong password") for _ in range(5)] == [401] * 5
    data = {"name": "wang", "password": PASSWORD, "csrf_token": token_of(client)}
    refused = client.post("/admin/login", data=data)  # even the right password, for now
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 301  # as the API's 429 says


def test_api_and_form_sign_in_share_one_limiter(app: Flask, client: FlaskClient) -> None:
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    wrong = {"name": "wang", "password": "wrong password"}
    answers = [client.post("/api/v1/session", json=wrong) for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[5].get_json()["error"]["code"] == "too_many_logins"
    assert 0 < int(answers[5].headers["Retry-After"]) <= 301
    # The form is the same door: the account stays locked there too.
    assert sign_in(client, "wang") == 429


def test_an_upload_by_session_needs_the_csrf_header_not_a_form_field(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app.extensions["signage"].store, "wang", "editor", PASSWORD)
    assert sign_in(client, "wang") == 302
    token = token_of(client, "/admin/")
    body = {"csrf_token": token, "file": (io.BytesIO(b"\0" * 4096), "clip.mp4")}
    refused = client.post("/api/v1/media", data=body, content_type="multipart/form-data")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    accepted = client.post(
        "/api/v1/media",
        data={"file": (io.BytesIO(b"\0" * 4096), "clip.mp4")},
        content_type="multipart/form-data",
        headers={"X-CSRF-Token": token},
    )
    assert accepted.status_code == 202


def test_the_bare_address_leads_to_the_sign_in_page(client: FlaskClient) -> None:
    first = client.get("/")
    assert first.status_code == 302 and first.headers["Location"] == "/admin/"
    page = client.get("/", follow_redirects=True)
    assert page.request.path == "/admin/login"
    assert 'name="password"' in page.get_data(as_text=True)
