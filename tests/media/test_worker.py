"""Preparation jobs on a real app: queue to ready or failed, restarts, the demo, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from signage import create_app
from signage.accounts.users import add_user
from signage.db import media, now
from signage.errors import SignageError
from signage.jobs import preparation
from signage.jobs.preparation import (
    STALLED,
    PreparationPool,
    enqueue_demo_media,
    heartbeat,
    recover_interrupted,
)
from signage.media import library
from signage.media.library import worker_name
from signage.phrases import N_
from tests.admin.test_sign_in import PASSWORD, sign_in
from tests.media.preparing import prepare_queued

pytestmark = pytest.mark.slow


def queue_file(app: Flask, source: Path, media_id: str, *, claimed_by: str | None = None) -> None:
    """Put a file into the uploads folder and queue it, as an upload does."""
    uploads = library.uploads_folder(app.extensions["signage"].settings.media_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    name = f"{media_id}-upload{source.suffix}"
    shutil.copyfile(source, uploads / name)
    library.enqueue(
        app.extensions["signage"].store,
        media_id,
        upload=name,
        original_name=source.name,
        title=None,
        created_by="admin",
        claimed_by=claimed_by,
    )


def _row(app: Flask, media_id: str) -> dict:
    return library.media_row(app.extensions["signage"].store, media_id)


def _media_dir(app: Flask) -> Path:
    return Path(app.extensions["signage"].settings.media_dir)


def test_queued_media_becomes_ready_and_reaches_the_manifest(app, conforming_mp4, screen_key):
    queue_file(app, conforming_mp4, "anti-fraud")  # the demo playlists play this id

    assert prepare_queued(app.extensions["signage"]) == ["anti-fraud"]

    row = _row(app, "anti-fraud")
    assert (row["status"], row["progress"], row["upload"]) == ("ready", 1.0, None)
    assert (library.files_folder(_media_dir(app)) / row["file"]).is_file()
    assert list(library.uploads_folder(_media_dir(app)).iterdir()) == []
    screen_key("lobby-east")
    manifest = app.extensions["signage"].screens.manifest("lobby-east", now()).body
    urls = [item.get("url") for segment in manifest["segments"] for item in segment["items"]]
    assert f"/media/files/{row['file']}" in urls


def test_a_refused_file_fails_with_its_reason_and_is_removed(app, text_named_mp4):
    queue_file(app, text_named_mp4, "notes")

    prepare_queued(app.extensions["signage"])

    row = _row(app, "notes")
    assert (row["status"], row["error_code"]) == ("failed", "not_media")
    assert row["error"] == "the file is not a video or is damaged"
    assert list(library.uploads_folder(_media_dir(app)).iterdir()) == []


def test_a_vanished_upload_fails_in_plain_words(app, conforming_mp4):
    queue_file(app, conforming_mp4, "gone")
    for upload in library.uploads_folder(_media_dir(app)).iterdir():
        upload.unlink()

    prepare_queued(app.extensions["signage"])

    assert _row(app, "gone")["error_code"] == "upload_missing"


def test_a_failed_preparation_is_told_on_the_media_page_in_its_language(app, text_named_mp4):
    queue_file(app, text_named_mp4, "notes")
    prepare_queued(app.extensions["signage"])
    add_user(app.extensions["signage"].store, "root", "admin", PASSWORD)
    client = app.test_client()
    sign_in(client, "root")
    chinese, english = "此文件不是视频或图片，或者已损坏", "the file is not a video or is damaged"

    for path in ("/admin/media", "/admin/media/notes/row"):  # the table, and the row followed
        page = client.get(path).get_data(as_text=True)
        assert chinese in page and english not in page, path
    # The API, and the command line, keep the English and the code.
    answer = client.get("/api/v1/media/notes", headers={"Accept": "application/json"}).get_json()
    assert (answer["error"], answer["error_code"]) == (english, "not_media")
    assert "error_phrase" not in answer
    client.set_cookie("lang", "en")
    assert english in client.get("/admin/media/notes/row").get_data(as_text=True)


def test_a_failure_kept_with_parameters_is_told_with_them_and_an_older_one_in_english(app):
    store = app.extensions["signage"].store
    library.enqueue(
        store, "crashy", upload="0a.mp4", original_name=None, title=None, created_by=None
    )
    for _attempt in range(library.MAX_ATTEMPTS):
        library.claim_next(store, "gone-host:1")
        library.requeue_interrupted(store, lambda row: False)
    add_user(store, "root", "admin", PASSWORD)
    client = app.test_client()
    sign_in(client, "root")

    assert "文件处理中断了 3 次" in client.get("/admin/media/crashy/row").get_data(as_text=True)
    # A row failed before its error was kept as a phrase shows the English it has.
    with store.engine.begin() as conn:
        conn.execute(media.update().values(error_phrase=None, error="the old words"))
    assert "the old words" in client.get("/admin/media/crashy/row").get_data(as_text=True)


def test_a_prepared_row_keeps_no_earlier_failure(app, conforming_mp4):
    queue_file(app, conforming_mp4, "again")
    library.mark_failed(
        app.extensions["signage"].store, "again", SignageError(N_("write a title"), code="x")
    )
    with app.extensions["signage"].store.engine.begin() as conn:
        # Queued again (as by hand): the failure's words stay until it is prepared.
        conn.execute(media.update().values(status=library.QUEUED, upload="again-upload.mp4"))

    prepare_queued(app.extensions["signage"])

    row = _row(app, "again")
    assert (row["status"], row["error"], row["error_code"], row["error_phrase"]) == (
        "ready",
        None,
        None,
        None,
    )


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_after_a_crash_unfinished_work_resumes_and_half_files_go(app, conforming_mp4):
    dead_worker = f"{socket.gethostname()}:{_dead_pid()}"
    queue_file(app, conforming_mp4, "interrupted", claimed_by=dead_worker)
    files = library.files_folder(_media_dir(app))
    files.mkdir(parents=True)
    stale, fresh = files / ".partial-crashed.mp4", files / ".partial-running.mp4"
    stale.write_bytes(b"half a clip")
    fresh.write_bytes(b"being written")
    # Aged on the clock the check reads (a faked one in scripts/test-on-date; files keep the
    # real time there unless told).
    just_now = time.time()
    an_hour_ago = just_now - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    os.utime(fresh, (just_now, just_now))

    assert prepare_queued(app.extensions["signage"]) == ["interrupted"]

    row = _row(app, "interrupted")
    assert (row["status"], row["attempts"]) == ("ready", 2)
    assert not stale.exists() and fresh.exists()


def test_work_of_a_live_process_is_not_taken_over(app, conforming_mp4):
    queue_file(app, conforming_mp4, "busy", claimed_by=worker_name())

    assert recover_interrupted(app.extensions["signage"]) == []
    assert prepare_queued(app.extensions["signage"]) == []
    assert _row(app, "busy")["status"] == "processing"


def _set_updated_at(app: Flask, media_id: str, moment: dt.datetime) -> None:
    with app.extensions["signage"].store.engine.begin() as conn:
        conn.execute(media.update().where(media.c.id == media_id).values(updated_at=moment))


def test_a_claim_by_an_earlier_start_of_this_pid_is_taken_back(app, conforming_mp4):
    # In a container the server is PID 1 after every restart: pid 1 is alive, yet the claim
    # belongs to the process that was killed.
    earlier = f"{socket.gethostname()}:{os.getpid()}:0123456789ab"
    queue_file(app, conforming_mp4, "after-restart", claimed_by=earlier)

    assert recover_interrupted(app.extensions["signage"]) == ["after-restart"]
    assert _row(app, "after-restart")["status"] == "queued"


def test_a_live_process_keeps_its_claim_while_its_heartbeat_beats(app, conforming_mp4):
    other = f"{socket.gethostname()}:1:0123456789ab"  # pid 1 is always alive
    queue_file(app, conforming_mp4, "beating", claimed_by=other)
    assert recover_interrupted(app.extensions["signage"]) == []
    _set_updated_at(app, "beating", now() - STALLED - dt.timedelta(seconds=1))
    assert recover_interrupted(app.extensions["signage"]) == ["beating"]


def test_the_heartbeat_moves_while_a_preparation_runs(app, conforming_mp4, monkeypatch):
    monkeypatch.setattr(preparation, "HEARTBEAT", dt.timedelta(seconds=0.2))
    queue_file(app, conforming_mp4, "long", claimed_by=worker_name())
    long_ago = now() - dt.timedelta(hours=1)
    _set_updated_at(app, "long", long_ago)
    with heartbeat(app.extensions["signage"].store, "long"):
        time.sleep(0.6)
    assert _row(app, "long")["updated_at"] > long_ago + dt.timedelta(minutes=59)


def test_the_pool_prepares_at_most_job_workers_clips_at_once(
    playlists_dir, media_dir, conforming_mp4
):
    app = create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "JOB_WORKERS": 2})
    signage = app.extensions["signage"]
    for media_id in ("first", "second", "third"):
        queue_file(app, conforming_mp4, media_id)
    pool = PreparationPool(2)
    try:
        assert pool.dispatch(signage) == ["first", "second"]
        assert pool.dispatch(signage) == []  # both threads busy: the job returns at once
        deadline = time.monotonic() + 120
        while (handed := pool.dispatch(signage)) == []:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert handed == ["third"]
        while _row(app, "third")["status"] != "ready":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        pool.shutdown()
    assert {_row(app, m)["attempts"] for m in ("first", "second", "third")} == {1}


def test_many_claimers_never_take_one_clip_twice(app, conforming_mp4):
    for n in range(12):
        queue_file(app, conforming_mp4, f"clip-{n}")
    store = app.extensions["signage"].store

    def claim_all(worker: str) -> list[str]:
        taken = []
        while row := library.claim_next(store, worker):
            taken.append(row["id"])
        return taken

    with ThreadPoolExecutor(4) as threads:
        taken = list(threads.map(claim_all, ["a:1", "b:2", "c:3", "d:4"]))
    claimed = [media_id for batch in taken for media_id in batch]
    assert sorted(claimed) == sorted(f"clip-{n}" for n in range(12))


def test_the_frame_rate_setting_reaches_preparation(
    playlists_dir, media_dir, vertical_60fps_mov, inspect
):
    app = create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "MAX_FRAME_RATE": 60})
    queue_file(app, vertical_60fps_mov, "sports-day")

    prepare_queued(app.extensions["signage"])

    prepared = library.files_folder(media_dir) / _row(app, "sports-day")["file"]
    assert inspect.stream(prepared, "video")["avg_frame_rate"] == "60/1"


def test_the_first_start_queues_the_demo_media_once(app):
    assert enqueue_demo_media(app.extensions["signage"]) == [
        "anti-fraud",
        "court-guide",
        "constitution-poster",
    ]
    assert enqueue_demo_media(app.extensions["signage"]) == []

    assert sorted(prepare_queued(app.extensions["signage"])) == [
        "anti-fraud",
        "constitution-poster",
        "court-guide",
    ]
    poster = _row(app, "constitution-poster")
    assert (poster["kind"], poster["status"], poster["title"]) == (
        "image",
        "ready",
        "宪法宣传周海报",
    )
    clip = _row(app, "anti-fraud")
    assert (clip["kind"], clip["width"], clip["height"]) == ("video", 1280, 720)
    assert clip["duration"] == pytest.approx(8, abs=0.1)


@pytest.fixture
def signage_command(playlists_dir: Path, media_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from signage.cli.main import main

    monkeypatch.setenv("SIGNAGE_PLAYLISTS_DIR", str(playlists_dir))
    monkeypatch.setenv("SIGNAGE_MEDIA_DIR", str(media_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_import_prepares_files_and_prints_their_ids(
    signage_command, conforming_mp4, alpha_png, tmp_path
):
    named = tmp_path / "普法 Court Guide.mp4"
    shutil.copyfile(conforming_mp4, named)

    result = signage_command("import", str(named), str(alpha_png))

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["pu-fa-court-guide\tready", "alpha\tready"]
    assert named.exists()  # the admin's own file is left where it was


def test_import_reports_refusals_and_fails(signage_command, text_named_mp4):
    result = signage_command("import", "--id", "notes", str(text_named_mp4))

    assert result.exit_code == 1
    assert result.stdout == "notes\tfailed\n"
    assert "notes.mp4: the file is not a video or is damaged" in result.stderr


def test_import_takes_an_id_only_for_one_file(signage_command, conforming_mp4, alpha_png):
    result = signage_command("import", "--id", "x", str(conforming_mp4), str(alpha_png))

    assert result.exit_code == 1
    assert "--id names a single file" in result.stderr
