"""A province's screens on the production stack: 200 simulated screens (bench/fleet.py)
poll, beat, report plays and download a new clip through nginx -> gunicorn -> PostgreSQL
for 75 s while staff upload, save and post an alert. Nothing fails, every play is stored
exactly once, and every screen sees each change within its poll interval (15 s, up to 10%
longer with the player's jitter) plus 5 s. The 15 s polls give each screen five rounds and
the server twice the requests a second of the usual 30 s, in 75 s rather than 2.5 minutes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.nginx import NGINX
from tests.postgres import PostgresServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed"),
]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fleet.py"
SCREENS = 200
POLL_SECONDS = 15
RUN_SECONDS = 75


def fleet_module() -> ModuleType:
    """bench/fleet.py (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("fleet", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_two_hundred_screens_polling_every_15_seconds(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    plot = tmp_path / "fleet.png"
    fleet = fleet_module()
    figures = fleet.run_fleet(SCREENS, RUN_SECONDS, POLL_SECONDS, plot, postgres)
    # A screen's poll interval, as the player keeps it: poll_seconds, up to 10% longer.
    interval = POLL_SECONDS * (1 + fleet.JITTER)

    assert figures["errors"] == 0, (figures["first_errors"], figures["upstream_errors"])
    assert figures["staff_notes"] == []
    # Every screen had several rounds (15 s ± 10% over 75 s).
    assert figures["routes"]["manifest"]["count"] >= SCREENS * 3
    assert figures["plays_sent"] >= SCREENS * 3 * 3
    assert figures["plays_stored"] == figures["plays_sent"]  # each one, once (the key)
    assert figures["plays_stored_unsent"] == 0
    # The save, the alert, and the save that plays the uploaded clip reach every screen.
    assert len(figures["reach"]) == 3, figures["reach"]
    for marker, reach in figures["reach"].items():
        assert reach["screens"] == SCREENS, marker
        assert reach["every_screen_s"] <= interval + 5, (marker, reach)
    # ... and every screen fetched the clips it plays, whole, in Range requests.
    assert len(figures["downloads"]) == 2
    assert set(figures["downloads"].values()) == {SCREENS}
    assert figures["routes"]["media"]["count"] >= 2 * SCREENS
    assert {"gunicorn", "worker", "nginx", "postgres"} <= set(figures["processes"])
    assert plot.stat().st_size > 10_000
