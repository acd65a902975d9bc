"""The outage webhook: a real HTTP receiver gets one POST when a screen goes dark during its
scheduled hours and one when it is back; nothing at night or for a screen never seen."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from signage.db import now, screen_status
from signage.jobs.scheduler import housekeeping_jobs, watch_screens
from signage.parts import Signage, build_parts
from signage.screens.outages import notify_outages, screens_in_scheduled_hours
from signage.screens.status import record_heartbeat, screen_overview


class Receiver(ThreadingHTTPServer):
    """Keeps every JSON body POSTed to it; answers `status`."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N802, N805
                length = int(handler.headers["Content-Length"])
                self.bodies.append(json.loads(handler.rfile.read(length)))
                handler.send_response(self.status)
                handler.end_headers()
                handler.wfile.write(b'{"errcode":0}')

            def log_message(handler, *args: object) -> None:  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/robot/send"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def moments(parts: Signage, lobby_scheduled: bool) -> dt.datetime:
    """The first whole hour from tomorrow on when lobby-east is (or is not) in its hours."""
    config = parts.state.current
    moment = (now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 14):
        if ("lobby-east" in screens_in_scheduled_hours(config, moment)) == lobby_scheduled:
            return moment
        moment += dt.timedelta(hours=1)
    raise AssertionError("no such hour in two weeks")


def test_one_post_when_dark_in_scheduled_hours_and_one_when_back(
    parts: Signage, receiver: Receiver
) -> None:
    store, config = parts.store, parts.state.current
    record_heartbeat(store, "lobby-east", {"player_version": "test"})
    night = moments(parts, lobby_scheduled=False)
    assert notify_outages(store, config, night, 3, receiver.url) == {"offline": [], "back": []}
    assert receiver.bodies == []  # dark at night is nobody's concern

    office_hours = moments(parts, lobby_scheduled=True)
    announced = notify_outages(store, config, office_hours, 3, receiver.url)
    assert announced == {"offline": ["lobby-east"], "back": []}
    body = receiver.bodies[-1]
    assert body["msgtype"] == "text"
    assert "诉讼服务中心东侧大屏（lobby-east）" in body["text"]["content"]
    assert [s["id"] for s in body["offline"]] == ["lobby-east"]
    # Still dark an hour later: announced once, not every run.
    later = office_hours + dt.timedelta(hours=1)
    assert notify_outages(store, config, later, 3, receiver.url)["offline"] == []
    assert len(receiver.bodies) == 1

    record_heartbeat(store, "lobby-east", {"player_version": "test"})
    back = notify_outages(store, config, now(), 3, receiver.url)
    assert back == {"offline": [], "back": ["lobby-east"]}
    assert "【屏幕恢复 screen back】" in receiver.bodies[-1]["text"]["content"]


def test_an_unreachable_webhook_is_tried_again(parts: Signage, receiver: Receiver) -> None:
    store, config = parts.store, parts.state.current
    record_heartbeat(store, "lobby-east", {"player_version": "test"})
    office_hours = moments(parts, lobby_scheduled=True)
    receiver.status = 500
    assert notify_outages(store, config, office_hours, 3, receiver.url)["offline"] == []
    receiver.status = 200
    assert notify_outages(store, config, office_hours, 3, receiver.url)["offline"] == ["lobby-east"]
    assert len(receiver.bodies) == 2


def test_the_housekeeper_watches_screens_only_when_a_webhook_is_set(
    playlists_dir: Path, media_dir: Path, receiver: Receiver
) -> None:
    settings = {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir}
    quiet = build_parts(settings)
    watching = build_parts({**settings, "ALERT_WEBHOOK": receiver.url})
    assert "watch_screens" not in {job.__name__ for job, _ in housekeeping_jobs(quiet)}
    assert "watch_screens" in {job.__name__ for job, _ in housekeeping_jobs(watching)}
    assert watch_screens(watching) == {"offline": [], "back": []}  # nobody seen yet


def test_a_screen_outside_its_hours_sleeps_and_no_outage_fires(
    playlists_dir: Path, media_dir: Path, receiver: Receiver
) -> None:
    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text().replace(
            "    name: 诉讼服务中心东侧大屏\n",
            '    name: 诉讼服务中心东侧大屏\n    hours: {days: workdays, time: "07:30-18:30"}\n',
        )
    )
    parts = build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir})
    store, config = parts.store, parts.state.current
    assert config is not None and config.hours_for("lobby-east")
    zone = config.site.zone
    # Last seen on Friday evening 2026-02-13; 2026-02-14 is a make-up workday (调休) Saturday.
    record_heartbeat(store, "lobby-east", {"player_version": "test"})
    with store.engine.begin() as conn:
        conn.execute(
            screen_status.update().values(last_seen=dt.datetime(2026, 2, 13, 18, 0, tzinfo=zone))
        )

    def status(moment: dt.datetime) -> str:
        overview = screen_overview(config, store, moment, 3)
        return next(s.status for s in overview if s.id == "lobby-east")

    night = dt.datetime(2026, 2, 14, 7, 29, tzinfo=zone)
    assert status(night) == "sleeping"
    assert notify_outages(store, config, night, 3, receiver.url) == {"offline": [], "back": []}
    assert receiver.bodies == []
    waking = dt.datetime(2026, 2, 14, 7, 30, tzinfo=zone)
    assert status(waking) == "offline"
    assert notify_outages(store, config, waking, 3, receiver.url)["offline"] == ["lobby-east"]
    # Inside its hours its hours are what is watched, though its rule is all day long.
    assert "lobby-east" in screens_in_scheduled_hours(config, waking)
    evening = dt.datetime(2026, 2, 14, 18, 30, tzinfo=zone)
    assert "lobby-east" not in screens_in_scheduled_hours(config, evening)
    assert status(evening) == "sleeping"
    parts.store.engine.dispose()
