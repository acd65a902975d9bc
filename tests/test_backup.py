"""Backup of a running server, restore into a fresh folder: screens and staff carry on."""

from __future__ import annotations

import datetime as dt
import tarfile
import time
from pathlib import Path

import pytest
import requests

from tests.commands import run_signage
from tests.support import LiveServer, start_server

pytestmark = pytest.mark.slow


def staff_token(server: LiveServer) -> dict[str, str]:
    server.signage("user", "add", "ops", "--role", "admin", "--password", "correct horse battery")
    return {"Authorization": "Bearer " + server.signage("token", "create", "ops")}


def wait_until_media_ready(server: LiveServer, headers: dict[str, str]) -> list[dict]:
    """The demo media is drawn and prepared on the first start; wait for all of it."""
    deadline = time.monotonic() + 300
    while True:
        media = requests.get(server.url + "/api/v1/media", headers=headers, timeout=10).json()
        if media["media"] and all(m["status"] == "ready" for m in media["media"]):
            return media["media"]
        assert time.monotonic() < deadline, media
        time.sleep(1)


def post_alert(
    server: LiveServer, headers: dict[str, str], text: str, screen: str, hours: int
) -> requests.Response:
    """An urgent message on one screen (or group) for some hours; the answer."""
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()
    return requests.post(
        server.url + "/api/v1/alerts",
        json={"text": text, "screens": [screen], "until": until},
        headers=headers,
        timeout=10,
    )


def rebuild_manifests(server: LiveServer, headers: dict[str, str]) -> None:
    """Post an urgent message and end it: the content is as before, the cache is rebuilt."""
    posted = post_alert(server, headers, "测试", "tribunal-2", 1)
    ended = requests.delete(server.url + posted.headers["Location"], headers=headers, timeout=10)
    assert (posted.status_code, ended.status_code) == (201, 200)


def test_a_backup_of_a_running_server_restores_into_a_fresh_folder(
    live_server: LiveServer, tmp_path: Path
) -> None:
    headers = staff_token(live_server)
    key = live_server.signage("screen-url", "lobby-east").rsplit("key=", 1)[1]
    sent = post_alert(live_server, headers, "今日下午停电检修", "lobby", 72)
    assert sent.status_code == 201, sent.text
    media = wait_until_media_ready(live_server, headers)
    manifest = f"/api/v1/screens/lobby-east/manifest?key={key}"
    history = requests.get(
        live_server.url + "/api/v1/history/daytime.yaml", headers=headers, timeout=10
    ).json()
    audit = requests.get(live_server.url + "/api/v1/audit", headers=headers, timeout=10).json()
    assert audit["entries"] and history["revisions"]

    archive = tmp_path / "backup" / "signage.tar.gz"
    made = run_signage(live_server.env, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert "keep it as safe as a password" in made.stderr
    assert archive.stat().st_mode & 0o077 == 0  # only its owner may read it
    with tarfile.open(archive) as packed:
        names = packed.getnames()
    assert {"signage.db", "secret_key", "backup.json", "playlists/site.yaml"} <= set(names)
    assert any(name.startswith("media/files/") and name.endswith(".mp4") for name in names)

    fresh = tmp_path / "restored"
    env = {
        **live_server.env,
        "SIGNAGE_PLAYLISTS_DIR": str(fresh / "playlists"),
        "SIGNAGE_MEDIA_DIR": str(fresh / "media"),
    }
    restored = run_signage(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    again = run_signage(env, "restore", str(archive))
    assert again.returncode == 1 and "empty installation" in again.stderr

    server = start_server(tmp_path, fresh / "playlists", fresh / "media")
    try:
        # A manifest covers the hours from the minute it was built, and each server keeps
        # its own until something changes: have both build theirs anew in one minute.
        for _ in range(3):
            minute = dt.datetime.now().minute
            for node in (live_server, server):
                rebuild_manifests(node, headers)
            time.sleep(1.2)  # a server reads the change counters at most once a second
            before = requests.get(live_server.url + manifest, timeout=10)
            after = requests.get(server.url + manifest, timeout=10)
            if dt.datetime.now().minute == minute:
                break
        assert after.status_code == 200
        assert after.headers["ETag"] == before.headers["ETag"]
        assert after.json()["alert"] == before.json()["alert"]
        assert (
            requests.get(
                server.url + "/api/v1/history/daytime.yaml", headers=headers, timeout=10
            ).json()
            == history
        )
        restored_audit = requests.get(server.url + "/api/v1/audit", headers=headers, timeout=10)
        assert restored_audit.json()["entries"][-len(audit["entries"]) :] == audit["entries"]
        clip = next(m for m in media if m["kind"] == "video")
        played = requests.get(
            server.url + clip["url"], params={"key": key}, headers={"Range": "bytes=0-99"}
        )
        assert played.status_code == 206 and len(played.content) == 100
    finally:
        server.stop()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as packed:
        evil = tmp_path / "evil"
        evil.write_text("x")
        packed.add(evil, "../../etc/evil")
    env = {"SIGNAGE_MEDIA_DIR": str(tmp_path / "m"), "SIGNAGE_PLAYLISTS_DIR": str(tmp_path / "p")}
    refused = run_signage({**env, "PATH": "/usr/bin:/bin"}, "restore", str(bogus))
    assert refused.returncode == 1
    assert "is not a signage backup" in refused.stderr
    assert not (tmp_path.parent.parent / "etc" / "evil").exists()
