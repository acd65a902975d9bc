"""Schemathesis over every operation of the API, as admin, reviewer, editor and screen.

Each case is generated from the OpenAPI document (request schemas come from the pydantic
models), sent to the app in-process, and its answer checked: never a 5xx, and status,
content type and body as the document says. The test suite runs a few examples per
operation; `python -m tests.web.fuzzing --examples 200` is the longer run, printing counts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from signage import create_app
from signage.accounts.tokens import create_token
from signage.accounts.users import add_user
from signage.screens.keys import ensure_screen_key

ROLES = ("screen", "editor", "reviewer", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Half the cases name things that exist, so the fuzzing reaches past the 404s.
KNOWN = {"screen_id": "lobby-east", "playlist_id": "daytime", "file": "site.yaml"}
DEMO = Path(__file__).resolve().parents[2] / "playlists"


@schemathesis.deserializer("text/yaml")
def _yaml_stays_text(_context: Any, response: Any) -> str:
    # The document promises the YAML text itself (a string), not the data it describes.
    return response.content.decode("utf-8")


@dataclass
class Outcome:
    """What a run did: cases by operation and status, and the failures (none expected)."""

    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def fuzz(folder: Path, examples: int, roles: tuple[str, ...] = ROLES) -> Outcome:
    """Run every operation with `examples` cases per role on an app in `folder`."""
    shutil.copytree(DEMO, folder / "playlists", dirs_exist_ok=True)
    app = create_app({"PLAYLISTS_DIR": folder / "playlists", "MEDIA_DIR": folder / "media"})
    instance = app.extensions["signage"]
    for name in ("admin", "reviewer", "editor"):
        add_user(instance.store, name, name, "correct horse battery")
    key = ensure_screen_key(instance.store, instance.screens.secret_key, "lobby-east")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    outcome = Outcome()

    def credentials(role: str) -> dict[str, str]:
        if role == "screen":
            return {"X-Screen-Key": key}
        # A fresh token per case: a fuzzed DELETE /tokens/{id} may revoke the last one.
        return {"Authorization": f"Bearer {create_token(instance.store, role)}"}

    def cases_of(role: str, operation: Any) -> Any:
        label = operation.label

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), known=st.booleans())
        def run(case: Any, known: bool) -> None:
            if known:
                for name, value in KNOWN.items():
                    if name in (case.path_parameters or {}):
                        case.path_parameters[name] = value
            response = case.call(headers=credentials(role))
            outcome.cases[label] += 1
            outcome.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as failed:  # schemathesis raises a group of failures
                if isinstance(failed, KeyboardInterrupt):
                    raise
                outcome.failures.append(
                    f"{role} {label} -> {response.status_code}: "
                    + " ".join(str(failed).split())[:400]
                )

        return run

    for role in roles:
        for found in schema.get_all_operations():
            cases_of(role, found.ok())()
    return outcome


def main() -> None:
    """The longer run: counts per status and per operation, and every failure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=200, help="cases per operation and role")
    options = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        report(fuzz(Path(folder), options.examples), started, "operations")


def report(outcome: Outcome, started: float, noun: str) -> None:
    """Print a longer run's counts per status and per operation (or form), every failure,
    and exit 1 when there is one."""
    total = sum(outcome.cases.values())
    print(f"{total} cases over {len(outcome.cases)} {noun} in {time.monotonic() - started:.0f} s")
    for status, count in sorted(outcome.statuses.items()):
        print(f"  HTTP {status}: {count}")
    for label, count in sorted(outcome.cases.items()):
        print(f"  {count:6d}  {label}")
    print(f"{len(outcome.failures)} failures")
    for failure in outcome.failures:
        print("  " + failure)
    sys.exit(1 if outcome.failures else 0)


if __name__ == "__main__":
    main()
