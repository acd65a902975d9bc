"""The staff pages for a tribunal's editor: the other unit's things refused (403) in Chinese,
saying what they may change instead; lists showing the unit's own; admins set the unit."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user, user_by_name
from signage.config.history import list_revisions
from signage.media import library
from tests.admin.test_sign_in import sign_in

PASSWORD = "correct horse battery"


def csrf(client: FlaskClient, page: str = "/admin/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text).group(1)


def text_of(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


@pytest.fixture
def li(app: Flask, client: FlaskClient) -> FlaskClient:
    """An editor of 半壁山人民法庭, signed in; 六道河's editor has uploaded a poster."""
    store = app.extensions["signage"].store
    add_user(store, "li", "editor", PASSWORD, unit="banbishan")
    add_user(store, "wang", "editor", PASSWORD, unit="liudaohe")
    library.enqueue(
        store,
        "ldh-poster",
        upload="x.png",
        original_name="x.png",
        title="海报",
        created_by="wang",
        unit="liudaohe",
    )
    assert sign_in(client, "li") == 302
    return client


def test_the_other_units_things_are_refused_in_chinese(
    app: Flask, li: FlaskClient, playlists_dir: Path
) -> None:
    token = csrf(li)
    deleted = li.post("/admin/playlists/liudaohe/delete", data={"csrf_token": token})
    assert deleted.status_code == 403
    assert "播放列表 liudaohe 不属于半壁山人民法庭。您只能修改本庭的播放列表" in text_of(deleted)
    revision = list_revisions(app.extensions["signage"].store, "liudaohe.yaml")[0].revision
    restored = li.post(
        f"/admin/history/liudaohe.yaml/{revision}/restore", data={"csrf_token": token}
    )
    assert restored.status_code == 403
    beijing = dt.timezone(dt.timedelta(hours=8))
    until = (dt.datetime.now(beijing) + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    alert = li.post(
        "/admin/alerts",
        data={"text": "停电", "until": until, "targets": "ldh-lobby", "csrf_token": token},
    )
    assert alert.status_code == 403
    assert "ldh-lobby 不是半壁山人民法庭的屏幕。您的规则和紧急通知只能选择本庭的屏幕" in text_of(
        alert
    )
    titled = li.post("/admin/media/ldh-poster/title", data={"title": "改名", "csrf_token": token})
    assert titled.status_code == 403 and "只能改名或删除本庭上传的素材" in text_of(titled)
    assert library.media_row(app.extensions["signage"].store, "ldh-poster")["title"] == "海报"
    assert (playlists_dir / "liudaohe.yaml").exists()


def test_the_pages_list_the_units_own(li: FlaskClient) -> None:
    overview = text_of(li.get("/admin/"))
    assert 'data-screen="bbs-lobby"' in overview and 'data-screen="ldh-lobby"' not in overview
    assert 'data-screen="lobby-east"' not in overview
    playlists = text_of(li.get("/admin/playlists"))
    assert "半壁山法庭普法" in playlists and "日间普法轮播" in playlists
    assert "六道河法庭普法" not in playlists
    history = text_of(li.get("/admin/history"))
    assert "banbishan.yaml" in history and "liudaohe.yaml" not in history
    assert li.get("/admin/history?file=liudaohe.yaml").status_code == 403
    schedule = text_of(li.get("/admin/schedule"))
    assert schedule.count("不是本庭的规则") == 5  # all but the unit's own rule, greyed


def test_admins_see_screens_grouped_by_unit_and_set_a_users_unit(
    app: Flask, staff: FlaskClient
) -> None:
    store = app.extensions["signage"].store
    add_user(store, "zhao", "editor", PASSWORD)
    page = text_of(staff.get("/admin/"))
    headings = re.findall(r'<h2 class="unit"[^>]*>([^<]+)</h2>', page)
    assert headings == ["院本部", "半壁山人民法庭", "六道河人民法庭"]
    assert 'data-screen="ldh-lobby"' in page and 'data-screen="lobby-east"' in page
    only = text_of(staff.get("/admin/?unit=liudaohe"))
    assert 'data-screen="ldh-lobby"' in only and 'data-screen="lobby-east"' not in only
    users = staff.get("/admin/users").text
    assert '<option value="banbishan">半壁山人民法庭</option>' in users
    token = csrf(staff, "/admin/users")
    staff.post("/admin/users/zhao/unit", data={"unit": "liudaohe", "csrf_token": token})
    assert user_by_name(store, "zhao").unit == "liudaohe"
    refused = staff.post(
        "/admin/users/zhao/unit",
        data={"unit": "nowhere", "csrf_token": token},
        headers={"Referer": "/admin/users"},
    )
    assert refused.status_code in (302, 422)
    assert user_by_name(store, "zhao").unit == "liudaohe"
    staff.post("/admin/users/zhao/unit", data={"unit": "", "csrf_token": token})
    assert user_by_name(store, "zhao").unit is None
