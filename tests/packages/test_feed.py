"""The feed between two installations: a real publishing server on loopback, a subscriber
checking it with its housekeeping job."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from signage.jobs.preparation import import_file
from signage.media import library
from signage.packages.subscriptions import check_subscriptions
from signage.parts import Signage
from tests.media.preparing import prepare_queued
from tests.packages.conftest import make_instance
from tests.support import LiveServer, start_server

pytestmark = pytest.mark.slow

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def higher_court(
    tmp_path: Path, small_sources: dict[str, Path]
) -> Iterator[tuple[LiveServer, str]]:
    """A running publisher whose library holds the demo ids as small clips; an admin token."""
    root = tmp_path / "higher"
    instance = make_instance(root)
    for media_id, source in small_sources.items():
        assert (
            import_file(instance, source, media_id=media_id, title=f"上级 {media_id}")["status"]
            == "ready"
        )
    instance.store.engine.dispose()
    server = start_server(root, root / "playlists", root / "media")
    server.signage("user", "add", "it", "--role", "admin", "--password", "correct horse battery")
    yield server, server.signage("token", "create", "it")
    server.stop()


@pytest.fixture
def county_court(tmp_path: Path, higher_court: tuple[LiveServer, str]) -> Iterator[Signage]:
    """A subscriber with review on, trusting the higher court's key."""
    server, _ = higher_court
    root = tmp_path / "county"
    root.mkdir()
    (root / "trusted").write_text(server.signage("package", "key") + "\n", encoding="utf-8")
    instance = make_instance(
        root,
        TRUSTED_PUBLISHERS=root / "trusted",
        SUBSCRIBE=f"{server.url}/api/v1/published",
        REVIEW="on",
    )
    yield instance
    instance.store.engine.dispose()


