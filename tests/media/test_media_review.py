"""With review on, an editor's upload is prepared but screens skip it until approved."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import _token
from tests.media.preparing import prepare_queued
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.slow

POSTER = "constitution-poster"  # named by the demo daytime playlist
WEEKDAY_MORNING = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def app(playlists_dir: Path, media_dir: Path) -> Flask:
    from signage import create_app

    return create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "REVIEW": "on"})


def items_and_warnings(app: Flask) -> tuple[set[str], list[str]]:
    """The media every screen's manifest plays, and the warnings about skipped items."""
    screens = app.extensions["signage"].screens
    screens.invalidate()
    played, warnings = set(), []
    for screen_id in screens.config().screens:
        built = screens.manifest(screen_id, WEEKDAY_MORNING)
        warnings += built.warnings
        for segment in built.body["segments"]:
            played |= {item.get("media") for item in segment["items"]}
    return played, warnings


def test_an_upload_under_review_plays_only_after_a_reviewer_approves_it(
    api: Api, app: Flask, editor_token: str, alpha_png: Path
) -> None:
    reviewer = _token(app, "reviewer", "reviewer")
    data = {"file": (io.BytesIO(alpha_png.read_bytes()), "宪法海报.png"), "id": POSTER}
    sent = api.post("/media", editor_token, data=data, content_type="multipart/form-data")
    assert sent.status_code == 202
    early = api.post(f"/media/{POSTER}/approve", reviewer)
    assert early.status_code == 409 and error_of(early)["code"] == "not_ready"
    prepare_queued(app.extensions["signage"])
    shown = api.get(f"/media/{POSTER}", editor_token).get_json()
    assert shown["status"] == "ready" and shown["approved"] is False and shown["url"]

    played, warnings = items_and_warnings(app)
    assert POSTER not in played
    assert any(POSTER in w and "approval" in w for w in warnings)

    assert api.post(f"/media/{POSTER}/approve", editor_token).status_code == 403
    approved = api.post(f"/media/{POSTER}/approve", reviewer)
    assert approved.status_code == 200 and approved.get_json()["approved"] is True
    played, warnings = items_and_warnings(app)
    assert POSTER in played and not any("approval" in w for w in warnings)


def test_nobody_approves_their_own_upload(api: Api, app: Flask, alpha_png: Path) -> None:
    reviewer = _token(app, "reviewer", "reviewer")
    data = {"file": (io.BytesIO(alpha_png.read_bytes()), "own.png"), "id": "own"}
    sent = api.post("/media", reviewer, data=data, content_type="multipart/form-data")
    assert sent.status_code == 202
    prepare_queued(app.extensions["signage"])
    refused = api.post("/media/own/approve", reviewer)
    assert refused.status_code == 403 and error_of(refused)["code"] == "own_change"
    assert api.post("/media/missing/approve", reviewer).status_code == 404
