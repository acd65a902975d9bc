"""The display page as HTTP: key checks, the key cookie, versioned assets, the service worker."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage import create_app
from signage.errors import SettingsError
from signage.settings import load_settings
from signage.web.display import player_build

PAGE = "/display/lobby-east"


def _boot(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert found, "the page carries no boot settings"
    return json.loads(found.group(1))


def test_valid_key_gets_the_player_and_a_strict_key_cookie(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    key = screen_key("lobby-east")
    response = client.get(PAGE, query_string={"key": key})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"screen_key={key};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    boot = _boot(response.get_data(as_text=True))
    assert boot["screen"]["id"] == "lobby-east"
    assert boot["site"] == {"name": "兴隆县人民法院", "timezone": "Asia/Shanghai"}
    assert boot["manifest_url"] == "/api/v1/screens/lobby-east/manifest"
    assert boot["reload_at"] == "04:00"
    assert boot["version"] == player_build()[0]
    assert boot["asset_base"] + "main.js" in boot["assets"]
    assert not any(asset.endswith("sw.js") for asset in boot["assets"])


def test_the_cookie_alone_opens_the_page(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    client.set_cookie("screen_key", screen_key("lobby-east"))
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("query", [{}, {"key": "wrong"}])
def test_missing_or_wrong_key_gets_a_full_page_refusal(
    client: FlaskClient, screen_key: Callable[[str], str], query: dict[str, str]
) -> None:
    screen_key("lobby-east")
    response = client.get(PAGE, query_string=query)
    assert response.status_code == 403
    assert "此屏幕未授权" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_key_of_another_screen_is_refused(
    client: FlaskClient, screen_key: Callable[[str], str]
) -> None:
    response = client.get(PAGE, query_string={"key": screen_key("lobby-west")})
    assert response.status_code == 403


def test_without_any_configuration_the_page_waits_and_retries(
    tmp_path: Path, screen_key: Callable[[str], str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "site.yaml").write_text("site: [oops\n", encoding="utf-8")
    app: Flask = create_app({"PLAYLISTS_DIR": broken, "MEDIA_DIR": tmp_path / "media"})
    response = app.test_client().get(PAGE, query_string={"key": "anything"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "暂时无法播放" in page and 'http-equiv="refresh"' in page


def test_assets_are_immutable_under_their_version_only(client: FlaskClient) -> None:
    version, assets = player_build()
    assert {"main.js", "display.css", "stage.js"} <= set(assets)
    current = client.get(f"/display/assets/{version}/main.js")
    assert current.status_code == 200
    assert current.mimetype == "text/javascript"
    assert "immutable" in current.headers["Cache-Control"]
    current.close()
    stale = client.get("/display/assets/0.0.1+old/main.js")
    assert stale.headers["Cache-Control"] == "no-cache"
    stale.close()
    assert client.get(f"/display/assets/{version}/../display.py").status_code == 404


def test_service_worker_is_served_fresh_with_a_scope_over_the_player(client: FlaskClient) -> None:
    response = client.get("/display/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "addEventListener('fetch'" in response.get_data(as_text=True)
    response.close()


@pytest.mark.parametrize("value", ["04:00", "23:59", "off", " OFF "])
def test_reload_time_setting_accepts_times_and_off(value: str) -> None:
    settings = load_settings({}, {"SIGNAGE_DISPLAY_RELOAD_AT": value})
    assert settings.display_reload_at == value.strip().lower()


@pytest.mark.parametrize("value", ["4:00", "24:00", "noon", ""])
def test_reload_time_setting_refuses_other_text(value: str) -> None:
    with pytest.raises(SettingsError, match="SIGNAGE_DISPLAY_RELOAD_AT"):
        load_settings({}, {"SIGNAGE_DISPLAY_RELOAD_AT": value})
