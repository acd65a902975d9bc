"""Generated input for every staff form and every upload, as admin, editor and reviewer.

Each case posts a form (or an upload through the API, as the pages' scripts do, with the
session and its CSRF header) to an app in-process, follows redirects to the page a person
ends on, and checks it: never a 5xx, never more than `SLOWEST` seconds, and on a page no
English sentence (tests/admin/english.py). The test suite runs a few examples per form;
`python -m tests.admin.form_fuzzing --examples 100` is the longer run.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from signage import create_app
from signage.accounts.users import add_user
from signage.edits.drafts import hold_draft
from signage.edits.saving import file_etag
from tests.admin.english import english_sentences
from tests.hearings.workbooks import HEADER, csv_text, damaged, xlsx
from tests.media.test_captions import _clip
from tests.web.fuzzing import Outcome, report

ROLES = ("admin", "editor", "reviewer")
PASSWORD = "correct horse battery"
SLOWEST = 5.0  # seconds for one request, on a loaded test machine
DEMO = Path(__file__).resolve().parents[2] / "playlists"

# Values a person might type, values a page holds, and values nobody should send.
typed = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            "daytime",
            "evening",
            "lobby-east",
            "lobby",
            "2026-12-01",
            "9999-12-31",
            "0001-01-01",
            "2026-12-01..2026-12-07",
            "08:30",
            "25:00",
            "-1",
            "1" * 30,
            "Infinity",
            "第一法庭",
            "\x00\x1b\u202e",
            "<img src=x onerror=alert(1)>",
            "x" * 3000,
        ]
    ),
)
ids = st.one_of(
    st.sampled_from(["daytime", "evening", "lobby-east", "victim", "1", "Evening", "中文"]),
    st.from_regex(r"[a-z0-9-]{1,70}", fullmatch=True),
)
numbers = st.one_of(st.integers(-5, 5), st.integers(0, 2**40)).map(str)


@dataclass(frozen=True)
class Target:
    """A form of the staff pages: where it posts, and a strategy for its fields."""

    name: str
    path: Callable[[Any], str]
    fields: st.SearchStrategy[Any]
    method: str = "POST"
    upload: bool = False  # a multipart upload to the API, as the page's script sends it


def _form(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of the fields (a form may be cut short), each typed or tampered."""
    return st.fixed_dictionaries({}, optional=fields)


def _rules() -> st.SearchStrategy[dict[str, Any]]:
    row = _form(
        playlist=st.one_of(st.sampled_from(["daytime", "evening", "tribunal"]), typed),
        origin=st.one_of(numbers, typed),
        screens=st.lists(st.one_of(st.sampled_from(["lobby", "tribunals"]), typed), max_size=3),
        weekdays=st.lists(st.sampled_from(["mon", "tue", "sun", "x"]), max_size=4),
        workdays=st.sampled_from(["on", "", "x"]),
        start=typed,
        end=typed,
        dates=typed,
        priority=st.one_of(numbers, typed),
        remove=st.sampled_from(["1", ""]),
    )

    def flatten(rows: list[dict[str, Any]], count: str | None) -> dict[str, Any]:
        form = {f"rule-{n}-{k}": v for n, row in enumerate(rows) for k, v in row.items()}
        return {**form, "rules": count if count is not None else str(len(rows))}

    return st.builds(flatten, st.lists(row, max_size=4), st.one_of(st.none(), numbers))


def _hearing_file() -> st.SearchStrategy[tuple[bytes, str]]:
    cells = st.one_of(typed, st.sampled_from(["2026-12-01 09:00", "否", "原告：张三；被告：李四"]))
    rows = st.lists(st.lists(cells, min_size=8, max_size=8), max_size=5)
    # A workbook cannot hold control characters: Excel would not have written them.
    cleaned = rows.map(lambda body: [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in r] for r in body])
    workbook = cleaned.map(lambda body: (xlsx([HEADER, *body]), "开庭公告.xlsx"))
    broken = st.builds(
        lambda raw, part, keep: (damaged(raw, part, keep), "开庭公告.xlsx"),
        workbook.map(lambda made: made[0]),
        st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"]),
        st.sampled_from([0, 0.3, 0.9]),
    )
    table = rows.map(lambda body: (csv_text([HEADER, *body]).encode("gbk", "replace"), "a.csv"))
    noise = st.tuples(st.binary(max_size=2000), st.sampled_from(["a.xlsx", "a.csv", "a.xls"]))
    return st.one_of(workbook, broken, table, noise)


