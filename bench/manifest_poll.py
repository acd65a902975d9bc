"""Manifest polling under a real WSGI server (waitress): requests per second of a screen's
poll with If-None-Match (the 304 path) as a ratio of a trivial route on the same server in
the same run (target at least 0.7), and what that means in screens per core at a 30 s poll.
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load import requests_per_second

REPO = Path(__file__).resolve().parent.parent
CLIENTS = 8
SECONDS = 5.0

SERVER = """
import logging, sys, waitress
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
from signage import create_app
app = create_app({"PLAYLISTS_DIR": sys.argv[1], "MEDIA_DIR": sys.argv[2]})
app.add_url_rule("/bench/ping", "ping", lambda: "ok")
waitress.serve(app, host="127.0.0.1", port=int(sys.argv[3]), threads=8, _quiet=True)
"""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hammer(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    """Requests per second from CLIENTS keep-alive connections for SECONDS."""
    return requests_per_second(
        lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=10),
        path,
        headers,
        expect,
        CLIENTS,
        SECONDS,
    )


def main() -> None:
    """Start the server, measure both routes twice (interleaved), print the figures."""
    from signage import create_app
    from signage.screens.keys import ensure_screen_key

    work = Path(tempfile.mkdtemp(prefix="signage-bench-"))
    playlists, media = work / "playlists", work / "media"
    shutil.copytree(REPO / "playlists", playlists)
    signage = create_app({"PLAYLISTS_DIR": playlists, "MEDIA_DIR": media}).extensions["signage"]
    key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(playlists), str(media), str(port)],
        stdin=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        path = "/api/v1/screens/lobby-east/manifest"
        probe = http.client.HTTPConnection("127.0.0.1", port)
        probe.request("GET", path, headers={"X-Screen-Key": key})
        first = probe.getresponse()
        first.read()
        etag = first.getheader("ETag") or ""
        poll = {"X-Screen-Key": key, "If-None-Match": etag}
        ping_rates, poll_rates = [], []
        for _ in range(2):
            ping_rates.append(hammer(port, "/bench/ping", {}, 200))
            poll_rates.append(hammer(port, path, poll, 304))
        ping, poll_rate = max(ping_rates), max(poll_rates)
        ratio = poll_rate / ping
        print(f"trivial route:           {ping:8.0f} requests/s ({CLIENTS} clients, waitress)")
        print(f"manifest poll (304):     {poll_rate:8.0f} requests/s")
        print(f"ratio: {ratio:.2f} (target >= 0.7: {'met' if ratio >= 0.7 else 'NOT met'})")
        print(
            f"at a 30 s poll one server process (one core, the GIL) answers about "
            f"{poll_rate * 30:,.0f} screens; a court has tens"
        )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
