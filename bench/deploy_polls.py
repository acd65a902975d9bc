"""Manifest polls per second through nginx -> gunicorn, as deploy/ runs them, with one and
with two gunicorn processes in the same run: the scaling ratio, and the screens one box
serves at a 30 s poll. Uses Debian's nginx with deploy/nginx.conf (see tests/deploy/).

    .venv/bin/python bench/deploy_polls.py
"""

from __future__ import annotations

import http.client
import shutil
import ssl
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from load import requests_per_second  # noqa: E402

from signage.parts import build_parts  # noqa: E402
from signage.screens.keys import ensure_screen_key  # noqa: E402
from tests.deploy.nginx import start_nginx  # noqa: E402
from tests.deploy.processes import signage_env, start_gunicorn  # noqa: E402

CLIENTS = 16
SECONDS = 8.0
POLL_SECONDS = 30
PATH = "/api/v1/screens/lobby-east/manifest"


def polls_per_second(port: int, key: str) -> float:
    """304 answers per second from CLIENTS keep-alive https connections for SECONDS."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the benchmark's self-signed certificate
    probe = http.client.HTTPSConnection("127.0.0.1", port, context=context)
    probe.request("GET", PATH, headers={"X-Screen-Key": key})
    first = probe.getresponse()
    first.read()
    probe.close()
    headers = {"X-Screen-Key": key, "If-None-Match": first.getheader("ETag") or ""}
    return requests_per_second(
        lambda: http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30),
        PATH,
        headers,
        304,
        CLIENTS,
        SECONDS,
    )


def measure(work: Path, env: dict[str, str], key: str, workers: int) -> float:
    """Start gunicorn with `workers` processes behind nginx; the best of two runs."""
    web = start_gunicorn(env, work / f"web-{workers}.log", workers=workers)
    nginx = start_nginx(work / f"nginx-{workers}", web.url.removeprefix("http://"), work)
    try:
        return max(polls_per_second(nginx.https_port, key) for _ in range(2))
    finally:
        nginx.process.stop()
        web.stop()


def main() -> None:
    """Measure one and two gunicorn processes in the same run; print the figures."""
    work = Path(tempfile.mkdtemp(prefix="signage-bench-"))
    playlists, media = work / "playlists", work / "media"
    shutil.copytree(REPO / "playlists", playlists)
    parts = build_parts({"PLAYLISTS_DIR": playlists, "MEDIA_DIR": media})
    key = ensure_screen_key(parts.store, parts.screens.secret_key, "lobby-east")
    # Warnings only: the access line of every poll would measure the journal instead.
    env = signage_env(playlists, media, SIGNAGE_LOG_LEVEL="warning", SIGNAGE_TRUSTED_PROXIES="1")
    try:
        one = measure(work, env, key, 1)
        two = measure(work, env, key, 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"manifest polls (304) through nginx -> gunicorn, {CLIENTS} https clients:")
    print(f"  1 gunicorn process:   {one:8.0f} polls/s")
    print(f"  2 gunicorn processes: {two:8.0f} polls/s")
    print(f"  scaling ratio: {two / one:.2f} (2.0 would be perfect; the client shares the cores)")
    print(
        f"  at a {POLL_SECONDS} s poll this box serves about {two * POLL_SECONDS:,.0f} screens "
        f"with 2 processes ({one * POLL_SECONDS:,.0f} with 1); a court has tens"
    )


if __name__ == "__main__":
    main()
