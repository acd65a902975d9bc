"""A province's screens on one installation: N simulated screens speak the real protocol to
the production stack (Debian's nginx with deploy/nginx.conf -> gunicorn with
deploy/gunicorn.conf.py -> PostgreSQL, and `signage worker`) while a staff script saves a
playlist, posts an alert and uploads a clip.

Each screen, every poll_seconds with the player's jitter (±10%), does what the player's
round does: the manifest with If-None-Match, a heartbeat, its proof-of-play batch (a batch
whose answer was lost is sent again: 1 in 20 is sent twice, as after a cut link), and the
media files a new manifest names that it has not got, in 1 MB Range requests.

Reports polls/s, p50/p99 per route, errors, plays sent vs stored, the time from the save
(and the alert) to every screen's next manifest carrying it, CPU and RSS of each process,
and writes a plot of latency over time.

    .venv/bin/python bench/fleet.py --screens 200 --minutes 2 --plot docs/fleet.png
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import itertools
import json
import os
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import urllib3  # noqa: E402

from signage.accounts.tokens import create_token  # noqa: E402
from signage.accounts.users import add_user  # noqa: E402
from signage.db import Store, create_store_engine  # noqa: E402
from signage.db import plays as plays_table  # noqa: E402
from signage.jobs.preparation import DEMO_DONE  # noqa: E402
from signage.screens.keys import ensure_screen_key  # noqa: E402
from tests.browser.lobby import make_clip, publish  # noqa: E402
from tests.deploy.nginx import start_nginx  # noqa: E402
from tests.deploy.processes import Process, signage_env, start_gunicorn, start_worker  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

JITTER = 0.1  # the player's: each round ±10% of poll_seconds
RANGE_BYTES = 1024 * 1024
RESENT_EVERY = 20  # one play batch in this many is sent again, as if its answer was lost
PLAYS_PER_ROUND = 3
TIMEOUT = 30
ROUTES = ("manifest", "heartbeat", "plays", "media", "staff")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Screen:
    """One simulated screen: its key, the manifest it has, the files it holds."""

    id: str
    key: str
    etag: str = ""
    have: set[str] = field(default_factory=set)
    fetching: set[str] = field(default_factory=set)
    unsent: list[dict[str, Any]] = field(default_factory=list)
    made: int = 0
    seen_at: dict[str, float] = field(default_factory=dict)  # marker -> when it first came


@dataclass
class Sample:
    """One request: when it went, its route, how long it took, whether it went wrong."""

    at: float
    route: str
    ms: float
    error: str | None


class Fleet:
    """The screens, their requests, and what came back."""

    def __init__(self, url: str, screens: list[Screen], poll_seconds: float) -> None:
        self.url = url
        self.screens = screens
        self.poll_seconds = poll_seconds
        self.samples: list[Sample] = []
        self.sent_ids: set[tuple[str, str]] = set()
        self.markers: dict[str, float] = {}  # marker -> when staff made it
        self.lock = threading.Lock()
        self.local = threading.local()
        self.random = random.Random(24)
        self.started = time.monotonic()
        self.pool = ThreadPoolExecutor(1)  # replaced by run()'s, sized for the fleet

    def session(self) -> requests.Session:
        """One keep-alive session per thread, as each screen keeps its connection."""
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def call(self, route: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        """One request, timed and recorded; None when it failed (nginx's certificate is our
        own self-signed one, so it is not checked)."""
        start = time.monotonic()
        error = None
        answer = None
        try:
            # verify=False here, not on the session: REQUESTS_CA_BUNDLE would override that.
            answer = self.session().request(
                method, self.url + path, timeout=TIMEOUT, verify=False, **kwargs
            )
            if answer.status_code >= 400:
                error = f"{route} HTTP {answer.status_code}: {answer.text[:200]}"
        except requests.RequestException as exc:
            error = f"{route}: {exc}"
        with self.lock:
            self.samples.append(Sample(start, route, (time.monotonic() - start) * 1000, error))
        return None if error else answer

    def round(self, screen: Screen) -> None:
        """What the player does each poll: manifest, heartbeat, plays, new files."""
        headers = {"X-Screen-Key": screen.key}
        answer = self.call(
            "manifest",
            "GET",
            f"/api/v1/screens/{screen.id}/manifest",
            headers={**headers, "If-None-Match": screen.etag},
        )
        files: list[str] = []
        if answer is not None and answer.status_code == 200:
            screen.etag = answer.headers.get("ETag", "")
            text = answer.text
            moment = time.monotonic()
            for marker in list(self.markers):
                if marker in text and marker not in screen.seen_at:
                    screen.seen_at[marker] = moment
            files = sorted(set(_media_urls(answer.json())) - screen.have)
        self.call(
            "heartbeat",
            "POST",
            f"/api/v1/screens/{screen.id}/heartbeat",
            headers=headers,
            json={"player_version": "fleet", "last_error": None},
        )
        self.send_plays(screen, headers)
        # The player fetches files beside its rounds (MediaCache), never holding them up.
        for url in files:
            if url not in screen.fetching:
                screen.fetching.add(url)
                self.pool.submit(self.fetch, screen, url, headers)

    def fetch(self, screen: Screen, url: str, headers: dict[str, str]) -> None:
        """Download one file for a screen; kept when it all came, tried again next round."""
        if self.download(url, headers):
            screen.have.add(url)
        screen.fetching.discard(url)

    def send_plays(self, screen: Screen, headers: dict[str, str]) -> None:
        """This round's plays and any a failed round left; a few batches twice."""
        started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.poll_seconds)
        for n in range(PLAYS_PER_ROUND):
            screen.made += 1
            screen.unsent.append(
                {
                    "id": f"{screen.id}-{screen.made}",
                    "item": "daytime#0",
                    "type": "tip",
                    "started_at": (started + dt.timedelta(seconds=n * 5)).isoformat(),
                    "seconds": 5,
                }
            )
        batch = {"plays": screen.unsent}
        path = f"/api/v1/screens/{screen.id}/plays"
        if self.call("plays", "POST", path, headers=headers, json=batch) is None:
            return  # kept for the next round, as the player keeps them
        if screen.made % (RESENT_EVERY * PLAYS_PER_ROUND) == 0:
            self.call("plays", "POST", path, headers=headers, json=batch)
        with self.lock:
            self.sent_ids.update((screen.id, p["id"]) for p in screen.unsent)
        screen.unsent = []

    def download(self, url: str, headers: dict[str, str]) -> bool:
        """A media file in Range requests of RANGE_BYTES; whether all of it came."""
        start, size = 0, None
        while size is None or start < size:
            ranged = {**headers, "Range": f"bytes={start}-{start + RANGE_BYTES - 1}"}
            answer = self.call("media", "GET", url, headers=ranged)
            if answer is None or answer.status_code != 206:
                return False
            size = int(answer.headers["Content-Range"].rsplit("/", 1)[1])
            start += len(answer.content)
        return True

    def run(self, seconds: float, workers: int) -> float:
        """Every screen's rounds for seconds; the worst lag behind schedule (s).

        As the player does, a screen's next round is due poll_seconds (jittered) after its
        last one ended, so a slow answer delays that screen, not the others.
        """
        due: list[tuple[float, int, Screen]] = []
        # queue.Queue, not SimpleQueue: Python 3.11's SimpleQueue.get, given a timeout of a
        # fraction of a millisecond that runs out inside its loop, waits with a negative
        # timeout, which is forever; no round was in flight to wake it, and on 7 December
        # the 200 screens fell silent 51 s into the test.
        ended: queue.Queue[Screen] = queue.Queue()
        order = itertools.count()
        start = time.monotonic()
        for screen in self.screens:
            at = start + self.random.uniform(0, self.poll_seconds)
            heapq.heappush(due, (at, next(order), screen))
        end = start + seconds
        worst_lag = 0.0
        with ThreadPoolExecutor(workers) as pool:
            self.pool = pool
            while True:
                try:
                    wait = (due[0][0] if due else end) - time.monotonic()
                    screen = ended.get(timeout=max(0.0, min(wait, 1.0)))
                    gap = self.poll_seconds * self.random.uniform(1 - JITTER, 1 + JITTER)
                    heapq.heappush(due, (time.monotonic() + gap, next(order), screen))
                    continue
                except queue.Empty:
                    pass
                moment = time.monotonic()
                if moment >= end:
                    break
                if not due or due[0][0] > moment:
                    continue
                at, _, screen = heapq.heappop(due)
                worst_lag = max(worst_lag, moment - at)
                pool.submit(self.round, screen).add_done_callback(
                    lambda _, screen=screen: ended.put(screen)
                )
        # The plays a failed last round kept go now, as the player sends them next round.
        for screen in self.screens:
            if screen.unsent:
                self.send_plays(screen, {"X-Screen-Key": screen.key})
        return worst_lag