def _captions_file() -> st.SearchStrategy[tuple[bytes, str]]:
    line = st.one_of(typed, st.sampled_from(["00:00:01,000 --> 00:00:02,000", "00:61:01.000"]))
    srt = st.lists(line, max_size=8).map(lambda lines: "1\n" + "\n".join(lines))
    vtt = st.lists(line, max_size=8).map(lambda lines: "WEBVTT\n\n" + "\n".join(lines))
    return st.one_of(
        st.tuples(srt.map(lambda t: t.encode("utf-8")), st.just("a.srt")),
        st.tuples(vtt.map(lambda t: t.encode("utf-8")), st.just("a.vtt")),
        st.tuples(st.binary(max_size=500), st.sampled_from(["a.srt", "a.vtt", "a.txt"])),
    )


def _media_file() -> st.SearchStrategy[tuple[bytes, str]]:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    heads = st.sampled_from([png, b"\xff\xd8\xff\xe0", b"\x00\x00\x00\x18ftypmp42", b"RIFF"])
    content = st.builds(lambda head, rest: head + rest, heads, st.binary(max_size=300))
    names = st.sampled_from(["宪法.png", "a.jpg", "clip.mp4", "x.webm", "noname", ""])
    return st.tuples(st.one_of(content, st.binary(max_size=100)), names)


def _upload(file: st.SearchStrategy[tuple[bytes, str]], **fields: Any) -> Any:
    return st.builds(lambda made, extra: {"file": made, **extra}, file, _form(**fields))


TARGETS = (
    Target(
        "alert",
        lambda _: "/admin/alerts",
        _form(text=typed, until=typed, targets=st.lists(typed, max_size=3)),
    ),
    Target("alert end", lambda n: f"/admin/alerts/{n}/end", _form(), "POST"),
    Target("media title", lambda n: f"/admin/media/{n}/title", _form(title=typed)),
    Target("user add", lambda _: "/admin/users", _form(name=typed, role=typed, password=typed)),
    Target("user role", lambda n: f"/admin/users/{n}/role", _form(role=typed)),
    Target("user password", lambda n: f"/admin/users/{n}/password", _form(password=typed)),
    Target("user disabled", lambda n: f"/admin/users/{n}/disabled", _form(disabled=typed)),
    Target("token revoke", lambda n: f"/admin/tokens/{n}/revoke", _form()),
    Target(
        "screen add",
        lambda _: "/admin/screens",
        _form(id=typed, name=typed, groups=typed, orientation=typed, courtroom=typed),
    ),
    Target(
        "screen settings",
        lambda n: f"/admin/screens/{n}/settings",
        _form(name=typed, groups=typed, orientation=typed, courtroom=typed, captions=typed),
    ),
    Target("screen key", lambda n: f"/admin/screens/{n}/key", _form()),
    Target("playlist add", lambda _: "/admin/playlists", _form(id=typed, name=typed)),
    Target("playlist delete", lambda n: f"/admin/playlists/{n}/delete", _form()),
    Target("restore", lambda n: f"/admin/history/site.yaml/{n}/restore", _form()),
    Target(
        "review approve",
        lambda n: f"/admin/reviews/{n}/approve",
        _form(comment=typed, version=typed),
    ),
    Target("review reject", lambda n: f"/admin/reviews/{n}/reject", _form(comment=typed)),
    Target("upload approve", lambda n: f"/admin/reviews/media/{n}/approve", _form()),
    Target(
        "captions approve",
        lambda n: f"/admin/reviews/media/{n}/captions/approve",
        _form(version=typed),
    ),
    Target("schedule", lambda _: "/admin/schedule", _rules()),
    Target(
        "pages",
        lambda n: n,
        st.just({}),
        "GET",
    ),
    Target("hearings upload", lambda _: "/api/v1/hearings", _upload(_hearing_file()), upload=True),
    Target(
        "media upload",
        lambda _: "/api/v1/media",
        _upload(_media_file(), id=typed, title=typed),
        upload=True,
    ),
    # Last: a failed sign-in may end the session the other forms use.
    Target("login", lambda _: "/admin/login", _form(name=typed, password=typed)),
    Target(
        "captions upload",
        lambda n: f"/api/v1/media/{n}/captions",
        _upload(_captions_file()),
        upload=True,
    ),
)
PAGES = st.builds(
    lambda path, value: path + value,
    st.sampled_from(
        [
            "/admin/hearings?date=",
            "/admin/schedule?week=",
            "/admin/schedule?at=",
            "/admin/schedule?screen=",
            "/admin/media?q=",
            "/admin/reports?from=",
            "/admin/history?file=",
            "/admin/playlists/",
            "/display/lobby-east/preview?review=",
            "/display/lobby-east/preview?at=",
        ]
    ),
    st.one_of(numbers, typed).map(lambda text: re.sub(r"[\x00-\x1f#%?/]", "", text)[:200]),
)


