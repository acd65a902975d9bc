"""/healthz status codes for monitors, details for staff; /metrics; one access line a request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.jobs.leases import HOUSEKEEPING, take_lease
from signage.media.library import count_preparation, worker_name


def hold_housekeeping(app: Flask) -> None:
    """Take the housekeeping lease for as long as the app's setting says, as a worker does."""
    signage = app.extensions["signage"]
    take_lease(signage.store, HOUSEKEEPING, worker_name(), signage.settings.lease_seconds)


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def housekept(app: Flask) -> Flask:
    """An app whose database has a live housekeeping lease, as with a running worker."""
    hold_housekeeping(app)
    return app


def test_all_well_is_200_and_the_public_sees_only_status_and_codes(
    housekept: Flask, client: FlaskClient, admin_token: str
) -> None:
    public = client.get("/healthz")
    assert (public.status_code, public.get_json()) == (200, {"status": "ok", "problems": []})
    detailed = client.get("/healthz", headers=staff(admin_token))
    assert detailed.status_code == 200
    assert {"config", "scheduler", "disk", "ffmpeg", "media"} <= set(detailed.get_json())


def test_a_stale_scheduler_lease_is_503(
    housekept: Flask, client: FlaskClient, admin_token: str
) -> None:
    store = housekept.extensions["signage"].store
    take_lease(store, HOUSEKEEPING, worker_name(), -1)  # its holder stopped renewing
    answer = client.get("/healthz")
    assert (answer.status_code, answer.get_json()["problems"]) == (503, ["scheduler_stale"])
    staff_view = client.get("/healthz", headers=staff(admin_token)).get_json()
    assert staff_view["scheduler"]["alive"] is False


def test_a_missing_ffmpeg_and_a_rejected_configuration_are_503(
    playlists_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    from signage import create_app

    app = create_app(
        {
            "PLAYLISTS_DIR": playlists_dir,
            "MEDIA_DIR": media_dir,
            "FFMPEG": str(tmp_path / "no-ffmpeg"),
            "CONFIG_CHECK_SECONDS": 1,
        }
    )
    hold_housekeeping(app)
    (playlists_dir / "evening.yaml").write_text("name: [broken\n", encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {
        "status": "degraded",
        "problems": ["config_rejected", "ffmpeg_missing"],
    }


def test_low_disk_is_503(
    housekept: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from signage.web import health

    real = shutil.disk_usage
    monkeypatch.setattr(  # a stub only to inject the failure: a nearly full disk
        health.shutil, "disk_usage", lambda path: real(path)._replace(free=100 * 1024**2)
    )
    answer = client.get("/healthz")
    assert (answer.status_code, answer.get_json()["problems"]) == (503, ["disk_low"])


def test_metrics_are_for_staff_or_the_metrics_token(
    playlists_dir: Path, media_dir: Path, screen_key: Callable[[str], str]
) -> None:
    from signage import create_app

    app = create_app(
        {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "METRICS_TOKEN": "scrape-me"}
    )
    client = app.test_client()
    signage = app.extensions["signage"]
    from signage.screens.keys import ensure_screen_key

    key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
    assert (
        client.post(
            "/api/v1/screens/lobby-east/heartbeat", json={}, headers={"X-Screen-Key": key}
        ).status_code
        == 200
    )
    count_preparation(signage.store, 2.5)
    count_preparation(signage.store, 1.5)

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert 'signage_screens{state="online"} 1.0' in text
    assert 'signage_screens{state="never"} 5.0' in text  # the demo's six screens, one online
    assert 'signage_screen_seconds_since_poll{screen="lobby-east"}' in text
    assert 'signage_media{state="queued"} 0.0' in text
    assert "signage_media_prepared_total 2.0" in text
    assert "signage_media_preparation_seconds_total 4.0" in text
    heartbeats = (
        'signage_http_requests_total{method="POST",'
        'route="/api/v1/screens/<screen_id>/heartbeat",status="200"}'
    )
    assert heartbeats in text
    assert key not in text


def test_one_access_line_per_request_without_the_key(
    client: FlaskClient, screen_key: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    key = screen_key("lobby-east")
    with caplog.at_level(logging.INFO, logger="signage.access"):
        client.get("/api/v1/screens/lobby-east/manifest", query_string={"key": key})
        client.get("/api/v1/screens/lobby-east/manifest", query_string={"key": "wrong"})
    lines = [r.getMessage() for r in caplog.records if r.name == "signage.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/v1/screens/lobby-east/manifest 200 ")
    assert lines[1].startswith("GET /api/v1/screens/lobby-east/manifest 403 ")
    assert all(line.endswith("ms 127.0.0.1") for line in lines)
    assert not any(key in line for line in lines)
