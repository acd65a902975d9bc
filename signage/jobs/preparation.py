"""Preparation: queued media is claimed and prepared by a pool of ``JOB_WORKERS`` threads.

The scheduler's job only hands claimed media to free threads and returns at once, so it
never overlaps itself however long a clip encodes. Several processes (on several machines)
may prepare from one database; a claim is a compare-and-set, so no clip is prepared twice.
A process is known as ``host:pid:instance``, the instance being new at every start: in a
container the server is PID 1 after every restart, so the pid alone cannot tell a crashed
claim from a live one. While a preparation runs, its row's ``updated_at`` beats every
HEARTBEAT; media left ``processing`` by a process that is gone (a crash, a restart), or whose
heartbeat stopped for STALLED, is queued again, and half-written files are removed.
``signage import`` and the demo use the same path as uploads.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from signage.db import Store, now
from signage.errors import SignageError
from signage.media import library
from signage.media.demo import DEMO_ITEMS, make_demo_files
from signage.media.ffmpeg import Binaries, Progress, locate_binaries
from signage.media.library import worker_name
from signage.media.prepare import prepare_media, remove_partials
from signage.media.uploads import stored_name
from signage.parts import Signage
from signage.phrases import N_

log = logging.getLogger("signage.media")

Job = Callable[[Signage], Any]

POLL_SECONDS = 2
HEARTBEAT = dt.timedelta(seconds=30)
# A claim whose heartbeat stopped this long ago is taken back, whoever holds it.
STALLED = dt.timedelta(minutes=10)
PARTIALS_OLDER_THAN = 600  # seconds; younger ones may belong to a running preparation
PROGRESS_EVERY = 1.0  # seconds between progress writes
DEMO_DONE = "media:demo"


def still_working(row: dict[str, Any]) -> bool:
    """Whether the worker named in a processing row may still be preparing it."""
    claimed_by = row["claimed_by"] or ""
    if claimed_by == worker_name():
        return True
    host, pid, _instance = (claimed_by.split(":") + ["", "", ""])[:3]
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return False  # our pid under another instance: an earlier start of this process
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, under another user
            pass
    # Alive as far as can be seen (or on another machine): trust its heartbeat.
    return now() - row["updated_at"] < STALLED


@contextmanager
def heartbeat(store: Store, media_id: str) -> Iterator[None]:
    """Keep the claim's ``updated_at`` fresh while the block runs (probing, encoding…)."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(HEARTBEAT.total_seconds()):
            library.report_alive(store, media_id)

    beater = threading.Thread(target=beat, name=f"heartbeat-{media_id}", daemon=True)
    beater.start()
    try:
        yield
    finally:
        done.set()
        beater.join()


def _binaries(parts: Signage) -> Binaries:
    settings = parts.settings
    return locate_binaries(settings.ffmpeg, settings.ffprobe)


def _media_dir(parts: Signage) -> Path:
    return Path(parts.settings.media_dir)


def _throttled(store: Store, media_id: str, also: Progress | None) -> Progress:
    last = 0.0

    def progress(fraction: float) -> None:
        nonlocal last
        if also is not None:
            also(fraction)
        if time.monotonic() - last >= PROGRESS_EVERY or fraction >= 1.0:
            last = time.monotonic()
            library.report_progress(store, media_id, fraction)

    return progress


def prepare_claimed(
    parts: Signage, row: dict[str, Any], on_progress: Progress | None = None
) -> dict[str, Any]:
    """Prepare one claimed media row to ready or failed; the row as it ends."""
    store, media_dir = parts.store, _media_dir(parts)
    upload = library.uploads_folder(media_dir) / (row["upload"] or "-")
    started = time.monotonic()
    try:
        if not upload.is_file():
            raise SignageError(
                N_("the uploaded file is gone from the server; upload it again"),
                code="upload_missing",
            )
        with heartbeat(store, row["id"]):
            prepared = prepare_media(
                upload,
                library.files_folder(media_dir),
                _binaries(parts),
                max_seconds=parts.settings.max_clip_minutes * 60,
                max_frame_rate=parts.settings.max_frame_rate,
                # A package's file was prepared by its publisher: kept, it keeps its name.
                keep_prepared=bool(row.get("publisher")),
                on_progress=_throttled(store, row["id"], on_progress),
            )
        library.mark_ready(store, row["id"], prepared)
        library.count_preparation(store, time.monotonic() - started)
        how = "copied"
        if prepared.reencoded:
            # Why it was encoded again (profile, size, rotation ...) tells admins what to
            # ask of whoever supplies the clips, so later uploads need no encoding.
            why = "; ".join(prepared.plan.reasons) if prepared.plan else ""
            how = f"re-encoded: {why}" if why else "re-encoded"
        log.info("media %s ready: %s (%s)", row["id"], prepared.path.name, how)
    except SignageError as error:
        library.mark_failed(store, row["id"], error)
        log.warning("media %s failed: %s", row["id"], error.message)
    except Exception:
        log.exception("preparing media %s failed unexpectedly", row["id"])
        library.mark_failed(
            store,
            row["id"],
            SignageError(
                N_(
                    "preparation failed unexpectedly; "
                    "ask the administrator to look at the server log"
                ),
                code="internal_error",
            ),
        )
    if row["upload"]:
        upload.unlink(missing_ok=True)
    parts.screens.invalidate()
    return library.media_row(store, row["id"])


