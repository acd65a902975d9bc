"""Several servers on one PostgreSQL and one shared folder: two web nodes and two workers.

What one node is told, the other knows within a poll: uploads, saves, alerts, plays; and
two workers never prepare one clip twice.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from signage.media.ffmpeg import locate_binaries
from tests.commands import run_signage
from tests.deploy.processes import Process, signage_env, start_gunicorn, start_worker
from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow


@dataclass
class Province:
    """Web nodes A and B and two workers on one database and one shared folder."""

    a: Process
    b: Process
    workers: list[Process]
    env: dict[str, str]


@pytest.fixture
def province(
    tmp_path: Path, playlists_dir: Path, media_dir: Path, postgres: PostgresServer
) -> Iterator[Province]:
    env = signage_env(playlists_dir, media_dir, SIGNAGE_DATABASE_URL=postgres.new_database())
    # On PostgreSQL the schema is the admin's step; every node shares one secret key.
    env["SIGNAGE_SECRET_KEY"] = "one-key-for-every-node-of-this-province"
    started: list[Process] = []
    try:
        started.append(start_gunicorn(env, tmp_path / "a.log"))
        started.append(start_gunicorn(env, tmp_path / "b.log"))
        started += [start_worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        yield Province(started[0], started[1], started[2:], env)
    finally:
        for process in reversed(started):
            process.stop()


def eventually(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return found


def make_clips(folder: Path, count: int) -> list[Path]:
    ffmpeg = locate_binaries(None, None).ffmpeg
    clips = []
    for n in range(count):
        clip = folder / f"clip-{n}.mp4"
        source = f"testsrc2=size=320x180:rate=25:duration=1,hue=h={n * 40}"
        subprocess.run(
            [ffmpeg, "-v", "error", "-f", "lavfi", "-i", source, "-c:v", "libx264", str(clip)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        clips.append(clip)
    return clips


def test_two_web_nodes_and_two_workers_on_one_postgresql(
    province: Province, tmp_path: Path
) -> None:
    env = province.env
    added = run_signage(env, "user", "add", "clerk", "--role", "admin", "--password", "pw-123456")
    assert added.returncode == 0, added.stderr
    staff = {
        "Authorization": "Bearer " + run_signage(env, "token", "create", "clerk").stdout.strip()
    }
    key = run_signage(env, "screen-url", "lobby-east").stdout.strip().rsplit("key=", 1)[1]
    a, b = province.a.url, province.b.url
    screen = {"X-Screen-Key": key}

    def manifest(node: str) -> dict:
        answer = requests.get(
            f"{node}/api/v1/screens/lobby-east/manifest", headers=screen, timeout=10
        )
        assert answer.status_code == 200
        return answer.json()

    # An upload through A is prepared by a worker and shows in B's manifest.
    clips = make_clips(tmp_path, 5)
    for n, clip in enumerate(clips):
        media_id = "anti-fraud" if n == 0 else f"extra-{n}"
        with clip.open("rb") as body:
            sent = requests.post(
                a + "/api/v1/media",
                headers=staff,
                files={"file": body},
                data={"id": media_id},
                timeout=60,
            )
        assert sent.status_code == 202, sent.text

    def anti_fraud_in_b() -> bool:
        items = [i for s in manifest(b)["segments"] for i in s["items"]]
        return any(i.get("media") == "anti-fraud" and i.get("url") for i in items)

    eventually(anti_fraud_in_b, 240, "the upload never reached node B's manifest")

    # Two workers shared the queue; each clip was prepared exactly once.
    def all_ready() -> list[dict]:
        media = requests.get(b + "/api/v1/media", headers=staff, timeout=10).json()["media"]
        return media if all(m["status"] == "ready" for m in media) else []

    eventually(all_ready, 240, "not every upload was prepared")
    logs = "".join(worker.text() for worker in province.workers)
    prepared = re.findall(r"media (\S+) ready", logs)
    assert sorted(prepared) == sorted(["anti-fraud", *(f"extra-{n}" for n in range(1, 5))])

    # A save through B (with If-Match) is what A serves; A's stale If-Match gets 412.
    first = requests.get(a + "/api/v1/playlists/evening", headers=staff, timeout=10)
    stale = first.headers["ETag"]
    text = first.text.replace("夜间及节假日轮播", "夜间轮播")
    saved = requests.put(
        b + "/api/v1/playlists/evening",
        data=text.encode(),
        headers={**staff, "Content-Type": "text/yaml", "If-Match": stale},
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    seen = eventually(
        lambda: (
            (r := requests.get(a + "/api/v1/playlists/evening", headers=staff, timeout=10)).text
            == text
            and r
        ),
        10,
        "node A never saw B's save",
    )
    assert seen.headers["ETag"] == saved.headers["ETag"]
    late = requests.put(
        a + "/api/v1/playlists/evening",
        data=first.text.encode(),
        headers={**staff, "Content-Type": "text/yaml", "If-Match": stale},
        timeout=10,
    )
    assert late.status_code == 412

    # An alert sent to A is in B's manifest within one poll.
    poll = manifest(b)["poll_seconds"]
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    posted = requests.post(
        a + "/api/v1/alerts",
        json={"text": "今日下午停电检修", "screens": ["lobby"], "until": until},
        headers=staff,
        timeout=10,
    )
    assert posted.status_code in (200, 201), posted.text
    sent_at = time.monotonic()
    eventually(lambda: manifest(b)["alert"], poll, "the alert missed node B's next poll")
    assert time.monotonic() - sent_at < poll

    # The same plays batch sent to A and to B (a retry through the other node) counts once.
    batch = {
        "plays": [
            {
                "id": "retry-1",
                "item": "daytime#1",
                "type": "tip",
                "started_at": "2026-11-20T09:00:00+08:00",
                "seconds": 15,
            },
        ]
    }
    for node in (a, b):
        answer = requests.post(
            f"{node}/api/v1/screens/lobby-east/plays", json=batch, headers=screen, timeout=10
        )
        assert answer.status_code == 200, answer.text
    report = requests.get(
        b + "/api/v1/reports/plays?from=2026-11-20&to=2026-11-20", headers=staff, timeout=10
    ).json()
    assert [(r["item"], r["plays"]) for r in report["rows"]] == [("daytime#1", 1)]
