"""The production entry points: signage.wsgi:app under gunicorn with the shipped config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.deploy.processes import REPO, signage_env, start_gunicorn


def test_gunicorn_serves_the_packaged_app_with_the_shipped_config(
    tmp_path: Path, playlists_dir: Path, media_dir: Path
) -> None:
    env = signage_env(playlists_dir, media_dir, SIGNAGE_METRICS_TOKEN="scrape-me")
    web = start_gunicorn(env, tmp_path / "web.log")
    try:
        for _ in range(20):
            answer = requests.get(web.url + "/api/v1/openapi.json", timeout=10)
            assert answer.status_code == 200
        assert answer.json()["openapi"].startswith("3.")
        # Two processes answered; /metrics adds up the counts of both.
        metrics = requests.get(
            web.url + "/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=10
        ).text
        line = 'signage_http_requests_total{method="GET",route="/api/v1/openapi.json",status="200"}'
        assert f"{line} 20.0" in metrics
        log = web.text()
        assert "gthread" in log
        assert log.count("GET /api/v1/openapi.json 200 ") == 20
    finally:
        web.stop()


def test_server_py_is_an_alias_of_the_package_entry(
    tmp_path: Path, playlists_dir: Path, media_dir: Path
) -> None:
    env = signage_env(playlists_dir, media_dir)
    code = "import server, signage.wsgi; assert server.app is signage.wsgi.app; print('same')"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "same", done.stderr
