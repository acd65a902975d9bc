"""The systemd units in deploy/ are ones systemd accepts, directive by directive.

systemd-analyze verify reads a unit as systemd would load it, and names every unknown or
misspelt directive and bad value. The commands it runs are pointed at this virtualenv, since
/opt/signage/venv exists only on a court's server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VENV_BIN = Path(sys.executable).parent
ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", ["signage-web.service", "signage-worker.service"])
def test_systemd_accepts_the_unit(unit: str, tmp_path: Path) -> None:
    text = (DEPLOY / unit).read_text()
    assert "/opt/signage/venv/bin/" in text
    local = tmp_path / unit
    local.write_text(text.replace("/opt/signage/venv/bin/", f"{VENV_BIN}/"))
    checked = subprocess.run(
        [ANALYZE, "verify", str(local)], capture_output=True, text=True, timeout=60
    )
    complaints = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        # Only systemd's own state is missing in a test box: no units booted, no journal.
        if line.strip() and unit in line
    ]
    assert checked.returncode == 0 and complaints == [], checked.stdout + checked.stderr
