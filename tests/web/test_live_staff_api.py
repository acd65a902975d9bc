"""The staff API on the real server: a save and an alert reach the next manifest poll."""

from __future__ import annotations

import datetime as dt

import requests

from tests.support import LiveServer


def test_save_alert_and_oversized_body_over_real_http(live_server: LiveServer) -> None:
    password = "长长的密码一二三四"
    live_server.signage("user", "add", "宣传科", "--role", "editor", "--password", password)
    staff = {"Authorization": "Bearer " + live_server.signage("token", "create", "宣传科")}
    key = live_server.signage("screen-url", "lobby-east").rsplit("key=", 1)[1]
    api = live_server.url + "/api/v1"
    manifest = f"{api}/screens/lobby-east/manifest"

    site = requests.get(f"{api}/site", headers=staff, timeout=5)
    assert site.status_code == 200
    changed = site.content.replace(
        "name: 兴隆县人民法院\n".encode(), "name: 兴隆县人民法院（新）\n".encode()
    )
    saved = requests.put(
        f"{api}/site",
        data=changed,
        timeout=10,
        headers={
            **staff,
            "Content-Type": "text/yaml; charset=utf-8",
            "If-Match": site.headers["ETag"],
        },
    )
    assert saved.status_code == 200, saved.text
    polled = requests.get(manifest, params={"key": key}, timeout=5).json()
    assert polled["site"]["name"] == "兴隆县人民法院（新）"

    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    posted = requests.post(
        f"{api}/alerts",
        headers=staff,
        timeout=5,
        json={"text": "大厅暂停服务", "screens": ["lobby"], "until": until},
    )
    assert posted.status_code == 201
    polled = requests.get(manifest, params={"key": key}, timeout=5).json()
    assert polled["alert"]["text"] == "大厅暂停服务"

    huge = requests.put(
        f"{api}/site",
        data=b"#" * (20 * 1024 * 1024),
        timeout=30,
        headers={**staff, "Content-Type": "text/yaml", "If-Match": saved.headers["ETag"]},
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    assert requests.get(f"{api}/site", headers=staff, timeout=5).content == changed
