"""Scheduled jobs are plain functions; housekeeping runs in one lease holder per database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from signage import create_app
from signage.config.history import list_revisions
from signage.db import now
from signage.jobs.leases import HOUSEKEEPING, lease_row, scheduler_report, take_lease
from signage.jobs.preparation import PreparationPool
from signage.jobs.scheduler import (
    housekeeping_jobs,
    keep_lease,
    refresh_manifests,
    reload_configuration,
    scheduled_jobs,
    start_scheduler,
    stop_scheduler,
)
from signage.parts import Signage, build_parts


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
    assert refresh_manifests(app.extensions["signage"]) == 6  # every screen of the demo built once
    assert refresh_manifests(app.extensions["signage"]) == 0  # nothing passed, nothing changed
    boundary = service.manifest("lobby-east", now()).valid_until
    assert boundary - now() <= dt.timedelta(hours=12)
    assert service.refresh_due(boundary + dt.timedelta(seconds=1)) >= 1


def test_scheduler_runs_the_jobs_and_reports_itself(app: Flask) -> None:
    signage = app.extensions["signage"]
    assert scheduler_report(signage)["alive"] is False
    start_scheduler(signage)
    try:
        report = scheduler_report(signage)
        assert report["alive"] and report["where"] == "this process"
        assert {"keep_lease", "reload_configuration", "refresh_manifests", "prepare_media"} <= set(
            report["jobs"]
        )
        # One thread per job; encodes have their own: no job ever waits or skips a run.
        assert signage.scheduler._executors["default"]._pool._max_workers == len(report["jobs"])
    finally:
        stop_scheduler(signage)
    assert scheduler_report(signage)["alive"] is False  # handed over at once on a clean stop


def test_a_process_taking_the_housekeeping_over_does_it_at_once(app: Flask) -> None:
    signage = app.extensions["signage"]
    assert take_lease(signage.store, HOUSEKEEPING, "elsewhere:1", 30)
    start_scheduler(signage)
    try:
        requeue = signage.scheduler.get_job("requeue_interrupted")
        deadline = time.monotonic() + 10
        while requeue.next_run_time < now() + dt.timedelta(seconds=20):  # its first run
            assert time.monotonic() < deadline, "the scheduler did not run its jobs"
            time.sleep(0.05)
            requeue = signage.scheduler.get_job("requeue_interrupted")
        signage.scheduler.pause()
        assert signage.housekeeper is False
        take_lease(signage.store, HOUSEKEEPING, "elsewhere:1", -1)  # its holder is gone
        assert keep_lease(signage)
        # every housekeeping job is due now, not at its next interval
        for job, _seconds in housekeeping_jobs(signage):
            assert signage.scheduler.get_job(job.__name__).next_run_time <= now(), job.__name__
    finally:
        stop_scheduler(signage)


def test_exactly_one_process_holds_the_housekeeping_lease_and_another_takes_over(
    playlists_dir: Path, media_dir: Path
) -> None:
    store = build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir}).store
    assert take_lease(store, HOUSEKEEPING, "a:1", 30)
    assert not take_lease(store, HOUSEKEEPING, "b:2", 30)
    assert take_lease(store, HOUSEKEEPING, "a:1", 30)  # renewal
    assert lease_row(store, HOUSEKEEPING)["holder"] == "a:1"
    assert take_lease(store, HOUSEKEEPING, "a:1", -1)  # a:1 dies: its lease runs out
    assert take_lease(store, HOUSEKEEPING, "b:2", 30)
    assert not take_lease(store, HOUSEKEEPING, "a:1", 30)

    # Many processes asking at once: exactly one wins each round.
    for lease in ("round-1", "round-2", "round-3"):
        with ThreadPoolExecutor(8) as threads:
            won = list(
                threads.map(
                    take_lease, [store] * 8, [lease] * 8, [f"p:{n}" for n in range(8)], [30] * 8
                )
            )
        assert won.count(True) == 1


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`signage worker` with env, and the variables that set the suite's clock when
    scripts/test-on-date runs it (libfaketime's, and the path to its sitecustomize), so the
    worker's leases are stamped on the test's day."""
    clock = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("FAKETIME") or name in ("LD_PRELOAD", "PYTHONPATH")
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "signage", "worker"],
            env={**env, **clock},
            stdout=out,
            stderr=out,
        )