def _media_urls(manifest: dict[str, Any]) -> list[str]:
    """Every /media/files/ URL the manifest names (clips and pictures, not thumbnails)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "url" and isinstance(inner, str) and "/media/files/" in inner:
                    found.append(inner[inner.index("/media/files/") :])
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(manifest)
    return found


class ProcessWatch:
    """CPU (% of one core) and RSS (MB) of named processes and their children, every 5 s."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.rows: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> ProcessWatch:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        last: dict[int, tuple[float, float]] = {}
        while not self.stopping.wait(5):
            moment = time.monotonic()
            sweep: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            for name, root in self.roots.items():
                for pid in [root, *_children(root)]:
                    ticks, rss = _proc_stat(pid)
                    if ticks is None:
                        continue
                    before = last.get(pid)
                    last[pid] = (moment, ticks)
                    if not before or moment <= before[0]:
                        continue
                    # gunicorn's workers one by one (their RSS is what may grow); the
                    # other programs' processes together (PostgreSQL has one per connection).
                    label = f"{name} worker {pid}" if name == "gunicorn" and pid != root else name
                    sweep[label][0] += (ticks - before[1]) / CLK_TCK / (moment - before[0]) * 100
                    sweep[label][1] += rss
            for label, (cpu, rss) in sweep.items():
                self.rows.append({"at": moment, "process": label, "cpu": cpu, "rss": rss})

    def summary(self) -> dict[str, dict[str, float]]:
        """Per process: mean CPU %, RSS (MB) first, once warm (a tenth of the run in: caches
        filled, connections open), last and most."""
        by: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows:
            by[row["process"]].append(row)
        return {
            name: {
                "cpu_mean": statistics.fmean(r["cpu"] for r in rows),
                "rss_first": rows[0]["rss"],
                "rss_warm": rows[len(rows) // 10]["rss"],
                "rss_last": rows[-1]["rss"],
                "rss_most": max(r["rss"] for r in rows),
            }
            for name, rows in by.items()
        }


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grand for child in found for grand in _children(child)]


