"""Scheduled jobs are plain functions; the scheduler runs them once per process tree."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from signage import create_app
from signage.db import now
from signage.jobs import (
    record_alive,
    refresh_manifests,
    reload_configuration,
    scheduler_report,
    start_scheduler,
)


def test_reload_job_notices_a_hand_edit_and_keeps_the_last_good(
    app: Flask, playlists_dir: Path
) -> None:
    signage = app.extensions["signage"]
    version = signage.state.version
    evening = playlists_dir / "evening.yaml"
    evening.write_text(
        evening.read_text(encoding="utf-8").replace("夜间及节假日轮播", "夜间轮播"),
        encoding="utf-8",
    )
    assert reload_configuration(app.extensions["signage"]) == "loaded"
    assert signage.state.version == version + 1
    assert signage.state.current.playlists["evening"].name == "夜间轮播"
    evening.write_text("name: [broken\n", encoding="utf-8")
    assert reload_configuration(app.extensions["signage"]) == "rejected"
    assert signage.state.current.playlists["evening"].name == "夜间轮播"
    assert signage.state.errors[0].file == "evening.yaml"
    assert reload_configuration(app.extensions["signage"]) == "unchanged"


def test_manifest_job_rebuilds_only_after_a_boundary(
    app: Flask, screen_key: Callable[[str], str]
) -> None:
    service = app.extensions["signage"].screens
    assert refresh_manifests(app.extensions["signage"]) == 4  # every screen built once
    assert refresh_manifests(app.extensions["signage"]) == 0  # nothing passed, nothing changed
    boundary = service.manifest("lobby-east", now()).valid_until
    assert boundary - now() <= dt.timedelta(hours=12)
    assert service.refresh_due(boundary + dt.timedelta(seconds=1)) >= 1


def test_scheduler_runs_the_jobs_and_reports_itself(app: Flask) -> None:
    assert scheduler_report(app.extensions["signage"])["alive"] is False
    scheduler = start_scheduler(app.extensions["signage"])
    try:
        deadline = time.monotonic() + 10
        while app.extensions["signage"].store.get_meta("scheduler:seen") is None:
            assert time.monotonic() < deadline, "record_alive never ran"
            time.sleep(0.05)
        report = scheduler_report(app.extensions["signage"])
        assert report["alive"] and report["where"] == "this process"
        assert {"reload_configuration", "refresh_manifests", "record_alive"} <= set(report["jobs"])
    finally:
        scheduler.shutdown(wait=True)


def test_worker_process_is_seen_by_the_web_process(
    playlists_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    settings = {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir}
    web = create_app(settings)
    env = {
        "SIGNAGE_PLAYLISTS_DIR": str(playlists_dir),
        "SIGNAGE_MEDIA_DIR": str(media_dir),
        "PATH": "/usr/bin:/bin",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "signage", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not scheduler_report(web.extensions["signage"])["alive"]:
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker never reported"
            time.sleep(0.1)
        assert scheduler_report(web.extensions["signage"])["where"] == "another process"
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    record_alive(
        web.extensions["signage"]
    )  # a job is a plain function: callable without any scheduler
    assert scheduler_report(web.extensions["signage"])["alive"]