def stop_worker(worker: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM, which must stop it within 30 s; killed when it did not, so that a worker that
    ignores the signal fails this test alone, not a later one (a process left running), and
    says where its threads were waiting (SIGUSR1, into its log)."""
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.send_signal(signal.SIGUSR1)  # its threads' stacks, into its log
        time.sleep(1)
        worker.kill()
        worker.wait()
        raise AssertionError(
            f"the worker did not stop on SIGTERM within 30 s:\n{log.read_text()}"
        ) from None


def holder_pid(parts: Signage, seconds: float = 90) -> int:
    """The pid of the process holding the housekeeping lease, once someone does.

    90 s as for a server's start: a worker process imports and migrates first, which took
    over 30 s under the load of the whole suite on two cores.
    """
    deadline = time.monotonic() + seconds
    while not (report := scheduler_report(parts))["alive"]:
        assert time.monotonic() < deadline, "nobody took the housekeeping lease"
        time.sleep(0.2)
    return int(report["holder"].split(":")[1])  # host:pid:instance


@pytest.mark.slow
def test_when_the_housekeeper_dies_another_worker_takes_over(
    playlists_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    parts = build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir})
    lease, renew = 6, 2  # the setting, not the default 30 s: the same steps in a fifth
    env = {
        "SIGNAGE_PLAYLISTS_DIR": str(playlists_dir),
        "SIGNAGE_MEDIA_DIR": str(media_dir),
        "SIGNAGE_LEASE_SECONDS": str(lease),
        "PATH": "/usr/bin:/bin",
    }
    workers = [start_worker(env, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        first = holder_pid(parts)
        assert first in {w.pid for w in workers}
        time.sleep(2 * renew)  # the other asks meanwhile and is refused
        assert holder_pid(parts) == first
        holder = next(w for w in workers if w.pid == first)
        holder.kill()  # no clean stop: the lease has to run out
        holder.wait()
        deadline = time.monotonic() + lease + 3 * renew
        while scheduler_report(parts)["holder"].split(":")[1] == str(first):
            assert time.monotonic() < deadline, "the lease was never taken over"
            time.sleep(0.5)
        assert holder_pid(parts) in {w.pid for w in workers} - {first}
    finally:
        for n, worker in enumerate(workers):
            stop_worker(worker, tmp_path / f"worker-{n}.log")


def test_a_hand_edit_seen_by_many_processes_is_one_revision(
    playlists_dir: Path, media_dir: Path
) -> None:
    settings = {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir}
    processes = [build_parts(settings) for _ in range(4)]
    store = processes[0].store
    evening = playlists_dir / "evening.yaml"
    for edit in range(3):
        evening.write_text(
            evening.read_text(encoding="utf-8") + f"# edit {edit}\n", encoding="utf-8"
        )
        with ThreadPoolExecutor(len(processes)) as threads:
            list(threads.map(reload_configuration, processes))
    disk_revisions = [r for r in list_revisions(store, "evening.yaml") if r.author == "disk"]
    assert len(disk_revisions) == 1 + 3  # the first load, then each edit once


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
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        assert holder_pid(web.extensions["signage"]) == worker.pid
        assert scheduler_report(web.extensions["signage"])["where"] == "another process"
    finally:
        stop_worker(worker, log)
    # SIGTERM is a clean stop: the lease is handed back, not left to run out.
    assert scheduler_report(web.extensions["signage"])["alive"] is False
    assert "worker stopped" in log.read_text()


def test_a_worker_does_not_warm_manifests_nobody_asks_it_for(parts: Signage) -> None:
    pool = PreparationPool(1)
    try:
        worker = {job.__name__ for job, _ in scheduled_jobs(parts, pool, serves_web=False)}
        serve = {job.__name__ for job, _ in scheduled_jobs(parts, pool, serves_web=True)}
    finally:
        pool.shutdown()
    assert serve - worker == {"refresh_manifests"}
    assert {"keep_lease", "prepare_media", "reload_configuration"} <= worker


def test_a_reload_while_a_manifest_is_built_never_leaves_the_old_one_cached(
    app: Flask, playlists_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hand edit lands (in the reload job's thread) while a request builds a manifest
    from the configuration it read a moment before: the next poll gets the edit."""
    signage = app.extensions["signage"]
    service = signage.screens
    site = playlists_dir / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert "name: 诉讼服务中心东侧大屏" in text
    site.write_text(text.replace("name: 诉讼服务中心东侧大屏", "name: 东侧大屏"), encoding="utf-8")
    counters = service.counters

    def reload_meanwhile() -> dict[str, str]:
        monkeypatch.setattr(service, "counters", counters)
        assert reload_configuration(signage) == "loaded"
        return counters()

    monkeypatch.setattr(service, "counters", reload_meanwhile)
    service.manifest("lobby-east", now())  # built from the configuration read before the edit
    assert service.manifest("lobby-east", now()).body["screen"]["name"] == "东侧大屏"
