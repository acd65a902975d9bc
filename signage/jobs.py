"""The scheduler: started once per process tree by `signage serve` or `signage worker`.

Jobs are plain functions of the app, run inside its context, so tests call them directly.
Other parts add theirs with `add_job` from their `init_app`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from signage.store import now

log = logging.getLogger("signage.jobs")

ALIVE_KEY = "scheduler:seen"
ALIVE_EVERY = 30  # seconds
ALIVE_WITHIN = dt.timedelta(seconds=3 * ALIVE_EVERY)

Job = Callable[[Flask], Any]


def reload_configuration(app: Flask) -> str:
    """Notice hand edits of the YAML folder."""
    return app.extensions["signage"].refresh_config(force=True)


def refresh_manifests(app: Flask) -> int:
    """Rebuild the manifests whose segment boundary passed, so polls stay cache hits."""
    return app.extensions["signage"].screens.refresh_due(now())


def record_alive(app: Flask) -> None:
    """Tell other processes (web workers, /healthz) that a scheduler runs."""
    app.extensions["signage"].store.set_meta(ALIVE_KEY, now().isoformat())


def add_job(app: Flask, job: Job, seconds: float) -> None:
    """Register a job to run every `seconds` once a scheduler starts."""
    app.extensions.setdefault("signage.jobs", []).append((job, seconds))


def _run(app: Flask, job: Job) -> None:
    with app.app_context():
        try:
            job(app)
        except Exception:  # a failing job must not stop the scheduler
            log.exception("job %s failed", job.__name__)


def start_scheduler(app: Flask, *, blocking: bool = False) -> BaseScheduler:
    """Start the scheduler with every registered job; blocking for `signage worker`."""
    settings = app.extensions["signage"].settings
    jobs: list[tuple[Job, float]] = [
        (reload_configuration, settings["CONFIG_CHECK_SECONDS"]),
        (refresh_manifests, 5),
        (record_alive, ALIVE_EVERY),
        *app.extensions.get("signage.jobs", []),
    ]
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=dt.UTC) if blocking else BackgroundScheduler(timezone=dt.UTC)
    )
    for job, seconds in jobs:
        scheduler.add_job(
            _run,
            "interval",
            args=(app, job),
            seconds=seconds,
            id=job.__name__,
            name=job.__name__,
            max_instances=1,
            coalesce=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
    app.extensions["signage.scheduler"] = scheduler
    # APScheduler logs every run at INFO: a line every second or two drowns the server log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    log.info("scheduler starting with jobs: %s", ", ".join(j.__name__ for j, _ in jobs))
    scheduler.start()
    return scheduler


def scheduler_report(app: Flask) -> dict[str, Any]:
    """Whether a scheduler runs here or, judging by its last sign of life, elsewhere."""
    scheduler: BaseScheduler | None = app.extensions.get("signage.scheduler")
    if scheduler is not None and scheduler.running:
        return {
            "alive": True,
            "where": "this process",
            "jobs": sorted(job.id for job in scheduler.get_jobs()),
        }
    seen = app.extensions["signage"].store.get_meta(ALIVE_KEY)
    seen_at = dt.datetime.fromisoformat(seen) if seen else None
    alive = seen_at is not None and now() - seen_at < ALIVE_WITHIN
    return {
        "alive": alive,
        "where": "another process" if alive else "not running",
        "last_seen": seen,
    }