def staff_app(folder: Path) -> Flask:
    """The demo with review on, an account per role and one to act on (victim)."""
    shutil.copytree(DEMO, folder / "playlists", dirs_exist_ok=True)
    app = create_app(
        {"PLAYLISTS_DIR": folder / "playlists", "MEDIA_DIR": folder / "media", "REVIEW": "on"}
    )
    store = app.extensions["signage"].store
    for role in (*ROLES, "victim"):
        add_user(store, role, role if role in ROLES else "editor", PASSWORD)
    # Something to decide on: review 1 (victim's draft) and a clip named like the account.
    evening = folder / "playlists" / "evening.yaml"
    text = evening.read_text(encoding="utf-8").replace("name: ", "name: 草稿", 1)
    etag = file_etag(evening.read_bytes())
    hold_draft(
        store,
        "evening.yaml",
        text,
        author="victim",
        action="save",
        base_etag=etag,
        restored_from=None,
    )
    _clip(app, "victim", "video")
    return app


def signed_in(app: Flask, role: str) -> tuple[FlaskClient, str]:
    """A browser session of the role and its CSRF token."""
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"name": role, "password": PASSWORD, "csrf_token": token})
    page = client.get("/admin/").get_data(as_text=True)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def _send(client: FlaskClient, token: str, target: Target, path: str, fields: Any) -> Any:
    if target.method == "GET":
        return client.get(path, follow_redirects=True)
    if target.upload:
        content, name = fields.pop("file")
        data = {**fields, "file": (io.BytesIO(content), name)}
        return client.post(path, data=data, headers={"X-CSRF-Token": token})
    return client.post(path, data={**fields, "csrf_token": token}, follow_redirects=True)


def check(path: str, answer: Any, took: float) -> str | None:
    """What is wrong with the answer, or None."""
    if answer.status_code >= 500:
        return f"{answer.status_code}"
    if took > SLOWEST:
        return f"took {took:.1f} s"
    if answer.mimetype == "text/html" and not path.startswith("/display/"):
        found = english_sentences(answer.get_data(as_text=True))
        if found:
            return f"English on the page: {found[:2]}"
    if answer.mimetype == "application/json":
        json.loads(answer.get_data(as_text=True), parse_constant=lambda name: 1 / 0)
    return None


def _cases(
    outcome: Outcome, role: str, client: FlaskClient, token: str, target: Target, examples: int
) -> Callable[[], None]:
    """The generated cases of one form for one role, as a test hypothesis runs."""
    where = PAGES if target.method == "GET" else st.one_of(ids, numbers)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(fields=target.fields, at=where)
    def run(fields: Any, at: str) -> None:
        path = target.path(at)
        started = time.monotonic()
        answer = _send(client, token, target, path, dict(fields))
        problem = check(path, answer, time.monotonic() - started)
        outcome.cases[target.name] += 1
        outcome.statuses[answer.status_code] += 1
        if problem:
            outcome.failures.append(f"{role} {target.name} {path[:80]}: {problem}")

    return run


def fuzz(folder: Path, examples: int, roles: tuple[str, ...] = ROLES) -> Outcome:
    """Post `examples` generated cases of every form and upload per role to a fresh app."""
    app = staff_app(folder)
    outcome = Outcome()
    # Every role signs in first: the fuzzed sign-ins soon lock the address, as they should.
    sessions = {role: signed_in(app, role) for role in roles}
    for role, (client, token) in sessions.items():
        for target in TARGETS:
            _cases(outcome, role, client, token, target, examples)()
    return outcome


def main() -> None:
    """The longer run: counts per status and per form, and every failure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=100, help="cases per form and role")
    options = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        report(fuzz(Path(folder), options.examples), started, "forms")


if __name__ == "__main__":
    main()
