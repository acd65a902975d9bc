"""The scheduler: started by `signage serve` and by each `signage worker`.

Jobs are plain functions of the instance's parts, so tests call them directly. Every
process with a scheduler prepares media (`signage.jobs.preparation`) and keeps its own manifest
cache warm; the housekeeping runs in exactly one process per database, the holder of the
"housekeeping" lease, which another process takes over when its holder stops or dies.
"""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from signage.db import now
from signage.hearings.imports import HearingsImported, fetch_hearings
from signage.jobs.leases import HOUSEKEEPING, release_lease, take_lease
from signage.jobs.preparation import (
    POLL_SECONDS,
    Job,
    PreparationPool,
    preparation_job,
    recover_interrupted,
)
from signage.media.library import worker_name
from signage.packages.subscriptions import check_subscriptions
from signage.parts import Signage
from signage.screens.outages import notify_outages
from signage.screens.plays import prune_plays
from signage.screens.snapshots import prune_snapshots
from signage.screens.uptime import prune_uptime

log = logging.getLogger("signage.jobs")


def renew_seconds(parts: Signage) -> float:
    """How often the lease is renewed: three times per lease, so one late renewal is no loss."""
    return parts.settings.lease_seconds / 3


def reload_configuration(parts: Signage) -> str:
    """Notice hand edits of the YAML folder (and record them as revisions)."""
    return parts.refresh_config(force=True)


def refresh_manifests(parts: Signage) -> int:
    """Rebuild the manifests whose segment boundary passed, so polls stay cache hits."""
    return parts.screens.refresh_due(now())


def requeue_interrupted(parts: Signage) -> list[str]:
    """Queue again the media whose preparing process is gone."""
    return recover_interrupted(parts)


def fetch_hearing_list(parts: Signage) -> HearingsImported | None:
    """Import the hearing list the case system publishes at HEARINGS_URL, when it changed."""
    url = parts.settings.hearings_url
    config = parts.state.current
    if not url or config is None:
        return None
    return fetch_hearings(parts.store, url, config.site.zone)


def watch_screens(parts: Signage) -> dict[str, list[str]]:
    """Call the outage webhook for screens dark during their scheduled hours, and back."""
    config = parts.state.current
    if config is None:
        return {"offline": [], "back": []}
    settings = parts.settings
    return notify_outages(
        parts.store,
        config,
        now(),
        settings.offline_after_polls,
        settings.alert_webhook,
    )


def prune_screen_snapshots(parts: Signage) -> int:
    """Keep a week of the screens' pictures, a few per hour; how many were dropped."""
    return prune_snapshots(parts.store, now())


def prune_screen_uptime(parts: Signage) -> int:
    """Drop the screens' on-hours older than KEEP_HEARTBEATS_DAYS; how many stretches."""
    return prune_uptime(parts.store, now(), parts.settings.keep_heartbeats_days)


def prune_old_plays(parts: Signage) -> int:
    """Delete proof-of-play records older than KEEP_PLAYS_DAYS; how many were dropped."""
    return prune_plays(parts.store, now(), parts.settings.keep_plays_days)


def keep_lease(parts: Signage) -> bool:
    """Take or renew the housekeeping lease; whether this process does the housekeeping."""
    held = take_lease(parts.store, HOUSEKEEPING, worker_name(), parts.settings.lease_seconds)
    if held != parts.housekeeper:
        log.info("housekeeping %s", "taken on by this process" if held else "left to another")
        if held and parts.scheduler is not None:
            # A takeover (the holder stopped or was killed) does the housekeeping at once:
            # a preparation the holder left half done is queued again now, not 30 s later.
            for job, _seconds in housekeeping_jobs(parts):
                parts.scheduler.modify_job(job.__name__, next_run_time=dt.datetime.now(dt.UTC))
    parts.housekeeper = held
    return held


def housekeeping_jobs(parts: Signage) -> list[tuple[Job, float]]:
    """The jobs only the lease holder runs, and how many seconds apart."""
    settings = parts.settings
    watch = [(watch_screens, 30)] if settings.alert_webhook else []
    hearings = [(fetch_hearing_list, settings.hearings_fetch_seconds)]
    feeds = [(check_subscriptions, settings.subscribe_minutes * 60)]
    return [
        (reload_configuration, settings.config_check_seconds),
        (requeue_interrupted, 30),
        (prune_screen_snapshots, 3600),
        (prune_screen_uptime, 3600),
        (prune_old_plays, 3600),
        *watch,
        *(hearings if settings.hearings_url else []),
        *(feeds if settings.subscribe else []),
    ]


def scheduled_jobs(
    parts: Signage, pool: PreparationPool, *, serves_web: bool = True
) -> list[tuple[Job, float]]:
    """Every job of a process with a scheduler, and how many seconds apart it runs."""
    # Manifests are cached per process: warming them helps only where polls are answered
    # (`signage serve`). gunicorn's processes rebuild theirs on the first poll after a
    # boundary, and learn of changes from the database's counters, so a worker skips it.
    warm = [(refresh_manifests, 5)] if serves_web else []
    return [
        (keep_lease, renew_seconds(parts)),
        *warm,
        (preparation_job(pool), POLL_SECONDS),
        *housekeeping_jobs(parts),
    ]


def _run(parts: Signage, job: Job, housekeeping: bool) -> None:
    if housekeeping and not parts.housekeeper:
        return
    try:
        job(parts)
    except Exception:  # a failing job must not stop the scheduler
        log.exception("job %s failed", job.__name__)


def start_scheduler(parts: Signage, *, serves_web: bool = True) -> BaseScheduler:
    """Start the scheduler with every job, in its own thread.

    Never in the main thread, not even for `signage worker`: a stop signal's handler runs
    there, and APScheduler swallows what is raised inside its loop (a SIGTERM that landed
    while it handed a job to its threads left the worker running).
    """
    pool = PreparationPool(parts.settings.job_workers)
    jobs = scheduled_jobs(parts, pool, serves_web=serves_web)
    housekeeping = {job for job, _ in housekeeping_jobs(parts)}
    # One thread per job: each runs at most once at a time, and the encodes run in the
    # pool's own threads, so no job ever waits for a free thread or skips a run.
    executors = {"default": ThreadPoolExecutor(len(jobs))}
    scheduler = BackgroundScheduler(timezone=dt.UTC, executors=executors)
    # APScheduler logs every job added and every run at INFO: a line every second or two
    # would drown the server log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for job, seconds in jobs:
        scheduler.add_job(
            _run,
            "interval",
            args=(parts, job, job in housekeeping),
            seconds=seconds,
            id=job.__name__,
            name=job.__name__,
            max_instances=1,
            coalesce=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
    parts.scheduler = scheduler
    parts.preparation = pool
    keep_lease(parts)  # before the first housekeeping run, which checks it
    log.info("scheduler starting with jobs: %s", ", ".join(j.__name__ for j, _ in jobs))
    scheduler.start()
    return scheduler


def stop_scheduler(parts: Signage) -> None:
    """Stop the jobs and hand the housekeeping lease over at once."""
    scheduler: BaseScheduler | None = parts.scheduler
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=False)
    if parts.preparation is not None:
        parts.preparation.shutdown()
    if parts.housekeeper:
        release_lease(parts.store, HOUSEKEEPING, worker_name())
        parts.housekeeper = False
