"""The media API and media files over HTTP (Flask test client, real SQLite, real ffmpeg)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from signage import create_app
from signage.accounts.tokens import create_token
from signage.accounts.users import add_user
from signage.media import library
from signage.screens.keys import ensure_screen_key
from tests.media.preparing import prepare_queued
from tests.support import LiveServer
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.slow


def upload(api: Api, token: str, path: Path, name: str | None = None, **fields: str):
    """POST /media with the file as a browser sends it."""
    data = {"file": (io.BytesIO(path.read_bytes()), name or path.name), **fields}
    return api.post("/media", token, data=data, content_type="multipart/form-data")


def _files(app: Flask) -> Path:
    return library.files_folder(app.extensions["signage"].settings.media_dir)


def _uploads(app: Flask) -> Path:
    return library.uploads_folder(app.extensions["signage"].settings.media_dir)


def test_an_upload_is_queued_then_prepared(api, app, admin_token, conforming_mp4):
    sent = upload(api, admin_token, conforming_mp4, "宪法宣传周.mp4", id="constitution-week")

    assert sent.status_code == 202
    assert sent.get_json() == {"id": "constitution-week", "status": "queued"}
    assert sent.headers["Location"] == "/api/v1/media/constitution-week"
    queued = api.get("/media/constitution-week", admin_token).get_json()
    assert (queued["status"], queued["url"], queued["title"]) == ("queued", None, "宪法宣传周")

    prepare_queued(app.extensions["signage"])

    ready = api.get("/media/constitution-week", admin_token).get_json()
    assert (ready["status"], ready["progress"], ready["error"]) == ("ready", 1.0, None)
    assert (ready["kind"], ready["width"], ready["height"]) == ("video", 320, 180)
    assert ready["duration"] == pytest.approx(2, abs=0.1)
    assert ready["original_name"] == "宪法宣传周.mp4"
    assert ready["url"].startswith("/media/files/") and ready["thumbnail_url"]
    assert ready["created_by"] == "admin"
    listed = api.get("/media", admin_token).get_json()["media"]
    assert [m["id"] for m in listed] == ["constitution-week"]


def test_a_file_that_is_not_media_fails_with_a_reason(api, app, editor_token, text_named_mp4):
    sent = upload(api, editor_token, text_named_mp4)
    prepare_queued(app.extensions["signage"])

    shown = api.get(sent.headers["Location"].removeprefix("/api/v1"), editor_token).get_json()
    assert (shown["status"], shown["error_code"]) == ("failed", "not_media")
    assert shown["error"] == "the file is not a video or is damaged"


def test_an_upload_carries_declared_topics_only(api, app, admin_token, alpha_png):
    refused = upload(api, admin_token, alpha_png, id="poster", topics="anti-fraud,fraud")
    assert refused.status_code == 422 and error_of(refused)["code"] == "unknown_topic"
    assert not any(_uploads(app).iterdir())  # nothing kept of a refused upload
    sent = upload(api, admin_token, alpha_png, id="poster", topics="anti-fraud, minors")
    assert sent.status_code == 202
    assert api.get("/media/poster", admin_token).get_json()["topics"] == ["anti-fraud", "minors"]


def test_ids_are_slugs_and_never_overwritten(api, admin_token, alpha_png):
    assert upload(api, admin_token, alpha_png, id="poster").status_code == 202

    clash = upload(api, admin_token, alpha_png, id="poster")
    assert clash.status_code == 409
    assert "already media with the id 'poster'" in error_of(clash)["message"]
    malformed = upload(api, admin_token, alpha_png, id="Poster 2")
    assert malformed.status_code == 422 and error_of(malformed)["code"] == "bad_media_id"
    automatic = upload(api, admin_token, alpha_png)
    assert automatic.get_json()["id"] == "alpha"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"file": "clip.mp4"}}, 415, "not_multipart"),
        ({"data": {"title": "no file"}, "content_type": "multipart/form-data"}, 422, "no_file"),
    ],
    ids=["json", "no-file"],
)
def test_malformed_uploads_are_refused(api, app, admin_token, kwargs, status, code):
    refused = api.post("/media", admin_token, **kwargs)

    assert refused.status_code == status and error_of(refused)["code"] == code
    assert not any(_uploads(app).iterdir())


def test_an_upload_over_the_limit_is_refused_with_413(playlists_dir, media_dir):
    app = create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "MAX_UPLOAD_MB": 1})
    store = app.extensions["signage"].store
    add_user(store, "admin", "admin", "correct horse battery")
    # Bytes rather than a form dict, so the test client keeps the body in memory.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n'
        + b"\0" * (1100 * 1024)
        + b"\r\n--b--\r\n"
    )

    refused = Api(app, app.test_client()).post(
        "/media",
        create_token(store, "admin"),
        data=body,
        content_type="multipart/form-data; boundary=b",
    )

    assert refused.status_code == 413
    assert error_of(refused)["message"] == (
        "the file is larger than the upload limit of 1 MB (the setting SIGNAGE_MAX_UPLOAD_MB)"
    )
    assert not _uploads(app).exists() or not any(_uploads(app).iterdir())


@pytest.fixture
def ready_clip(api: Api, app: Flask, admin_token: str, conforming_mp4: Path) -> dict:
    upload(api, admin_token, conforming_mp4, id="clip")
    prepare_queued(app.extensions["signage"])
    return api.get("/media/clip", admin_token).get_json()


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """GET a file, read it and close the response (send_file holds the file open till then)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def screen(screen_key) -> dict[str, str]:
    """Request headers of a lobby screen: media files need a screen key or a staff sign-in."""
    return {"X-Screen-Key": screen_key("lobby-east")}


