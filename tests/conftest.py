"""Shared fixtures: an app on tmp_path with a real SQLite file, and a real running server.

Flask, Playwright and the app are imported inside the fixtures that need them, so the pure
tests (config, schedule, manifest) run without either, as the modules they test do.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from signage.accounts import users
from signage.accounts.tokens import create_token
from signage.accounts.users import add_user, user_by_name
from signage.parts import Signage, build_parts
from signage.screens.keys import ensure_screen_key
from tests.suite_order import Cost, file_order, tree_cpu

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from playwright.sync_api import Browser

    from tests.postgres import PostgresServer
    from tests.support import LiveServer

REPO = Path(__file__).resolve().parent.parent
DEMO_PLAYLISTS = REPO / "playlists"


# Seconds and CPU seconds each test file took in a whole run, for ordering the files (not for
# judging them): `SIGNAGE_RECORD_DURATIONS=1 ./scripts/test` writes those of the files it ran
# again. A file not listed yet counts as its browser/slow tests would, or as quick ones.
DURATIONS = Path(__file__).with_name("durations.json")
SLOW_TEST = Cost(30.0, 6.0)
QUICK_TEST = Cost(0.2, 0.2)
RECORDING = bool(os.environ.get("SIGNAGE_RECORD_DURATIONS"))
_recorded: dict[str, Cost] = {}
_cpu_mark = 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files in the order tests/suite_order.py plans: the parallel run (`--dist loadfile
    --no-loadscope-reorder`) hands whole files out in this order."""
    global _cpu_mark
    known = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    guessed: dict[str, Cost] = {}
    for item in items:
        slow = item.get_closest_marker("browser") or item.get_closest_marker("slow")
        test = SLOW_TEST if slow else QUICK_TEST
        name = _file_of(item.nodeid)
        before = guessed.get(name, Cost(0.0, 0.0))
        guessed[name] = Cost(before.seconds + test.seconds, before.cpu + test.cpu)
    costs = {
        name: Cost(**known[name]) if name in known else guess for name, guess in guessed.items()
    }
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    place = {name: n for n, name in enumerate(file_order(costs, workers, os.cpu_count() or 1))}
    items.sort(key=lambda item: place[_file_of(item.nodeid)])  # stable: files stay whole
    if RECORDING:
        _cpu_mark = tree_cpu()


def _file_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When recording, each phase's report carries the CPU seconds used since the last one
    (a worker's reports reach the controller, which adds them up)."""
    global _cpu_mark
    outcome = yield
    if RECORDING:
        now = tree_cpu()
        outcome.get_result().user_properties.append(("cpu", now - _cpu_mark))
        _cpu_mark = now


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if RECORDING:
        name = _file_of(report.nodeid)
        before = _recorded.get(name, Cost(0.0, 0.0))
        cpu = dict(report.user_properties).get("cpu", 0.0)
        _recorded[name] = Cost(before.seconds + report.duration, before.cpu + cpu)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _recorded and not hasattr(session.config, "workerinput"):  # the controller only
        known = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
        known |= {
            name: {"seconds": round(cost.seconds, 1), "cpu": round(cost.cpu, 1)}
            for name, cost in _recorded.items()
        }
        DURATIONS.write_text(json.dumps(dict(sorted(known.items())), indent=1) + "\n")


@pytest.fixture
def playlists_dir(tmp_path: Path) -> Path:
    """A private copy of the demo configuration that a test may edit."""
    folder = tmp_path / "playlists"
    shutil.copytree(DEMO_PLAYLISTS, folder)
    return folder


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Debian's PostgreSQL, started once for the session as an unprivileged user."""
    from tests.postgres import PostgresServer, missing_reason

    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def database_url() -> str | None:
    """The database of a test's instance; None: SQLite in the media folder (the default).

    Test folders that run against PostgreSQL too override this with a parametrised one.
    """
    return None


def _settings(playlists_dir: Path, media_dir: Path, database_url: str | None) -> dict:
    settings = {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "CONFIG_CHECK_SECONDS": 1}
    return {**settings, "DATABASE_URL": database_url} if database_url else settings


@pytest.fixture
def parts(playlists_dir: Path, media_dir: Path, database_url: str | None) -> Iterator[Signage]:
    """The instance's parts without the web edge: what the command line and jobs get."""
    instance = build_parts(_settings(playlists_dir, media_dir, database_url))
    yield instance
    instance.store.engine.dispose()  # PostgreSQL connections are closed, not left to GC


@pytest.fixture
def app(playlists_dir: Path, media_dir: Path, database_url: str | None) -> Iterator[Flask]:
    from signage import create_app

    instance = create_app(_settings(playlists_dir, media_dir, database_url))
    yield instance
    instance.extensions["signage"].store.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def screen_key(app: Flask) -> Callable[[str], str]:
    """key_for(screen_id): the screen's key, created on first use."""
    signage = app.extensions["signage"]
    return lambda screen_id: ensure_screen_key(signage.store, signage.screens.secret_key, screen_id)


def _token(app: Flask, name: str, role: str) -> str:
    store = app.extensions["signage"].store
    if user_by_name(store, name) is None:
        add_user(store, name, role, "correct horse battery")
    return create_token(store, name)


@pytest.fixture
def admin_token(app: Flask) -> str:
    return _token(app, "admin", "admin")


@pytest.fixture
def editor_token(app: Flask) -> str:
    return _token(app, "editor", "editor")


@pytest.fixture
def live_server(tmp_path: Path, playlists_dir: Path, media_dir: Path) -> Iterator[LiveServer]:
    from tests.support import start_server

    server = start_server(tmp_path, playlists_dir, media_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; tests open their own contexts."""
    from playwright.sync_api import sync_playwright

    from tests.support import CHROMIUM, launch_chromium, machine_clock

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (./scripts/setup --browser)")
    with machine_clock():
        playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
        _BROWSERS.append(browser)
        yield browser
        _BROWSERS.remove(browser)
        browser.close()
    finally:
        playwright.stop()


_BROWSERS: list[Browser] = []


@pytest.fixture(scope="session", autouse=True)
def _each_password_hashed_once() -> Iterator[None]:
    """werkzeug's scrypt costs some 80 ms of CPU each time, and the suite's own processes
    hashed or checked the same few passwords about 500 times (a tenth of its CPU on two
    cores). Here each password is hashed once per process and each (hash, password) checked
    once: still by scrypt, as in production, only not again. The servers tests start as
    processes hash as they always do."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("generate_password_hash", "check_password_hash"):
            patch.setattr(users, name, functools.cache(getattr(users, name)))
        yield


@pytest.fixture(scope="module", autouse=True)
def _close_pages_left_open() -> Iterator[None]:
    """At the end of each file, every page it left open in the session's Chromium is closed.

    A display page left open plays on, decoding video, for the rest of the session: with a
    few of them, the later files' players are starved and their timings fail.
    """
    yield
    for browser in _BROWSERS:
        for context in browser.contexts:
            context.close()
