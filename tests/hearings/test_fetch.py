"""The scheduled fetch of HEARINGS_URL from a real HTTP server: CSV or JSON, imported
when it changed, skipped when not, an unreachable address said in plain words."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from signage.accounts.audit import audit_entries
from signage.db import Store, create_store_engine
from signage.errors import SignageError
from signage.hearings.board import hearing_rows
from signage.hearings.imports import fetch_hearings
from signage.jobs.scheduler import fetch_hearing_list, housekeeping_jobs
from signage.migrations import ensure_schema
from signage.parts import build_parts

ZONE = ZoneInfo("Asia/Shanghai")
CSV = (
    "开庭时间,案号,当事人,法庭,是否公开\r\n"
    "2026-12-01 09:00,(2026)冀0822民初1号,张三,第一法庭,否\r\n"
)
JSON = [
    {"开庭时间": "2026-12-02 10:00", "案号": "(2026)冀0822民初2号", "法庭": "第二法庭"},
    {"开庭时间": "2026-12-02 11:00", "案号": "(2026)冀0822民初3号", "法庭": "第二法庭"},
]


class CaseSystem(BaseHTTPRequestHandler):
    """Serves whatever the test put in `served` as (content type, body)."""

    served: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        kind, body = self.served.get(self.path, ("text/plain", b""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def case_system() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CaseSystem)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def migrated_store(tmp_path: Path) -> Store:
    """A SQLite file with this release's schema, as `signage serve` would make it."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ensure_schema(engine)
    return Store(engine)


def test_csv_then_json_are_imported_once_each(tmp_path: Path, case_system: str) -> None:
    store = migrated_store(tmp_path)
    CaseSystem.served = {
        "/today.csv": ("text/csv; charset=gbk", CSV.encode("gbk")),
        "/today.json": ("application/json", json.dumps(JSON, ensure_ascii=False).encode()),
    }
    report = fetch_hearings(store, case_system + "/today.csv", ZONE)
    assert report is not None and report.dates == [dt.date(2026, 12, 1)]
    assert fetch_hearings(store, case_system + "/today.csv", ZONE) is None  # unchanged
    [row] = hearing_rows(store, dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert (row["case_number"], row["public"]) == ("(2026)冀0822民初1号", False)
    report = fetch_hearings(store, case_system + "/today.json", ZONE)
    assert report is not None and report.imported == 2
    entries = audit_entries(store, action="hearings.import")
    assert [e.target for e in entries] == [
        case_system + "/today.json",
        case_system + "/today.csv",
    ]
    assert entries[0].user is None  # the system, not a person
    with pytest.raises(SignageError) as missing:
        fetch_hearings(store, case_system + "/gone.csv", ZONE)
    assert "could not be fetched" in missing.value.message


def test_the_job_runs_only_where_an_address_is_set(tmp_path: Path, case_system: str) -> None:
    playlists = Path(__file__).resolve().parents[2] / "playlists"
    settings = {"PLAYLISTS_DIR": playlists, "MEDIA_DIR": tmp_path / "media"}
    plain = build_parts(settings)
    # Fetching is housekeeping: one process per database does it.
    assert fetch_hearing_list not in [job for job, _ in housekeeping_jobs(plain)]
    assert fetch_hearing_list(plain) is None
    CaseSystem.served = {"/list.csv": ("text/csv", CSV.encode("utf-8"))}
    wired = build_parts(
        {**settings, "HEARINGS_URL": case_system + "/list.csv", "HEARINGS_FETCH_SECONDS": 60}
    )
    assert (fetch_hearing_list, 60) in housekeeping_jobs(wired)
    report = fetch_hearing_list(wired)
    assert report is not None and report.imported == 1
