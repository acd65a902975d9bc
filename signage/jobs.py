"""The scheduler: started once per process tree by `signage serve` or `signage worker`.

Jobs are plain functions of the instance's parts, so tests call them directly: the
housekeeping below and the media preparation jobs of `signage.media.worker`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from signage.db import now
from signage.hearings.imports import fetch_hearings
from signage.media.worker import Job, preparation_jobs
from signage.parts import Signage

log = logging.getLogger("signage.jobs")

ALIVE_KEY = "scheduler:seen"
ALIVE_EVERY = 30  # seconds
ALIVE_WITHIN = dt.timedelta(seconds=3 * ALIVE_EVERY)


def reload_configuration(parts: Signage) -> str:
    """Notice hand edits of the YAML folder."""
    return parts.refresh_config(force=True)


def refresh_manifests(parts: Signage) -> int:
    """Rebuild the manifests whose segment boundary passed, so polls stay cache hits."""
    return parts.screens.refresh_due(now())


def record_alive(parts: Signage) -> None:
    """Tell other processes (web workers, /healthz) that a scheduler runs."""
    parts.store.set_meta(ALIVE_KEY, now().isoformat())


def fetch_hearing_list(parts: Signage) -> dict[str, Any] | None:
    """Import the hearing list the case system publishes at HEARINGS_URL, when it changed."""
    url = parts.settings["HEARINGS_URL"]
    config = parts.state.current
    if not url or config is None:
        return None
    return fetch_hearings(parts.store, url, config.site.zone)


def _run(parts: Signage, job: Job) -> None:
    try:
        job(parts)
    except Exception:  # a failing job must not stop the scheduler
        log.exception("job %s failed", job.__name__)


def scheduled_jobs(parts: Signage) -> list[tuple[Job, float]]:
    """Every job and how many seconds apart it runs."""
    settings = parts.settings
    hearings = [(fetch_hearing_list, settings["HEARINGS_FETCH_SECONDS"])]
    return [
        (reload_configuration, settings["CONFIG_CHECK_SECONDS"]),
        (refresh_manifests, 5),
        (record_alive, ALIVE_EVERY),
        *(hearings if settings["HEARINGS_URL"] else []),
        *preparation_jobs(settings["JOB_WORKERS"]),
    ]


def start_scheduler(parts: Signage, *, blocking: bool = False) -> BaseScheduler:
    """Start the scheduler with every job; blocking for `signage worker`."""
    jobs = scheduled_jobs(parts)
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=dt.UTC) if blocking else BackgroundScheduler(timezone=dt.UTC)
    )
    for job, seconds in jobs:
        scheduler.add_job(
            _run,
            "interval",
            args=(parts, job),
            seconds=seconds,
            id=job.__name__,
            name=job.__name__,
            max_instances=1,
            coalesce=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
    parts.scheduler = scheduler
    # APScheduler logs every run at INFO: a line every second or two drowns the server log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    log.info("scheduler starting with jobs: %s", ", ".join(j.__name__ for j, _ in jobs))
    scheduler.start()
    return scheduler


def scheduler_report(parts: Signage) -> dict[str, Any]:
    """Whether a scheduler runs here or, judging by its last sign of life, elsewhere."""
    scheduler: BaseScheduler | None = parts.scheduler
    if scheduler is not None and scheduler.running:
        return {
            "alive": True,
            "where": "this process",
            "jobs": sorted(job.id for job in scheduler.get_jobs()),
        }
    seen = parts.store.get_meta(ALIVE_KEY)
    seen_at = dt.datetime.fromisoformat(seen) if seen else None
    alive = seen_at is not None and now() - seen_at < ALIVE_WITHIN
    return {
        "alive": alive,
        "where": "another process" if alive else "not running",
        "last_seen": seen,
    }
