"""The real server process: health, manifests over HTTP, hand edits picked up live."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import LiveServer, start_server

# Real server processes; the first start among them draws and encodes the demo media.
pytestmark = pytest.mark.slow


def _wait_for(predicate: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_health_reports_configuration_and_scheduler(live_server: LiveServer) -> None:
    public = requests.get(live_server.url + "/healthz", timeout=5)
    assert (public.status_code, public.json()) == (200, {"status": "ok", "problems": []})
    health = requests.get(live_server.url + "/healthz", headers=staff(live_server), timeout=5)
    assert health.status_code == 200
    health = health.json()
    assert health["config"]["state"] == "ok"
    assert health["scheduler"]["alive"] is True
    assert health["scheduler"]["where"] == "this process"
    assert "reload_configuration" in health["scheduler"]["jobs"]
    assert health["disk"]["free_bytes"] > 0


def test_a_first_start_draws_and_prepares_the_demo_media(
    tmp_path: Path, playlists_dir: Path
) -> None:
    # Other live servers start from a copy of media prepared once (tests/support.py); this
    # one starts with no media folder at all, as a new installation does.
    server = start_server(tmp_path, playlists_dir, tmp_path / "fresh-media", fresh_media=True)
    try:
        headers = staff(server)

        def ready() -> set[str]:
            listed = requests.get(server.url + "/api/v1/media", headers=headers, timeout=10)
            return {m["id"] for m in listed.json()["media"] if m["status"] == "ready"}

        demo = {"anti-fraud", "court-guide", "constitution-poster"}
        _wait_for(lambda: ready() == demo, seconds=240)  # two clips encoded on a busy box
        assert "demo media being prepared" in server.log.read_text()
    finally:
        server.stop()


def staff(server: LiveServer) -> dict[str, str]:
    """A token of a staff user made with the command line."""
    server.signage("user", "add", "ops", "--role", "admin", "--password", "correct horse battery")
    return {"Authorization": "Bearer " + server.signage("token", "create", "ops")}


def test_manifest_over_http_and_hand_edit_then_broken_edit(
    live_server: LiveServer, playlists_dir: Path
) -> None:
    url = live_server.signage("screen-url", "lobby-east")
    assert url.startswith(live_server.url + "/display/lobby-east?key=")
    key = url.rsplit("key=", 1)[1]
    manifest_url = f"{live_server.url}/api/v1/screens/lobby-east/manifest"
    first = requests.get(manifest_url, params={"key": key}, timeout=5)
    assert first.status_code == 200
    assert first.json()["site"]["name"] == "兴隆县人民法院"
    etag = first.headers["ETag"]
    again = requests.get(
        manifest_url, headers={"X-Screen-Key": key, "If-None-Match": etag}, timeout=5
    )
    assert again.status_code == 304

    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "name: 兴隆县人民法院", "name: 兴隆县人民法院诉讼服务中心"
        ),
        encoding="utf-8",
    )

    def renamed() -> bool:
        body = requests.get(manifest_url, params={"key": key}, timeout=5).json()
        return body["site"]["name"] == "兴隆县人民法院诉讼服务中心"

    _wait_for(renamed)

    site.write_text(site.read_text(encoding="utf-8") + "\nschedule: [oops\n", encoding="utf-8")

    headers = staff(live_server)

    def reported() -> dict:
        answer = requests.get(live_server.url + "/healthz", headers=headers, timeout=5)
        health = answer.json()
        return health if health["config"]["errors"] and answer.status_code == 503 else {}

    health = _wait_for(reported)
    assert health["problems"] == ["config_rejected"]
    assert health["config"]["state"] == "stale"
    assert health["config"]["errors"][0]["file"] == "site.yaml"
    assert health["config"]["errors"][0]["line"] is not None
    still = requests.get(manifest_url, params={"key": key}, timeout=5)
    assert still.status_code == 200
    assert still.json()["site"]["name"] == "兴隆县人民法院诉讼服务中心"
