"""The production path for real: nginx (deploy/nginx.conf) -> gunicorn -> the app, a worker.

Sign-in limiting per real client, an upload streamed through nginx, a manifest poll, and a
media file sent by nginx itself (X-Accel-Redirect) with Range.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import urllib3

from signage.accounts.login_limit import ADDRESS_LIMIT
from signage.media.ffmpeg import locate_binaries
from tests.commands import run_signage
from tests.deploy.nginx import NGINX, SITE, Nginx, start_nginx
from tests.deploy.processes import (
    GUNICORN_CONF,
    Process,
    signage_env,
    start_gunicorn,
    start_worker,
)

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


@dataclass
class Court:
    """One court server as deploy/ describes it."""

    nginx: Nginx
    web: Process
    worker: Process
    env: dict[str, str]
    media: Path


@pytest.fixture
def court(tmp_path: Path, playlists_dir: Path, media_dir: Path) -> Iterator[Court]:
    if not NGINX.exists():
        pytest.skip("Debian's nginx is not installed (./scripts/setup --browser installs it)")
    media_dir.mkdir(parents=True, exist_ok=True)
    env = signage_env(
        playlists_dir,
        media_dir,
        SIGNAGE_TRUSTED_PROXIES="1",
        SIGNAGE_MEDIA_ACCEL_REDIRECT="/protected-media/",
        SIGNAGE_PUBLIC_URL="https://127.0.0.1",
    )
    # Two web processes: the sign-in limiter counts in the database, so both see a guess.
    web = start_gunicorn(env, tmp_path / "web.log", workers=2)
    worker = start_worker(env, tmp_path / "worker.log")
    nginx = start_nginx(tmp_path / "nginx", web.url.removeprefix("http://"), media_dir / "files")
    yield Court(nginx, web, worker, env, media_dir)
    for process in (nginx.process, worker, web):
        process.stop()


def https(court: Court, source: str = "127.0.0.1") -> http.client.HTTPSConnection:
    """A connection to nginx from one loopback address: each address is another client."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    return http.client.HTTPSConnection(
        "127.0.0.1", court.nginx.https_port, context=context, source_address=(source, 0), timeout=30
    )


