"""The demo clip and poster a new installation shows at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from signage.media.demo import DEMO_ITEMS, demo_clip_command, find_font, make_demo_files

pytestmark = pytest.mark.slow


def test_a_chinese_font_is_preferred_when_installed(tmp_path: Path):
    (tmp_path / "truetype/dejavu").mkdir(parents=True)
    (tmp_path / "truetype/dejavu/DejaVuSans.ttf").write_bytes(b"latin")
    assert find_font((tmp_path,)).cjk is False

    (tmp_path / "opentype/noto").mkdir(parents=True)
    (tmp_path / "opentype/noto/NotoSansCJK-Regular.ttc").write_bytes(b"cjk")
    assert find_font((tmp_path,)).cjk is True

    assert find_font((tmp_path / "nothing-here",)) is None


def test_the_title_is_chinese_with_a_chinese_font(binaries, tmp_path: Path):
    font = find_font()
    if font is None or not font.cjk:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")

    argv = demo_clip_command(DEMO_ITEMS[0], tmp_path / "demo.mp4", binaries, font)

    assert any("防范电信诈骗" in arg for arg in argv)


def test_the_demo_media_carry_the_ids_the_demo_playlists_use(binaries, tmp_path, inspect):
    made = make_demo_files(tmp_path, binaries, scale=0.25, seconds=2)

    assert set(made) == {"anti-fraud", "court-guide", "constitution-poster"}
    for clip in (made["anti-fraud"], made["court-guide"]):
        video, sound = inspect.stream(clip, "video"), inspect.stream(clip, "audio")
        assert (video["codec_name"], video["profile"], video["width"]) == ("h264", "High", 320)
        assert float(inspect.report(clip)["format"]["duration"]) == pytest.approx(2, abs=0.1)
        assert sound["codec_name"] == "aac"
    picture = inspect.stream(made["constitution-poster"], "video")
    assert (picture["codec_name"], picture["width"], picture["height"]) == ("mjpeg", 480, 270)


def test_without_any_font_the_demo_is_still_drawn(binaries, tmp_path: Path, inspect):
    with_text = make_demo_files(tmp_path / "fonts", binaries, scale=0.25, seconds=1)
    plain = make_demo_files(tmp_path / "none", binaries, font_folders=(), scale=0.25, seconds=1)

    poster, lettered = plain["constitution-poster"], with_text["constitution-poster"]
    assert inspect.stream(poster, "video")["width"] == 480
    assert inspect.mean_luma(poster) != pytest.approx(inspect.mean_luma(lettered), abs=0.5)