def _proc_stat(pid: int) -> tuple[float | None, float]:
    """CPU ticks (user + system) and RSS in MB of one process; (None, 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None, 0.0
    return float(fields[11]) + float(fields[12]), int(fields[21]) * PAGE / 1024 / 1024


@dataclass
class Province:
    """The production stack for the fleet, and what it needs to talk to it."""

    work: Path
    postgres: PostgresServer
    owned: bool  # started for this province: stopped with it
    database_url: str
    store: Store
    processes: dict[str, Process]
    url: str
    token: str
    playlists: Path
    keys: dict[str, str]

    def stop(self) -> None:
        """Stop every process and the database; remove the folders."""
        for process in self.processes.values():
            process.stop()
        self.store.engine.dispose()
        if self.owned:
            self.postgres.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def site_yaml(count: int, poll_seconds: int) -> str:
    """A province of count screens in one group, all on the daytime playlist."""
    screens = "".join(
        f"  fleet-{n:04d}:\n    name: 第{n}号屏\n    groups: [province]\n"
        for n in range(1, count + 1)
    )
    return (
        "site:\n  name: 某省法院\n  timezone: Asia/Shanghai\n"
        f"  poll_seconds: {poll_seconds}\n"
        f"screens:\n{screens}schedule: []\ndefault_playlist: daytime\n"
    )


def playlist_yaml(version: int) -> str:
    """The daytime playlist after `version` saves: each save added a tip with its marker
    (so a later save still carries an earlier one's), which screens look for."""
    tips = "".join(
        f"  - tip:\n      title: 诉讼小知识\n      body: 第{n}版 诉讼时效一般为三年。\n"
        "    seconds: 10\n"
        for n in range(1, version + 1)
    )
    return f"name: 日间轮播\nitems:\n  - clip: fleet-a\n{tips}"


def start_province(
    count: int, poll_seconds: int, postgres: PostgresServer | None = None, gunicorn_workers: int = 2
) -> Province:
    """PostgreSQL (a new cluster unless given one), gunicorn, the worker and nginx on a fresh
    installation of count screens."""
    work = Path(tempfile.mkdtemp(prefix="signage-fleet-"))
    playlists, media = work / "playlists", work / "media"
    playlists.mkdir()
    (playlists / "site.yaml").write_text(site_yaml(count, poll_seconds), encoding="utf-8")
    (playlists / "daytime.yaml").write_text(playlist_yaml(1), encoding="utf-8")
    owned = postgres is None
    postgres = postgres or PostgresServer()
    processes: dict[str, Process] = {}
    try:  # whatever fails or is interrupted, nothing started is left running
        database_url = postgres.new_database()
        store = Store(create_store_engine(database_url))
        store.set_meta(DEMO_DONE, "not wanted in the fleet bench")
        publish(store, media, [make_clip(work, "fleet-a", 2, pattern=0)])
        keys_secret = store.secret_key()
        keys = {
            f"fleet-{n:04d}": ensure_screen_key(store, keys_secret, f"fleet-{n:04d}")
            for n in range(1, count + 1)
        }
        add_user(store, "fleet-admin", "admin", None)
        token = create_token(store, "fleet-admin")
        env = signage_env(
            playlists,
            media,
            SIGNAGE_DATABASE_URL=database_url,
            SIGNAGE_LOG_LEVEL="warning",
            SIGNAGE_TRUSTED_PROXIES="1",
            SIGNAGE_MEDIA_ACCEL_REDIRECT="/protected-media/",
        )
        processes["gunicorn"] = start_gunicorn(env, work / "web.log", workers=gunicorn_workers)
        processes["worker"] = start_worker(env, work / "worker.log")
        nginx = start_nginx(
            work / "nginx", processes["gunicorn"].url.removeprefix("http://"), media / "files"
        )
        processes["nginx"] = nginx.process
    except BaseException:
        for process in processes.values():
            process.stop()
        if owned:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Province(
        work, postgres, owned, database_url, store, processes, nginx.url, token, playlists, keys
    )


class Staff:
    """The staff script: saves the playlist, posts an alert, uploads a clip and plays it."""

    def __init__(self, fleet: Fleet, province: Province) -> None:
        self.fleet = fleet
        self.province = province
        self.headers = {"Authorization": f"Bearer {province.token}"}
        self.notes: list[str] = []

    def save(self, version: int, extra_clip: str | None = None) -> None:
        """Save the daytime playlist with this version's marker (and a clip), If-Match."""
        path = "/api/v1/playlists/daytime"
        current = self.fleet.call("staff", "GET", path, headers=self.headers)
        if current is None:
            return
        text = playlist_yaml(version) + (f"  - clip: {extra_clip}\n" if extra_clip else "")
        headers = {
            **self.headers,
            "Content-Type": "text/yaml",
            "If-Match": current.headers.get("ETag", ""),
        }
        if self.fleet.call("staff", "PUT", path, headers=headers, data=text.encode()):
            self.fleet.markers[f"第{version}版"] = time.monotonic()

    def alert(self) -> None:
        """An urgent message to every screen for an hour."""
        text = "紧急通知：今日下午停电检修，暂停办理业务。"
        until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        body = {"text": text, "screens": "all", "until": until}
        if self.fleet.call("staff", "POST", "/api/v1/alerts", headers=self.headers, json=body):
            self.fleet.markers[text] = time.monotonic()

    def upload(self) -> str | None:
        """Upload a clip for the worker to prepare; its id."""
        clip = make_clip(self.province.work, "fleet-b-source", 4, pattern=1, size="640x360")
        with clip.path.open("rb") as file:
            answer = self.fleet.call(
                "staff",
                "POST",
                "/api/v1/media",
                headers=self.headers,
                files={"file": ("新闻发布会.mp4", file, "video/mp4")},
                data={"id": "fleet-b", "title": "新闻发布会"},
            )
        return None if answer is None else answer.json()["id"]

    def prepared(self, media_id: str) -> bool:
        """Wait (up to 5 minutes) until the worker prepared the upload; whether it did."""
        deadline = time.monotonic() + 300
        path = f"/api/v1/media/{media_id}"
        while time.monotonic() < deadline:
            state = self.fleet.call("staff", "GET", path, headers=self.headers)
            status = state.json().get("status") if state is not None else None
            if status == "ready":
                return True
            if status == "failed":
                break
            time.sleep(1)
        self.notes.append(f"the uploaded clip was not prepared ({status})")
        return False

    def run(self, seconds: float) -> None:
        """Upload a clip at once, save at a quarter of the run, alert at two fifths, and
        put the clip in the playlist once it is prepared."""
        start = time.monotonic()

        def at(fraction: float) -> None:
            time.sleep(max(0.0, start + seconds * fraction - time.monotonic()))

        at(0.05)
        uploaded = self.upload()
        at(0.25)
        self.save(2)
        at(0.4)
        self.alert()
        if uploaded and self.prepared(uploaded):
            self.save(3, extra_clip=uploaded)


def stored_plays(province: Province) -> set[tuple[str, str]]:
    """(screen, play id) of every play the database holds."""
    with province.store.engine.connect() as conn:
        rows = conn.execute(sa.select(plays_table.c.screen_id, plays_table.c.client_id))
        return {(row.screen_id, row.client_id) for row in rows}


def database_sizes(province: Province) -> dict[str, float]:
    """The database's size and its biggest tables' (with indexes), in MB."""
    with province.store.engine.connect() as conn:
        total = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        tables = conn.execute(
            sa.text(
                "SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables "
                "ORDER BY 2 DESC LIMIT 5"
            )
        ).all()
    return {"total": total / 2**20, **{name: size / 2**20 for name, size in tables}}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(
    fleet: Fleet, province: Province, seconds: float, lag: float, watch: ProcessWatch
) -> dict[str, Any]:
    """The run's figures (what the module docstring lists)."""
    routes = {}
    # After the first poll interval: every screen's first round (a whole manifest, a TLS
    # handshake, the first files) comes at once then, as after a server restart.
    settled = fleet.started + fleet.poll_seconds
    for route in ROUTES:
        times = [s.ms for s in fleet.samples if s.route == route]
        later = [s.ms for s in fleet.samples if s.route == route and s.at >= settled]
        routes[route] = {
            "count": len(times),
            "p50_ms": percentile(times, 0.5),
            "p99_ms": percentile(times, 0.99),
            "p50_ms_settled": percentile(later, 0.5),
            "p99_ms_settled": percentile(later, 0.99),
        }
    errors = [s.error for s in fleet.samples if s.error]
    stored = stored_plays(province)
    reach = {}
    for marker, made in fleet.markers.items():
        seen = [s.seen_at[marker] - made for s in fleet.screens if marker in s.seen_at]
        reach[marker] = {
            "screens": len(seen),
            "every_screen_s": max(seen) if len(seen) == len(fleet.screens) else None,
            "median_s": statistics.median(seen) if seen else None,
        }
    sizes = database_sizes(province)
    return {
        "screens": len(fleet.screens),
        "poll_seconds": fleet.poll_seconds,
        "seconds": seconds,
        "polls_per_second": routes["manifest"]["count"] / seconds,
        "routes": routes,
        "errors": len(errors),
        "first_errors": errors[:5],
        # nginx's own word on a 502 or 504 (an upstream closed, refused or timed out)
        "upstream_errors": [
            line
            for line in (province.work / "nginx" / "error.log").read_text().splitlines()
            if "upstream" in line
        ][:5],
        "plays_sent": len(fleet.sent_ids),
        "plays_stored": len(stored & fleet.sent_ids),
        "plays_stored_unsent": len(stored - fleet.sent_ids),
        "reach": reach,
        "downloads": {
            url.rsplit("/", 1)[-1]: sum(url in s.have for s in fleet.screens)
            for url in sorted(set().union(*(s.have for s in fleet.screens)))
        },
        "worst_schedule_lag_s": lag,
        "processes": watch.summary(),
        "database_mb": sizes,
        "load_average": os.getloadavg(),
    }


def plot(fleet: Fleet, path: Path, title: str) -> None:
    """p50 and p99 of each route per 10 s, and polls per second, over the run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = 10.0
    figure, (latency, rate) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for route in ("manifest", "heartbeat", "plays", "media"):
        bins: dict[int, list[float]] = defaultdict(list)
        for sample in fleet.samples:
            if sample.route == route:
                bins[int((sample.at - fleet.started) // width)].append(sample.ms)
        if not bins:
            continue
        keys = sorted(bins)
        minutes = [k * width / 60 for k in keys]
        (line,) = latency.plot(
            minutes, [percentile(bins[k], 0.99) for k in keys], label=f"{route} p99"
        )
        latency.plot(
            minutes,
            [percentile(bins[k], 0.5) for k in keys],
            linestyle=":",
            color=line.get_color(),
            label=f"{route} p50",
        )
    latency.set_yscale("log")
    latency.set_ylabel("latency (ms)")
    latency.legend(fontsize=7, ncol=4)
    latency.grid(alpha=0.3)
    polls: dict[int, int] = defaultdict(int)
    for sample in fleet.samples:
        if sample.route == "manifest":
            polls[int((sample.at - fleet.started) // width)] += 1
    keys = sorted(polls)
    rate.plot([k * width / 60 for k in keys], [polls[k] / width for k in keys])
    rate.set_ylabel("manifest polls/s")
    rate.set_xlabel("minutes")
    rate.grid(alpha=0.3)
    for made in fleet.markers.values():
        for axis in (latency, rate):
            axis.axvline((made - fleet.started) / 60, color="grey", linewidth=0.8)
    latency.set_title(title, fontsize=9)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)


def run_fleet(
    count: int,
    seconds: float,
    poll_seconds: int = 30,
    plot_to: Path | None = None,
    postgres: PostgresServer | None = None,
) -> dict[str, Any]:
    """Start the stack, run count screens and the staff script for seconds; the figures."""
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # our own certificate
    province = start_province(count, poll_seconds, postgres)
    try:
        screens = [Screen(screen_id, key) for screen_id, key in sorted(province.keys.items())]
        fleet = Fleet(province.url, screens, poll_seconds)
        roots = {name: process.process.pid for name, process in province.processes.items()}
        roots["postgres"] = int((province.postgres.data / "postmaster.pid").read_text().split()[0])
        roots["fleet"] = os.getpid()
        database_before = database_sizes(province)
        watch = ProcessWatch(roots).start()
        staff = Staff(fleet, province)
        script = threading.Thread(target=staff.run, args=(seconds,), daemon=True)
        script.start()
        # Enough threads that a slow answer holds up few other screens' rounds; not so many
        # that their connections (each one to nginx and one on to gunicorn) pass the test
        # nginx's 512, nor that the simulator's own TLS handshakes take the machine's cores.
        lag = fleet.run(seconds, workers=min(64, max(16, count // 8)))
        script.join(timeout=60)
        watch.stop()
        figures = report(fleet, province, seconds, lag, watch)
        figures["staff_notes"] = staff.notes
        figures["database_mb_before"] = database_before
        if plot_to:
            plot(
                fleet,
                plot_to,
                f"{count} screens, {poll_seconds} s polls, "
                f"load average {figures['load_average'][0]:.1f}",
            )
        return figures
    finally:
        province.stop()


def soak_verdicts(figures: dict[str, Any]) -> list[tuple[str, bool]]:
    """The server-side soak's checks: nothing failed, every play stored once, and the RSS of
    gunicorn's workers and of the worker within +20% of what they had once warm."""
    found = [
        (f"{figures['errors']} errors", figures["errors"] == 0),
        (
            f"plays {figures['plays_sent']} sent, {figures['plays_stored']} stored",
            figures["plays_sent"] == figures["plays_stored"],
        ),
    ]
    for name, process in figures["processes"].items():
        if name.startswith("gunicorn worker") or name == "worker":
            warm, last = process["rss_warm"], process["rss_last"]
            found.append(
                (f"{name} RSS {warm:.0f} -> {last:.0f} MB (+20% allowed)", last <= warm * 1.2)
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--poll-seconds", type=int, default=30)
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--soak", action="store_true", help="check memory; exit 1 if it grew")
    args = parser.parse_args()
    figures = run_fleet(args.screens, args.minutes * 60, args.poll_seconds, args.plot)
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    if not args.soak:
        return 0
    results = soak_verdicts(figures)
    for what, held in results:
        print(("ok   " if held else "FAIL ") + what)
    return 0 if all(held for _, held in results) else 1


if __name__ == "__main__":
    sys.exit(main())