def sign_in(
    court: Court, source: str, password: str, forged: str | None = None, name: str = "clerk"
) -> int:
    connection = https(court, source)
    headers = {"Content-Type": "application/json"}
    if forged:
        headers["X-Forwarded-For"] = forged
    body = json.dumps({"name": name, "password": password})
    connection.request("POST", "/api/v1/session", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def make_clip(folder: Path) -> Path:
    """A two-second clip with sound, as a phone would send."""
    clip = folder / "宪法宣传周.mp4"
    ffmpeg = locate_binaries(None, None).ffmpeg
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-shortest",
            str(clip),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return clip


def test_a_court_server_behind_nginx(court: Court, tmp_path: Path) -> None:
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    assert (
        run_signage(
            court.env, "user", "add", "clerk", "--role", "admin", "--password", PASSWORD
        ).returncode
        == 0
    )
    token = run_signage(court.env, "token", "create", "clerk").stdout.strip()
    staff = {"Authorization": f"Bearer {token}"}
    base = court.nginx.url

    plain = requests.get(
        f"http://127.0.0.1:{court.nginx.http_port}/healthz", allow_redirects=False, timeout=10
    )
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

    # Enough guesses from one client lock that client out, whatever it claims to be; a
    # colleague at another address still signs in.
    for guess in range(ADDRESS_LIMIT):
        assert sign_in(court, "127.0.0.2", "wrong", forged="10.9.9.9", name=f"x{guess}") == 401
    assert sign_in(court, "127.0.0.2", PASSWORD, forged="10.8.8.8") == 429
    assert sign_in(court, "127.0.0.3", PASSWORD) == 200

    clip = make_clip(tmp_path)
    with clip.open("rb") as body:
        sent = requests.post(
            base + "/api/v1/media",
            headers=staff,
            files={"file": (clip.name, body, "video/mp4")},
            data={"id": "constitution-week"},
            verify=False,
            timeout=60,
        )
    assert sent.status_code == 202, sent.text
    deadline = time.monotonic() + 240
    while (
        row := requests.get(
            base + "/api/v1/media/constitution-week", headers=staff, verify=False, timeout=10
        ).json()
    )["status"] != "ready":
        assert row["status"] in ("queued", "processing"), row
        assert time.monotonic() < deadline, f"never prepared:\n{court.worker.text()}"
        time.sleep(0.5)

    key = run_signage(court.env, "screen-url", "lobby-east").stdout.strip().rsplit("key=", 1)[1]
    poll = f"{base}/api/v1/screens/lobby-east/manifest"
    manifest = requests.get(poll, headers={"X-Screen-Key": key}, verify=False, timeout=10)
    assert manifest.status_code == 200
    again = requests.get(
        poll,
        headers={"X-Screen-Key": key, "If-None-Match": manifest.headers["ETag"]},
        verify=False,
        timeout=10,
    )
    assert again.status_code == 304

    name = row["url"].rsplit("/", 1)[1]
    prepared = court.media / "files" / name
    url = base + row["url"]
    assert requests.get(url, verify=False, timeout=10).status_code == 401
    part = requests.get(
        url, params={"key": key}, headers={"Range": "bytes=100-1099"}, verify=False, timeout=10
    )
    assert part.status_code == 206
    assert part.content == prepared.read_bytes()[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{prepared.stat().st_size}"
    assert "X-Accel-Redirect" not in part.headers
    assert part.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    # A screen's cut download goes on as sw.js asks: Range with If-Range of the ETag the
    # file came with, which nginx must honour (a mismatch would send it whole again).
    etag = part.headers["ETag"]
    rest = requests.get(
        url,
        params={"key": key},
        headers={"Range": "bytes=1100-", "If-Range": etag},
        verify=False,
        timeout=10,
    )
    assert rest.status_code == 206, rest.headers
    assert rest.content == prepared.read_bytes()[1100:]
    stale = {"Range": "bytes=1100-", "If-Range": '"another-file"'}
    whole = requests.get(url, params={"key": key}, headers=stale, verify=False, timeout=10)
    assert whole.status_code == 200 and whole.content == prepared.read_bytes()

    # Heartbeats record the screen's address, not nginx's; nginx's log keeps no keys.
    beat = https(court, "127.0.0.4")
    beat.request(
        "POST",
        "/api/v1/screens/lobby-east/heartbeat",
        body="{}",
        headers={"Content-Type": "application/json", "X-Screen-Key": key},
    )
    assert beat.getresponse().status == 200
    beat.close()
    screens = requests.get(base + "/api/v1/screens", headers=staff, verify=False, timeout=10)
    lobby = next(s for s in screens.json()["screens"] if s["id"] == "lobby-east")
    assert lobby["address"] == "127.0.0.4"
    assert key not in court.nginx.access_log.read_text()
    assert key not in court.web.text()


def test_nginx_drops_an_idle_upstream_connection_before_gunicorn_does() -> None:
    """Otherwise nginx may send a screen's request on a connection gunicorn is closing, and a
    POST (a heartbeat, a play) gets a 502: nginx does not send it again."""
    site = SITE.read_text(encoding="utf-8")
    upstream = re.search(r"upstream signage_web \{(.*?)\}", site, re.S)
    assert upstream, "deploy/nginx.conf has no upstream block"
    nginx_idle = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    assert nginx_idle, "the upstream block sets no keepalive_timeout"
    gunicorn_idle = re.search(r"^keepalive = (\d+)$", GUNICORN_CONF.read_text(), re.M)
    assert gunicorn_idle, "deploy/gunicorn.conf.py sets no keepalive"
    assert int(nginx_idle.group(1)) < int(gunicorn_idle.group(1))
