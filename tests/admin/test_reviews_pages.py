"""The review pages refuse what they must and escape what people typed (test client)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user
from signage.media import library
from tests.admin.test_sign_in import PASSWORD, sign_in, token_of
from tests.conftest import _token
from tests.media.test_captions import SRT, _clip

EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture
def app(playlists_dir: Path, media_dir: Path) -> Flask:
    from signage import create_app

    return create_app({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "REVIEW": "on"})


def held_review(client: FlaskClient, token: str) -> int:
    opened = client.get("/api/v1/playlists/evening", headers={"Authorization": f"Bearer {token}"})
    changed = opened.data.replace("name: 夜间及节假日轮播".encode(), f"name: '{EVIL}'".encode())
    held = client.put(
        "/api/v1/playlists/evening",
        data=changed,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "text/yaml",
            "If-Match": opened.headers["ETag"],
        },
    )
    assert held.status_code == 202
    return held.get_json()["review"]["id"]


def test_what_people_typed_is_escaped_and_forms_need_their_token(
    app: Flask, client: FlaskClient, editor_token: str
) -> None:
    review = held_review(client, editor_token)
    add_user(app.extensions["signage"].store, "zhao", "reviewer", PASSWORD)
    sign_in(client, "zhao")
    page = client.get("/admin/reviews").get_data(as_text=True)
    assert EVIL not in page and "&lt;img src=x" in page
    assert 'id="review-badge"' in page
    forged = client.post(f"/admin/reviews/{review}/reject", data={"comment": "x"})
    assert forged.status_code == 403
    rejected = client.post(
        f"/admin/reviews/{review}/reject",
        data={"comment": EVIL, "csrf_token": token_of(client)},
    )
    assert rejected.status_code == 302
    assert "&lt;img src=x" in client.get("/admin/reviews").get_data(as_text=True)


def test_an_editor_sees_the_comment_escaped_and_cannot_decide(
    app: Flask, client: FlaskClient
) -> None:
    editor = _token(app, "li", "editor")
    review = held_review(client, editor)
    reviewer = _token(app, "zhao", "reviewer")
    client.post(
        f"/api/v1/reviews/{review}/reject",
        json={"comment": EVIL},
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    sign_in(client, "li")
    editor_page = client.get("/admin/playlists/evening").get_data(as_text=True)
    assert "&lt;img src=x" in editor_page and 'onerror="alert(1)"' not in editor_page
    listing = client.get("/admin/reviews").get_data(as_text=True)
    assert "&lt;img src=x" in listing and 'id="review-badge"' not in listing
    again = held_review(client, editor)
    refused = client.post(
        f"/admin/reviews/{again}/approve",
        data={"csrf_token": token_of(client)},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403
    media = client.post(
        "/admin/reviews/media/anything/approve",
        data={"csrf_token": token_of(client)},
        headers={"Accept": "application/json"},
    )
    assert media.status_code == 403


def test_the_approve_form_names_the_version_the_reviewer_saw(
    app: Flask, client: FlaskClient, editor_token: str, playlists_dir: Path
) -> None:
    review = held_review(client, editor_token)
    add_user(app.extensions["signage"].store, "zhao", "reviewer", PASSWORD)
    sign_in(client, "zhao")
    page = client.get("/admin/reviews").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page)
    assert version, "the approve form carries the version on the page"
    # the editor saves a different text while the page is open
    opened = client.get(
        "/api/v1/playlists/evening", headers={"Authorization": f"Bearer {editor_token}"}
    )
    client.put(
        "/api/v1/playlists/evening",
        data=opened.data.replace("name: 夜间及节假日轮播".encode(), "name: 没人看过".encode()),
        headers={
            "Authorization": f"Bearer {editor_token}",
            "Content-Type": "text/yaml",
            "If-Match": opened.headers["ETag"],
        },
    )
    form = {"csrf_token": token_of(client), "version": version.group(1)}
    refused = client.post(f"/admin/reviews/{review}/approve", data=form)
    assert refused.status_code == 302
    shown = client.get("/admin/reviews").get_data(as_text=True)
    assert "作者在您打开后又保存了这项修改" in shown and "没人看过" in shown
    assert "没人看过" not in (playlists_dir / "evening.yaml").read_text()
    fresh = re.search(r'name="version" value="([0-9a-f]+)"', shown)
    assert fresh and fresh.group(1) != version.group(1)
    form["version"] = fresh.group(1)
    assert client.post(f"/admin/reviews/{review}/approve", data=form).status_code == 302
    assert "没人看过" in (playlists_dir / "evening.yaml").read_text()


def test_held_captions_are_read_and_approved_on_the_review_page(
    app: Flask, client: FlaskClient, editor_token: str
) -> None:
    _clip(app, "anti-fraud", "video")
    sent = client.post(
        "/api/v1/media/anti-fraud/captions",
        data={"file": (io.BytesIO(SRT.encode()), "a.srt")},
        headers={"Authorization": f"Bearer {editor_token}"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 202
    add_user(app.extensions["signage"].store, "zhao", "reviewer", PASSWORD)
    sign_in(client, "zhao")
    page = client.get("/admin/reviews").get_data(as_text=True)
    assert "一次都不用跑" in page and 'id="waiting-captions"' in page
    version = re.search(r'captions/approve".*?name="version" value="([^"]+)"', page, re.S)
    assert version
    form = {"csrf_token": token_of(client), "version": version.group(1)}
    approved = client.post("/admin/reviews/media/anti-fraud/captions/approve", data=form)
    assert approved.status_code == 302
    store = app.extensions["signage"].store
    assert library.media_row(store, "anti-fraud")["captions"] == version.group(1)
    assert "一次都不用跑" not in client.get("/admin/reviews").get_data(as_text=True)


def test_the_reviewer_reads_the_change_as_the_clerk_made_it(
    app: Flask, client: FlaskClient, editor_token: str
) -> None:
    import datetime as dt
    import html

    from signage.web.admin.reviews import preview_place

    bearer = {"Authorization": f"Bearer {editor_token}"}
    opened = client.get("/api/v1/playlists/constitution-week", headers=bearer)
    changed = opened.data.decode().replace("欢迎取阅宣传资料", "欢迎免费取阅宣传资料")
    held = client.put(
        "/api/v1/playlists/constitution-week",
        data=changed.encode(),
        headers={**bearer, "Content-Type": "text/yaml", "If-Match": opened.headers["ETag"]},
    )
    assert held.status_code == 202
    add_user(app.extensions["signage"].store, "zhao", "reviewer", PASSWORD)
    sign_in(client, "zhao")
    page = html.unescape(client.get("/admin/reviews").get_data(as_text=True))
    assert "第 4 条 小知识《宪法宣传周》正文" in page
    assert "欢迎<ins>免费</ins>取阅" in page
    assert "@@" not in page and "constitution-week.yaml" not in page
    assert ">诉讼服务中心东侧大屏</option>" in page  # screens by name

    # During Constitution Week the preview opens where and when the changed tip plays.
    wednesday = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with app.test_request_context():
        draft = {"file": "constitution-week.yaml", "text": changed, "base": opened.data.decode()}
        from signage.config.changes import playlist_changes

        draft["changes"] = playlist_changes(draft["base"], changed)
        assert preview_place(draft, wednesday) == {
            "screen": "lobby-east",
            "at": "2026-12-02T08:00",
            "item": "constitution-week#3",
        }
