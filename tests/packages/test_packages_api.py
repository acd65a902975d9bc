"""Content packages over the API: export on one app, import on a fresh one, refusals."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from signage import create_app
from signage.accounts.tokens import create_token
from signage.accounts.users import add_user, user_by_name
from signage.media import library
from signage.parts import Signage
from tests.media.preparing import prepare_queued
from tests.packages.conftest import library_state
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.slow


def _app(**settings: object) -> Flask:
    return create_app(settings)


def _token(app: Flask, name: str, role: str) -> str:
    store = app.extensions["signage"].store
    if user_by_name(store, name) is None:  # the publisher lives for the whole module
        add_user(store, name, role, "correct horse battery")
    return create_token(store, name)


@pytest.fixture
def sender(publisher: Signage) -> Iterator[Api]:
    app = _app(
        PLAYLISTS_DIR=publisher.settings.playlists_dir, MEDIA_DIR=publisher.settings.media_dir
    )
    yield Api(app, app.test_client())
    app.extensions["signage"].store.engine.dispose()


@pytest.fixture
def taker(receiver_root: Path, receiver: Signage) -> Iterator[Api]:
    app = _app(
        PLAYLISTS_DIR=receiver_root / "playlists",
        MEDIA_DIR=receiver_root / "media",
        TRUSTED_PUBLISHERS=receiver_root / "trusted",
    )
    yield Api(app, app.test_client())
    app.extensions["signage"].store.engine.dispose()


def _export(sender: Api, token: str, **body: list[str]) -> bytes:
    answer = sender.post("/packages/export", token, json=body)
    assert answer.status_code == 200, answer.get_json()
    assert answer.mimetype == "application/x-tar"
    content = answer.data
    answer.close()  # as a WSGI server does once sent: the unnamed file goes
    return content


def _upload(taker: Api, token: str, content: bytes):
    return taker.post(
        "/packages",
        token,
        data={"file": (io.BytesIO(content), "包.tar")},
        content_type="multipart/form-data",
    )


def test_a_package_exported_by_one_server_is_imported_by_another(
    sender: Api, taker: Api, publisher: Signage, receiver: Signage
):
    content = _export(sender, _token(sender.app, "it-admin", "admin"), playlists=["evening"])
    token = _token(taker.app, "admin", "admin")

    answer = _upload(taker, token, content)

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["publisher"] == "兴隆县人民法院"
    assert body["media"] == {"anti-fraud": "anti-fraud"} and body["playlists"] == {
        "evening": "evening-2"
    }
    assert prepare_queued(receiver) == ["anti-fraud"]
    row = library.media_row(receiver.store, "anti-fraud")
    assert row["status"] == library.READY and row["created_by"] == "admin"
    assert row["file"] == library.media_row(publisher.store, "anti-fraud")["file"]
    shown = taker.get("/media/anti-fraud", token).get_json()
    assert shown["title"] == "标题 anti-fraud" and shown["captions_url"]

    again = _upload(taker, token, content).get_json()
    assert again["media"] == {} and sorted(again["unchanged"]) == ["anti-fraud", "evening"]


def test_a_tampered_upload_is_refused_and_the_library_stays_as_it_was(
    sender: Api, taker: Api, receiver: Signage
):
    content = bytearray(
        _export(sender, _token(sender.app, "it-admin", "admin"), media=["court-guide"])
    )
    content[-12000] ^= 0xFF  # inside the clip, before the tar's zero padding
    token = _token(taker.app, "admin", "admin")
    before = library_state(receiver)

    answer = _upload(taker, token, bytes(content))

    assert answer.status_code == 422
    assert "nothing was imported" in error_of(answer)["message"]
    assert library_state(receiver) == before


def test_only_admins_move_packages(sender: Api, taker: Api):
    editor = _token(sender.app, "clerk", "editor")
    assert (
        error_of(sender.post("/packages/export", editor, json={"media": ["anti-fraud"]}))["code"]
        == "forbidden"
    )
    assert _upload(taker, _token(taker.app, "clerk", "editor"), b"x").status_code == 403


def test_an_export_of_unknown_or_unready_things_says_which(sender: Api):
    token = _token(sender.app, "it-admin", "admin")
    assert sender.post("/packages/export", token, json={"playlists": ["nope"]}).status_code == 404
    assert error_of(sender.post("/packages/export", token, json={}))["code"] == "empty_package"
    assert sender.post("/packages/export", token, json={"media": ["../x"]}).status_code == 422
