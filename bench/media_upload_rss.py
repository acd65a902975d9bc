"""Server memory while it receives a 1 GiB upload: peak RSS above idle (target < 60 MB).

Starts a real `signage serve` (waitress) on temporary folders, waits until its first-start
demo media are prepared, then streams a 1 GiB multipart upload over a plain HTTP connection
while sampling the server's resident memory from /proc. Prints figures, asserts nothing.
Run: ``.venv/bin/python bench/media_upload_rss.py [--mib 1024]`` (Linux; needs ~3 GiB disk).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
PIECE = b"\0" * (1024 * 1024)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_until_idle(url: str, seconds: float = 120) -> None:
    """Until the server answers and has no media queued or in preparation."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            media = requests.get(url + "/healthz", timeout=2).json()["media"]
            if media["queued"] + media["processing"] == 0:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not settle")


def upload(port: int, token: str, mib: int) -> int:
    """POST a multipart body of `mib` MiB of zeros, sent piece by piece; the status code."""
    head = (
        b'--bench\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n"
    )
    tail = b"\r\n--bench--\r\n"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.putrequest("POST", "/api/v1/media")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "multipart/form-data; boundary=bench")
    connection.putheader("Content-Length", str(len(head) + mib * len(PIECE) + len(tail)))
    connection.endheaders()
    connection.send(head)
    for _ in range(mib):
        connection.send(PIECE)
    connection.send(tail)
    status = connection.getresponse().status
    connection.close()
    return status


def main() -> None:
    """Print idle and peak RSS of the server around one large upload."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="size of the upload in MiB")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    playlists, media = folder / "playlists", folder / "media"
    shutil.copytree(REPO / "playlists", playlists)
    port = free_port()
    env = {
        **os.environ,
        "SIGNAGE_PLAYLISTS_DIR": str(playlists),
        "SIGNAGE_MEDIA_DIR": str(media),
        "SIGNAGE_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "signage", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_idle(url)
        signage = [sys.executable, "-m", "signage"]
        subprocess.run(
            [*signage, "user", "add", "bench", "--role", "editor", "--password", "bench-password"],
            env=env,
            check=True,
            capture_output=True,
        )
        token = subprocess.run(
            [*signage, "token", "create", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        idle = rss_mib(server.pid)
        peak, done = idle, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_mib(server.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        status = upload(port, token, options.mib)
        seconds = time.perf_counter() - started
        wait_until_idle(url)
        done.set()
        sampler.join()
        print(
            f"upload    {options.mib} MiB answered {status} in {seconds:.1f} s "
            f"({options.mib / seconds:.0f} MiB/s)"
        )
        print(
            f"server    RSS idle {idle:.1f} MiB, peak {peak:.1f} MiB, "
            f"{peak - idle:+.1f} MiB while receiving  (target < 60 MB above idle)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