def _publish(server: LiveServer, token: str, media_id: str, published: bool) -> None:
    answer = requests.patch(
        f"{server.url}/api/v1/media/{media_id}",
        json={"published": published},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.json()["published"] is published


def _fetches(server: LiveServer, status: int) -> list[str]:
    """The published files the server answered with this status, from its request log."""
    return re.findall(rf"GET /api/v1/published/files/(\S+) {status}\b", server.log.read_text())


def test_a_newly_published_clip_arrives_within_one_check_once_and_waits_for_review(
    higher_court: tuple[LiveServer, str], county_court: Signage
):
    server, token = higher_court
    assert check_subscriptions(county_court)[0].imported.media == {}  # nothing published yet

    _publish(server, token, "anti-fraud", True)
    report = check_subscriptions(county_court)[0]

    assert report.error is None and report.imported.media == {"anti-fraud": "anti-fraud"}
    row = library.media_row(county_court.store, "anti-fraud")
    assert row["publisher"] == "兴隆县人民法院" and row["approved"] is False  # pending review
    assert prepare_queued(county_court) == ["anti-fraud"]
    got = library.media_row(county_court.store, "anti-fraud")
    assert (
        got["status"] == "ready" and got["title"] == "上级 anti-fraud" and got["captions"] is None
    )
    published = requests.get(f"{server.url}/api/v1/published", timeout=30).json()
    assert got["file"] in published["manifest"]  # the same content-named file as published
    assert len(_fetches(server, 200)) == 1

    again = check_subscriptions(county_court)[0]
    assert again.imported.media == {} and again.imported.unchanged == ["anti-fraud"]
    assert len(_fetches(server, 200)) == 1  # downloaded once

    _publish(server, token, "anti-fraud", False)
    withdrawn = check_subscriptions(county_court)[0]
    assert withdrawn.withdrawn == ["anti-fraud"]
    assert library.media_row(county_court.store, "anti-fraud")["withdrawn_at"] is not None


def test_a_cut_download_resumes_with_a_range(
    higher_court: tuple[LiveServer, str], county_court: Signage
):
    server, token = higher_court
    _publish(server, token, "court-guide", True)
    index = requests.get(f"{server.url}/api/v1/published", timeout=30).json()
    files = json.loads(index["manifest"])["files"]
    path, packed = next((p, f) for p, f in files.items() if p.endswith(".mp4"))
    whole = requests.get(f"{server.url}/api/v1/published/files/{path[6:]}", timeout=30).content
    uploads = library.uploads_folder(county_court.settings.media_dir)
    uploads.mkdir(parents=True)
    (uploads / f".feed-{packed['sha256']}.mp4").write_bytes(whole[: len(whole) // 2])

    report = check_subscriptions(county_court)[0]

    assert report.imported.media == {"court-guide": "court-guide"}
    assert _fetches(server, 206) == [path[6:]]
    assert prepare_queued(county_court) == ["court-guide"]
    assert library.media_row(county_court.store, "court-guide")["status"] == "ready"
    assert not list(uploads.glob(".feed-*"))


def test_a_published_playlist_arrives_with_its_media_as_a_draft(
    higher_court: tuple[LiveServer, str], county_court: Signage
):
    server, _ = higher_court
    playlists = Path(server.env["SIGNAGE_PLAYLISTS_DIR"])
    evening = playlists / "evening.yaml"
    evening.write_text(evening.read_text("utf-8") + "published: true\n", encoding="utf-8")
    deadline = time.monotonic() + 30
    while (
        "playlists/evening.yaml"
        not in requests.get(f"{server.url}/api/v1/published", timeout=30).text
    ):
        assert time.monotonic() < deadline, "the hand edit was not picked up"
        time.sleep(0.2)

    report = check_subscriptions(county_court)[0]

    assert report.imported.media == {"anti-fraud": "anti-fraud"}
    assert (
        report.imported.playlists == {"evening": "evening-2"} and len(report.imported.reviews) == 1
    )


def test_an_index_from_an_untrusted_key_is_refused_and_nothing_is_filed(
    higher_court: tuple[LiveServer, str], county_court: Signage
):
    server, token = higher_court
    _publish(server, token, "anti-fraud", True)
    Path(county_court.settings.trusted_publishers).write_text("# nobody\n", encoding="utf-8")

    report = check_subscriptions(county_court)[0]

    assert report.imported is None and "does not trust" in report.error
    assert not library.media_exists(county_court.store, "anti-fraud")


def test_the_feed_lists_and_serves_only_what_is_published(higher_court: tuple[LiveServer, str]):
    server, token = higher_court
    index = json.loads(
        requests.get(f"{server.url}/api/v1/published", timeout=30).json()["manifest"]
    )
    assert index["media"] == [] and index["playlists"] == []
    row_file = (
        requests.get(
            f"{server.url}/api/v1/media/anti-fraud",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        .json()["url"]
        .rsplit("/", 1)[1]
    )
    assert (
        requests.get(f"{server.url}/api/v1/published/files/{row_file}", timeout=30).status_code
        == 404
    )
    assert (
        requests.get(f"{server.url}/api/v1/published/playlists/evening", timeout=30).status_code
        == 404
    )
    refused = requests.patch(
        f"{server.url}/api/v1/media/anti-fraud", json={"published": True}, timeout=30
    )
    assert refused.status_code == 401


def test_with_quiet_hours_on_new_files_wait_for_them(
    higher_court: tuple[LiveServer, str], tmp_path: Path
):
    server, token = higher_court
    root = tmp_path / "quiet"
    root.mkdir()
    (root / "trusted").write_text(server.signage("package", "key") + "\n", encoding="utf-8")
    quiet = make_instance(
        root,
        TRUSTED_PUBLISHERS=root / "trusted",
        SUBSCRIBE=f"{server.url}/api/v1/published",
        SUBSCRIBE_QUIET_HOURS="on",
    )
    _publish(server, token, "anti-fraud", True)
    try:
        working_day = check_subscriptions(quiet, dt.datetime(2026, 12, 9, 10, 0, tzinfo=BEIJING))[0]
        assert working_day.waiting == 1 and working_day.imported is None
        assert not library.media_exists(quiet.store, "anti-fraud") and not _fetches(server, 200)

        night = check_subscriptions(quiet, dt.datetime(2026, 12, 10, 3, 0, tzinfo=BEIJING))[0]
        assert night.imported.media == {"anti-fraud": "anti-fraud"}
    finally:
        quiet.store.engine.dispose()