def recover_interrupted(parts: Signage) -> list[str]:
    """Queue again media whose worker is gone, and clear the half-written files it left."""
    store, media_dir = parts.store, _media_dir(parts)
    requeued = library.requeue_interrupted(store, still_working)
    for folder in (library.files_folder(media_dir), library.uploads_folder(media_dir)):
        remove_partials(folder, older_than=PARTIALS_OLDER_THAN)
    if requeued:
        log.warning("media preparation interrupted, queued again: %s", ", ".join(requeued))
    return requeued


class PreparationPool:
    """``JOB_WORKERS`` threads preparing claimed media; `dispatch` hands them work."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare")
        self._busy = 0
        self._lock = threading.Lock()

    def _free(self) -> bool:
        with self._lock:
            return self._busy < self.workers

    def _prepare(self, parts: Signage, row: dict[str, Any]) -> None:
        try:
            prepare_claimed(parts, row)
        finally:
            with self._lock:
                self._busy -= 1

    def dispatch(self, parts: Signage) -> list[str]:
        """Claim queued media for every free thread; the ids handed over."""
        handed = []
        while self._free() and (row := library.claim_next(parts.store, worker_name())):
            with self._lock:
                self._busy += 1
            self._threads.submit(self._prepare, parts, row)
            handed.append(row["id"])
        return handed

    def shutdown(self) -> None:
        """Stop taking work; preparations under way finish (or are queued again later)."""
        self._threads.shutdown(wait=False, cancel_futures=True)


def import_file(
    parts: Signage,
    source: Path,
    *,
    media_id: str | None = None,
    title: str | None = None,
    created_by: str | None = None,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """Copy a file into the library and prepare it here and now; the row as it ends."""
    store, media_dir = parts.store, _media_dir(parts)
    chosen = library.new_media_id(store, media_id, source.name)
    folder = library.uploads_folder(media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / stored_name(source.name)
    partial = folder / f".partial-{uuid.uuid4().hex}"
    try:
        shutil.copyfile(source, partial)
        partial.rename(upload)
        row = library.enqueue(
            store,
            chosen,
            upload=upload.name,
            original_name=source.name,
            title=title,
            created_by=created_by,
            claimed_by=worker_name(),
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        upload.unlink(missing_ok=True)
        raise
    return prepare_claimed(parts, row, on_progress)


def enqueue_demo_media(parts: Signage) -> list[str]:
    """On the first start, draw the demo clips and poster and queue them; their ids."""
    store = parts.store
    missing = [item for item in DEMO_ITEMS if not library.media_exists(store, item.media_id)]
    if store.get_meta(DEMO_DONE) or not missing:
        return []
    uploads = library.uploads_folder(_media_dir(parts))
    scratch = uploads / f".partial-demo-{uuid.uuid4().hex}"
    try:
        drawn = make_demo_files(scratch, _binaries(parts))
        for item in missing:
            upload = uploads / stored_name(drawn[item.media_id].name)
            drawn[item.media_id].rename(upload)
            library.enqueue(
                store,
                item.media_id,
                upload=upload.name,
                original_name=None,
                title=item.title,
                created_by=None,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    store.set_meta(DEMO_DONE, now().isoformat())  # deleted demo media stays deleted
    return [item.media_id for item in missing]


def preparation_job(pool: PreparationPool) -> Job:
    """The scheduler's job: hand queued media to the pool's free threads."""

    def prepare_media(parts: Signage) -> list[str]:
        return pool.dispatch(parts)

    return prepare_media
