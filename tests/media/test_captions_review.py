"""With review on, uploaded captions reach the screens only once a second person read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from signage.media import library
from tests.conftest import _token
from tests.media.test_captions import SRT, VTT, _clip, _send
from tests.web.api_check import Api, error_of


@pytest.fixture
def app(playlists_dir: Path, media_dir: Path) -> Flask:
    from signage import create_app

    return create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "REVIEW": "on"})


def test_with_review_on_captions_wait_for_a_reviewer_who_read_them(app: Flask, api: Api) -> None:
    editor = _token(app, "li", "editor")
    reviewer = _token(app, "zhao", "reviewer")
    _clip(app, "anti-fraud", "video")
    store = app.extensions["signage"].store
    sent = _send(api, editor, "anti-fraud", SRT.encode(), "反诈.srt")
    assert sent.status_code == 202
    assert sent.get_json()["captions_url"] is None and sent.get_json()["captions_pending_url"]
    assert library.media_row(store, "anti-fraud")["captions"] is None  # what screens get
    first = api.get("/media/anti-fraud", reviewer).get_json()["captions_pending"]

    own = api.post("/media/anti-fraud/captions/approve", editor, json={"version": first})
    assert own.status_code == 403
    # the editor replaces the captions while the reviewer reads the first ones
    _send(api, editor, "anti-fraud", VTT.encode(), "反诈.vtt")
    stale = api.post("/media/anti-fraud/captions/approve", reviewer, json={"version": first})
    assert stale.status_code == 409 and error_of(stale)["code"] == "review_changed"
    assert library.media_row(store, "anti-fraud")["captions"] is None
    second = api.get("/media/anti-fraud", reviewer).get_json()["captions_pending"]
    approved = api.post("/media/anti-fraud/captions/approve", reviewer, json={"version": second})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["captions_url"].endswith(second)
    assert approved.get_json()["captions_pending_url"] is None
    assert library.media_row(store, "anti-fraud")["captions"] == second
