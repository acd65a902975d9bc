"""Helpers for tests that need a real server process."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import Browser, Page, Playwright

DEMO = Path(__file__).resolve().parent.parent / "playlists"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own downloads are not used
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]


def _sets_the_clock(name: str) -> bool:
    return name == "LD_PRELOAD" or name.startswith("FAKETIME")


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime (scripts/test-on-date sets it for the tests and
    the servers): browsers keep the machine's clock and follow the server's, as a lobby
    screen with a wrong clock does; under the library Chromium fetched nothing."""
    return {name: value for name, value in os.environ.items() if not _sets_the_clock(name)}


@contextlib.contextmanager
def machine_clock() -> Iterator[None]:
    """Without libfaketime in this process's environment for a while: for starting
    Playwright's driver, which under the library made `page.clock.install` ignore a time
    earlier than the machine's."""
    kept = {name: os.environ.pop(name) for name in list(os.environ) if _sets_the_clock(name)}
    try:
        yield
    finally:
        os.environ.update(kept)


# Pictures of pages for a person to look at, not checks: taken only when SIGNAGE_SCREENSHOTS
# names a folder (`SIGNAGE_SCREENSHOTS=/tmp/screens ./scripts/test`). A full-page one costs
# about a quarter of a CPU second in Chromium, and the staff pages' tests take some 130.
PICTURES = os.environ.get("SIGNAGE_SCREENSHOTS")


def keep_picture(page: Page, name: str, full_page: bool = True) -> None:
    """A screenshot of the page as <SIGNAGE_SCREENSHOTS>/<name>.png, when pictures are asked
    for; name may hold a subfolder."""
    if not PICTURES:
        return
    path = Path(PICTURES) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium that plays muted video without a click, as a kiosk does."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=real_clock_env()
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Terminate a process the test started, and kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class LiveServer:
    """A real `signage serve` process on a free port of 127.0.0.1."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def signage(self, *args: str) -> str:
        """Run a `signage` command against this server's folders, in this process, with the
        server's SIGNAGE_* settings; its stdout. The same command code as `signage ARGS`,
        without starting Python again (some 1.2 CPU seconds each time, and the suite's
        fixtures ran about a hundred); tests/test_cli.py runs the commands as processes."""
        from click.testing import CliRunner

        from signage.cli.main import main

        settings = {name: value for name, value in self.env.items() if name.startswith("SIGNAGE_")}
        unset: dict[str, str | None] = {
            name: None for name in os.environ if name.startswith("SIGNAGE_")
        }
        done = CliRunner().invoke(main, list(args), env=unset | settings, catch_exceptions=False)
        assert done.exit_code == 0, f"signage {' '.join(args)}: {done.output}"
        return done.stdout.strip()

    def stop(self) -> None:
        stop_process(self.process)


_prepared_demo: Path | None = None


def prepared_demo_media() -> Path:
    """A media folder whose demo clips and poster were drawn and prepared, once per process.

    A first `signage serve` draws and encodes them, which took each live server a minute of
    CPU under load; servers of one test process start from a copy of this folder instead.
    `tests/web/test_live_server.py` still watches a first start prepare them for real.
    """
    global _prepared_demo
    if _prepared_demo is None:
        from signage.jobs.preparation import enqueue_demo_media, prepare_claimed
        from signage.media import library
        from signage.parts import build_parts

        root = Path(tempfile.mkdtemp(prefix="signage-demo-media-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        shutil.copytree(DEMO, root / "playlists")
        parts = build_parts({"PLAYLISTS_DIR": root / "playlists", "MEDIA_DIR": root / "media"})
        enqueue_demo_media(parts)
        while row := library.claim_next(parts.store, library.worker_name()):
            assert prepare_claimed(parts, row)["status"] == "ready", row["id"]
        parts.store.engine.dispose()  # the SQLite file is whole before it is copied
        _prepared_demo = root / "media"
    return _prepared_demo


def start_server(
    tmp_path: Path,
    playlists: Path,
    media: Path,
    extra_env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    fresh_media: bool = False,
) -> LiveServer:
    """Start `signage serve` (after `prefix`, e.g. unshare) and wait until /healthz answers.

    A media folder that does not exist yet starts as a copy of `prepared_demo_media()`
    unless `fresh_media`: then the server draws and prepares the demo media itself.
    """
    if not media.exists() and not fresh_media:
        shutil.copytree(prepared_demo_media(), media)
    port = free_port()
    env = {
        **os.environ,
        "SIGNAGE_PLAYLISTS_DIR": str(playlists),
        "SIGNAGE_MEDIA_DIR": str(media),
        "SIGNAGE_PORT": str(port),
        "SIGNAGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SIGNAGE_CONFIG_CHECK_SECONDS": "1",
        **(extra_env or {}),
    }
    log = tmp_path / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "signage", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", env, process, log)
    deadline = time.monotonic() + 90  # a start migrates and loads; a busy machine is slow
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            requests.get(server.url + "/healthz", timeout=5)
            return server
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer in 90 s:\n{log.read_text()}")
