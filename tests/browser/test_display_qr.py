"""A tip's QR code on a real screen: it decodes to the tip's address, as a phone would read
it from a screenshot, and it is big enough to scan from two metres."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.browser.lobby import LANDSCAPE, PORTRAIT, start_lobby, write_playlists
from tests.browser.test_display_layout import SHOTS

pytestmark = pytest.mark.browser

ADDRESS = "https://example.court.gov.cn/wsla?from=lobby&屏=1"


def decoded(page: Page, name: str) -> list[str]:
    """The texts of every QR code in a screenshot of the page (also kept to look at)."""
    picture = page.screenshot()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.png").write_bytes(picture)
    image = Image.open(io.BytesIO(picture)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_tips_qr_code_decodes_to_its_address(browser: Browser, tmp_path: Path) -> None:
    playlists = write_playlists(
        tmp_path / "playlists",
        {
            "main": [
                {
                    "tip": ("网上立案", "扫码进入人民法院在线服务，足不出户提交起诉材料。"),
                    "qr": ADDRESS,
                    "seconds": 30,
                }
            ]
        },
    )
    lobby = start_lobby(tmp_path, playlists, [])
    try:
        for name, viewport in (("landscape", LANDSCAPE), ("portrait", PORTRAIT)):
            page = lobby.open(browser, viewport)
            page.wait_for_selector("#stage .tip[data-state=front] .qr-code", timeout=15000)
            page.wait_for_timeout(200)
            assert decoded(page, f"{name}-tip-qr") == [ADDRESS]
            code = page.locator(".tip[data-state=front] .qr-code").bounding_box()
            text = page.locator(".tip[data-state=front] .tip-box").bounding_box()
            assert code is not None and text is not None
            # 40vmin: 432 px of a 1080p screen, some 27 cm on a 55-inch TV.
            assert code["width"] >= 0.39 * min(viewport.values()), code
            apart = (
                code["x"] >= text["x"] + text["width"] - 1
                or code["y"] >= text["y"] + text["height"] - 1
            )
            assert apart, "the code covers the text"
            page.context.close()
    finally:
        lobby.stop()
