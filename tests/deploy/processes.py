"""Production processes for the deploy tests: gunicorn with deploy/gunicorn.conf.py and
`signage worker`, each a real subprocess on this test's folders."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support import free_port, stop_process

REPO = Path(__file__).resolve().parents[2]
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"
VENV_BIN = Path(sys.executable).parent


@dataclass
class Process:
    """A started subprocess with its log file."""

    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def stop(self) -> None:
        """Terminate, then kill if it does not stop in time."""
        stop_process(self.process)

    def text(self) -> str:
        """Everything the process logged so far."""
        return self.log.read_text(errors="replace")


def signage_env(playlists: Path, media: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of one installation (what signage.env holds)."""
    return {
        **os.environ,
        "SIGNAGE_PLAYLISTS_DIR": str(playlists),
        "SIGNAGE_MEDIA_DIR": str(media),
        "SIGNAGE_CONFIG_CHECK_SECONDS": "1",
        **extra,
    }


def _spawn(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def wait_for(url: str, process: Process, seconds: float = 60) -> None:
    """Wait until the URL answers at all (any status), or fail with the process's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{process.text()}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    process.stop()
    raise RuntimeError(f"{url} did not answer in {seconds} s:\n{process.text()}")


def start_gunicorn(env: dict[str, str], log: Path, workers: int = 2) -> Process:
    """gunicorn with the shipped configuration on a free port, serving signage.wsgi:app."""
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "4",
    }
    argv = [str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "signage.wsgi:app"]
    web = Process(_spawn(argv, env, log), log, f"http://127.0.0.1:{port}")
    wait_for(web.url + "/healthz", web)
    return web


def start_worker(env: dict[str, str], log: Path) -> Process:
    """`signage worker`: media preparation and, when it holds the lease, housekeeping."""
    return Process(_spawn([sys.executable, "-m", "signage", "worker"], env, log), log)
