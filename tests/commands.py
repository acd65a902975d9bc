"""Running the `signage` command as a person would, in its own process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping


def run_signage(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`signage ARGS` with this environment; its exit status, stdout and stderr as text."""
    return subprocess.run(
        [sys.executable, "-m", "signage", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
