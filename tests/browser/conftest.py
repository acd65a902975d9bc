"""Real clips for the display tests, made once per session (the browser is in tests/conftest)."""

from __future__ import annotations

import pytest

from tests.browser.lobby import MediaFile, make_clip, make_poster


@pytest.fixture(scope="session")
def media_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MediaFile]:
    """Two 2-second clips that look and sound different, and a portrait poster."""
    folder = tmp_path_factory.mktemp("prepared")
    return {
        "clip-a": make_clip(folder, "clip-a", 2, pattern=0),
        "clip-b": make_clip(folder, "clip-b", 2, pattern=1),
        "poster": make_poster(folder, "poster"),
    }
