"""Tips' QR codes: only web addresses are accepted, and the drawn path is segno's matrix."""

from __future__ import annotations

import re

import pytest
import segno

from signage.config import validate_files
from signage.programme.qr import qr_drawing

SITE = "site:\n  name: 法院\nscreens:\n  lobby: {}\ndefault_playlist: tips\n"


def tips_with(qr: str) -> tuple[object, list]:
    playlist = f"items:\n  - tip:\n      title: 网上立案\n      qr: {qr}\n"
    return validate_files({"site.yaml": SITE, "tips.yaml": playlist})


def cells(path: str) -> set[tuple[int, int]]:
    """The dark modules a path of `M x,y h w v1 h-w z` runs covers."""
    found = set()
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", path):
        found |= {(int(x) + i, int(y)) for i in range(int(width))}
    assert re.sub(r"M(\d+),(\d+)h(\d+)v1h-\3z", "", path) == ""
    return found


def test_the_path_draws_exactly_segnos_modules() -> None:
    url = "https://example.court.gov.cn/wsla"
    drawing = qr_drawing(url)
    matrix = segno.make(url, error="m", micro=False).matrix
    assert drawing.size == len(matrix) and drawing.url == url
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert cells(drawing.path) == dark


def test_a_web_address_is_kept_and_the_manifest_item_carries_the_code() -> None:
    config, issues = tips_with("https://example.court.gov.cn/wsla")
    assert config is not None, issues
    assert config.playlists["tips"].items[0].tip.qr == "https://example.court.gov.cn/wsla"


@pytest.mark.parametrize(
    "qr",
    [
        "javascript:alert(1)",
        "ftp://example.court.gov.cn/",
        "example.court.gov.cn/wsla",
        '"https://exa mple.court.gov.cn/"',
        "https://",
        '"http://[::1/"',
        "https://example.court.gov.cn/" + "a" * 500,
    ],
)
def test_anything_but_a_short_web_address_is_refused_on_its_line(qr: str) -> None:
    config, issues = tips_with(qr)
    assert config is None
    [error] = [i for i in issues if i.severity == "error"]
    assert (error.file, error.line) == ("tips.yaml", 4)
    assert "web address" in error.message or "at most 500" in error.message
