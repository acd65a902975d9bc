"""Behind nginx: the real client comes from X-Forwarded-For, only when proxies are trusted."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.test import TestResponse

from signage import create_app
from signage.accounts.login_limit import ADDRESS_LIMIT
from signage.accounts.users import add_user
from signage.screens.keys import ensure_screen_key
from signage.screens.status import screen_statuses

PASSWORD = "correct horse battery"


def proxied_app(playlists_dir: Path, media_dir: Path, proxies: int, public_url: str) -> Flask:
    app = create_app(
        {
            "PLAYLISTS_DIR": playlists_dir,
            "MEDIA_DIR": media_dir,
            "TRUSTED_PROXIES": proxies,
            "PUBLIC_URL": public_url,
        }
    )
    add_user(app.extensions["signage"].store, "wang", "admin", PASSWORD)
    return app


def sign_in_from(
    app: Flask, client_address: str, name: str = "wang", password: str = PASSWORD
) -> TestResponse:
    return app.test_client().post(
        "/api/v1/session",
        json={"name": name, "password": password},
        headers={"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"},
    )


def fail_until_locked(app: Flask, client_address: str) -> None:
    """Guess as many accounts as one address may before it is locked out."""
    for attempt in range(ADDRESS_LIMIT):
        assert sign_in_from(app, client_address, f"nobody-{attempt}", "wrong").status_code == 401


def test_one_guessing_client_is_locked_out_and_the_others_are_not(
    playlists_dir: Path, media_dir: Path
) -> None:
    app = proxied_app(playlists_dir, media_dir, 1, "https://signage.court.example")
    fail_until_locked(app, "203.0.113.5")
    assert sign_in_from(app, "203.0.113.5").status_code == 429
    colleague = sign_in_from(app, "198.51.100.7")
    assert colleague.status_code == 200
    cookie = colleague.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_without_trusted_proxies_a_forged_header_changes_nothing(
    playlists_dir: Path, media_dir: Path
) -> None:
    app = proxied_app(playlists_dir, media_dir, 0, "http://10.0.0.5:8000")
    fail_until_locked(app, "203.0.113.5")
    # A client that forges another address is still the one address that guessed.
    assert sign_in_from(app, "198.51.100.7").status_code == 429


def test_plain_http_sessions_are_not_marked_secure(playlists_dir: Path, media_dir: Path) -> None:
    app = proxied_app(playlists_dir, media_dir, 0, "http://10.0.0.5:8000")
    answer = app.test_client().post("/api/v1/session", json={"name": "wang", "password": PASSWORD})
    assert answer.status_code == 200
    assert "Secure" not in answer.headers["Set-Cookie"]


def test_heartbeats_record_the_screen_not_the_proxy(playlists_dir: Path, media_dir: Path) -> None:
    app = proxied_app(playlists_dir, media_dir, 1, "https://signage.court.example")
    signage = app.extensions["signage"]
    key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
    answer = app.test_client().post(
        "/api/v1/screens/lobby-east/heartbeat",
        json={"player_version": "test"},
        headers={"X-Screen-Key": key, "X-Forwarded-For": "10.20.30.40"},
    )
    assert answer.status_code == 200
    assert screen_statuses(signage.store)["lobby-east"]["address"] == "10.20.30.40"