def test_media_files_need_a_screen_key_or_staff(client, ready_clip, screen_key, admin_token):
    tribunal_key = screen_key("tribunal-1")
    refused = fetch(client, ready_clip["url"])
    assert refused.status_code == 401 and error_of(refused)["code"] == "media_needs_key"
    assert fetch(client, ready_clip["url"], headers={"X-Screen-Key": "guess"}).status_code == 401
    client.set_cookie("screen_key", tribunal_key)  # as the display page sets it
    assert fetch(client, ready_clip["url"]).status_code == 200
    client.delete_cookie("screen_key")
    staff = {"Authorization": f"Bearer {admin_token}"}
    assert fetch(client, ready_clip["url"], headers=staff).status_code == 200


def test_media_files_are_served_with_ranges_and_cached_forever(client, ready_clip, screen):
    whole = fetch(client, ready_clip["url"], headers=screen)
    assert whole.status_code == 200 and whole.mimetype == "video/mp4"
    assert whole.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert whole.headers["Accept-Ranges"] == "bytes"
    etag = whole.headers["ETag"]

    part = fetch(client, ready_clip["url"], headers={**screen, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == whole.data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.data)}"
    assert (
        fetch(client, ready_clip["url"], headers={**screen, "If-None-Match": etag}).status_code
        == 304
    )
    thumbnail = fetch(client, ready_clip["thumbnail_url"], headers=screen)
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"


def test_only_finished_media_files_can_be_fetched(client, app, ready_clip, screen):
    (_files(app) / ".partial-0123456789abcdef.mp4").write_bytes(b"half")

    for name in (".partial-0123456789abcdef.mp4", "0000000000000000.mp4", "..%2Fsignage.db"):
        assert fetch(client, f"/media/files/{name}", headers=screen).status_code == 404


def test_a_front_server_can_send_the_files(playlists_dir, media_dir):
    app = create_app(
        {
            "PLAYLISTS_DIR": playlists_dir,
            "MEDIA_DIR": media_dir,
            "MEDIA_ACCEL_REDIRECT": "/protected-media/",
        }
    )
    _files(app).mkdir(parents=True)
    (_files(app) / "0123456789abcdef.mp4").write_bytes(b"not sent by the app")

    signage = app.extensions["signage"]
    key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
    answer = app.test_client().get(
        "/media/files/0123456789abcdef.mp4", headers={"X-Screen-Key": key}
    )

    assert answer.headers["X-Accel-Redirect"] == "/protected-media/0123456789abcdef.mp4"
    assert answer.data == b"" and answer.mimetype == "video/mp4"
    assert answer.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_media_a_playlist_uses_cannot_be_deleted(api, app, admin_token, conforming_mp4):
    upload(api, admin_token, conforming_mp4, id="anti-fraud")
    prepare_queued(app.extensions["signage"])

    refused = api.delete("/media/anti-fraud", admin_token)

    assert refused.status_code == 409
    error = error_of(refused)
    assert error["code"] == "media_in_use"
    assert error["details"]["playlists"] == ["constitution-week", "daytime", "evening"]
    assert "constitution-week, daytime, evening" in error["message"]


def test_deleting_removes_the_files_unless_other_media_shares_them(
    api, app, admin_token, conforming_mp4
):
    for media_id in ("first", "same-content"):
        upload(api, admin_token, conforming_mp4, id=media_id)
    prepare_queued(app.extensions["signage"])
    shared = api.get("/media/first", admin_token).get_json()["url"].rsplit("/", 1)[1]

    assert api.delete("/media/first", admin_token).get_json() == {"id": "first", "deleted": True}
    assert (_files(app) / shared).exists()
    api.delete("/media/same-content", admin_token)
    assert not any(_files(app).iterdir())
    assert api.get("/media/first", admin_token).status_code == 404
    assert api.delete("/media/first", admin_token).status_code == 404


def test_media_being_prepared_cannot_be_deleted(api, app, admin_token, conforming_mp4):
    upload(api, admin_token, conforming_mp4, id="busy")
    library.claim_next(app.extensions["signage"].store, "elsewhere:1")

    refused = api.delete("/media/busy", admin_token)

    assert refused.status_code == 409 and error_of(refused)["code"] == "media_busy"


def test_health_reports_ffmpeg_and_the_queue(client, api, admin_token, alpha_png):
    upload(api, admin_token, alpha_png)

    health = client.get("/healthz", headers={"Authorization": f"Bearer {admin_token}"}).get_json()

    assert health["ffmpeg"]["found"] is True and health["ffmpeg"]["version"][0].isdigit()
    assert health["media"] == {"queued": 1, "processing": 0, "ready": 0, "failed": 0}


def test_a_real_server_receives_prepares_and_serves_an_upload(
    live_server: LiveServer, conforming_mp4
):
    live_server.signage("user", "add", "uploader", "--role", "editor", "--password", "pw-123456")
    token = live_server.signage("token", "create", "uploader")
    headers = {"Authorization": f"Bearer {token}"}
    with conforming_mp4.open("rb") as clip:
        sent = requests.post(
            live_server.url + "/api/v1/media",
            headers=headers,
            timeout=30,
            files={"file": ("普法.mp4", clip)},
            data={"id": "upload"},
        )
    assert sent.status_code == 202

    shown: dict = {}
    for _ in range(300):  # the demo media are prepared first on a first start
        shown = requests.get(
            live_server.url + "/api/v1/media/upload", headers=headers, timeout=10
        ).json()
        if shown["status"] in ("ready", "failed"):
            break
        time.sleep(0.2)
    assert shown["status"] == "ready", shown
    part = requests.get(
        live_server.url + shown["url"], headers={**headers, "Range": "bytes=0-9"}, timeout=10
    )
    assert part.status_code == 206 and len(part.content) == 10
