"""The app the staff API benchmarks measure: the demo folder copied, a fresh SQLite file."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flask import Flask

from signage import create_app

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def demo_app() -> Iterator[Flask]:
    """An app on a private copy of playlists/ and an empty media folder, removed after."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "playlists"
        shutil.copytree(REPO / "playlists", folder)
        yield create_app(
            {"PLAYLISTS_DIR": folder, "MEDIA_DIR": Path(temp) / "media", "LOG_LEVEL": "warning"}
        )
