"""Refusals on the staff pages are worded in Chinese, with what was refused and where."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("path", "form", "words"),
    [
        (
            "/admin/users",
            {"name": "li", "role": "editor", "password": "short"},
            "密码太短：至少需要 8 个字符",
        ),
        (
            "/admin/users",
            {"name": "wang", "role": "editor", "password": "a long pass phrase"},
            "已有同名的账号",
        ),
        (
            "/admin/users",
            {"name": "a b", "role": "editor", "password": "a long pass phrase"},
            "不能有空格",
        ),
        ("/admin/users/wang/role", {"role": "editor"}, "这是唯一的管理员"),
    ],
)
def test_a_refused_form_says_why_in_chinese(
    staff: FlaskClient, path: str, form: dict[str, str], words: str
) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/admin/users").text)
    answer = staff.post(
        path,
        data={"unit": "", **form, "csrf_token": token.group(1)},
        headers={"Referer": "/admin/users"},
    )
    assert answer.status_code == 302
    page = html.unescape(staff.get("/admin/users").get_data(as_text=True))
    assert words in page


def test_a_refused_screen_save_names_the_problem_and_its_place(
    staff: FlaskClient, playlists_dir: Path
) -> None:
    before = (playlists_dir / "site.yaml").read_text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/admin/screens").text)
    form = {"id": "Bad Id", "name": "北侧", "courtroom": "", "csrf_token": token.group(1)}
    assert staff.post("/admin/screens", data=form).status_code == 302
    page = html.unescape(staff.get("/admin/screens").get_data(as_text=True))
    assert "site.yaml 未保存：保存后配置会有 1 处错误。 site.yaml 第" in page
    assert "“Bad Id” 不能用作屏幕编号" in page
    assert (playlists_dir / "site.yaml").read_text() == before


def test_an_unreadable_end_time_and_an_unknown_screen_are_told_in_chinese(
    staff: FlaskClient,
) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/admin/alerts").text)
    form = {"text": "测试", "until": "明天下午", "targets": "all", "csrf_token": token.group(1)}
    refused = staff.post("/admin/alerts", data=form)
    assert refused.status_code == 422
    assert "这个时间无法使用" in html.unescape(refused.get_data(as_text=True))
    gone = staff.post(
        "/admin/screens/nowhere/settings",
        data={
            **{"name": "x", "courtroom": "", "groups": "", "orientation": "landscape"},
            "csrf_token": token.group(1),
        },
    )
    assert gone.status_code == 404
    page = html.unescape(gone.get_data(as_text=True))
    assert "site.yaml 中没有（或已不再有）屏幕 “nowhere”" in page
