"""The USB stick: the demo daytime playlist as files a TV's player loops, checked with
ffprobe and by looking at frames."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from signage.cli.main import main
from signage.config.model import Tip
from signage.media import library
from signage.media.ffmpeg import Binaries, run_command
from signage.packages.stills import INK, render_tip
from signage.packages.usb import StickExport, export_usb
from signage.parts import Signage
from tests.media.inspector import Inspector

pytestmark = pytest.mark.slow

MONDAY = dt.date(2026, 11, 30)  # before Constitution Week; the daytime poster's dates hold
WIDTH, HEIGHT = 640, 360


@pytest.fixture(scope="module")
def stick(publisher: Signage, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StickExport]:
    folder = tmp_path_factory.mktemp("stick") / "U盘 巡回审判"
    return folder, export_usb(publisher, folder, "daytime", first_day=MONDAY, height=HEIGHT)


def frame(binaries: Binaries, path: Path, at: float) -> bytes:
    """One frame as RGB bytes at the stick's size."""
    argv = [binaries.ffmpeg, "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1"]
    return run_command([*argv, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], timeout=60).stdout


def pixels(raw: bytes) -> list[tuple[int, int, int]]:
    return [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]  # type: ignore[misc]


def test_every_item_becomes_a_numbered_h264_main_aac_file_of_its_length(
    stick: tuple[Path, StickExport], publisher: Signage, binaries: Binaries
):
    folder, export = stick
    names = [f.name for f in export.files]
    assert names == [
        "001-anti-fraud.mp4",
        "002-tip.mp4",
        "003-tip.mp4",
        "004-court-guide.mp4",
        "005-tip.mp4",
        "006-tip.mp4",
        "007-tip.mp4",
        "008-constitution-poster.mp4",
    ]
    inspector = Inspector(binaries)
    expected = {
        "anti-fraud": library.media_row(publisher.store, "anti-fraud")["duration"],
        "court-guide": library.media_row(publisher.store, "court-guide")["duration"],
        "tip": 15,
        "constitution-poster": 10,
    }
    for written in export.files:
        report = inspector.report(folder / written.name)
        video = next(s for s in report["streams"] if s["codec_type"] == "video")
        audio = next(s for s in report["streams"] if s["codec_type"] == "audio")
        assert (video["codec_name"], video["profile"], video["pix_fmt"]) == (
            "h264",
            "Main",
            "yuv420p",
        )
        assert (video["width"], video["height"]) == (WIDTH, HEIGHT)
        assert (audio["codec_name"], audio["channels"], audio["sample_rate"]) == ("aac", 2, "48000")
        seconds = float(report["format"]["duration"])
        assert seconds == pytest.approx(expected[written.name[4:-4]], abs=0.1), written.name
    # Clips keep the level preparation gave them (EBU R128, -23 LUFS); stills are silent.
    assert inspector.integrated_loudness(folder / "001-anti-fraud.mp4") == pytest.approx(
        -23, abs=1.5
    )
    joined = float(inspector.report(folder / "all.mp4")["format"]["duration"])
    assert joined == pytest.approx(export.seconds, abs=0.3)
    assert export.seconds == pytest.approx(sum(expected[n[4:-4]] for n in names), abs=0.1)
    m3u = (folder / "playlist.m3u").read_text("ascii").splitlines()
    assert m3u[0] == "#EXTM3U" and [line for line in m3u if not line.startswith("#")] == names


def test_a_tip_frame_shows_its_text_in_the_players_colours(
    stick: tuple[Path, StickExport], binaries: Binaries, tmp_path: Path
):
    folder, _ = stick
    shown = pixels(frame(binaries, folder / "002-tip.mp4", 7.0))
    dark = [p for p in shown if max(p) < 110]  # the body's ink
    red = [p for p in shown if p[0] > 130 and p[1] < 70 and p[2] < 70]  # the title and its bar
    assert len(dark) > 0.01 * len(shown) and len(red) > 0.002 * len(shown)

    # The same card without words: no ink, no red.
    words = Tip.model_construct(title="", body="", qr=None)  # past the model: a card alone
    blank = render_tip(words, WIDTH, HEIGHT, tmp_path / "blank.png")
    empty = pixels(frame(binaries, blank, 0))
    assert not [p for p in empty if max(p) < 110]
    assert max(INK) < 110


def test_captions_are_burned_into_the_clip(
    stick: tuple[Path, StickExport], publisher: Signage, binaries: Binaries
):
    folder, _ = stick
    source = (
        library.files_folder(publisher.settings.media_dir)
        / library.media_row(publisher.store, "anti-fraud")["file"]
    )
    with_captions = pixels(frame(binaries, folder / "001-anti-fraud.mp4", 1.0))
    plain = pixels(frame(binaries, source, 1.0))  # 320×180: compare shapes, not pixels

    def band(image: list[tuple[int, int, int]], width: int) -> float:
        """The share of near-black pixels in the middle of the picture's lowest eighth."""
        height = len(image) // width
        foot = [
            image[y * width + x]
            for y in range(height - height // 8, height)
            for x in range(width // 4, width * 3 // 4)
        ]
        return sum(1 for p in foot if max(p) < 50) / len(foot)

    # The caption's dark band under white text, where testsrc2 has only bright colours.
    assert band(plain, 320) < 0.01
    assert band(with_captions, WIDTH) > 0.1


def test_the_command_line_refuses_a_folder_with_files(
    publisher: Signage, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("SIGNAGE_PLAYLISTS_DIR", str(publisher.settings.playlists_dir))
    monkeypatch.setenv("SIGNAGE_MEDIA_DIR", str(publisher.settings.media_dir))
    (tmp_path / "keep.txt").write_text("mine")

    refused = CliRunner().invoke(main, ["export-usb", str(tmp_path), "--playlist", "daytime"])

    assert refused.exit_code == 1 and "not an empty folder" in refused.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_command_line_writes_the_stick_and_lists_its_files(
    publisher: Signage, tmp_path: Path, monkeypatch, binaries: Binaries
):
    monkeypatch.setenv("SIGNAGE_PLAYLISTS_DIR", str(publisher.settings.playlists_dir))
    monkeypatch.setenv("SIGNAGE_MEDIA_DIR", str(publisher.settings.media_dir))
    target = tmp_path / "stick"

    # The evening playlist has no dated items, so today's date changes nothing here.
    done = CliRunner().invoke(
        main, ["export-usb", str(target), "--playlist", "evening", "--height", "360"]
    )

    assert done.exit_code == 0, done.output
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == [
        "001-anti-fraud.mp4",
        "002-tip.mp4",
        "003-tip.mp4",
    ]
    assert [line.split("\t")[1] for line in done.stdout.splitlines()][1:] == ["20.0", "20.0"]
    assert sorted(p.name for p in target.iterdir()) == [
        "001-anti-fraud.mp4",
        "002-tip.mp4",
        "003-tip.mp4",
        "all.mp4",
        "playlist.m3u",
    ]
    assert Inspector(binaries).stream(target / "all.mp4", "video")["height"] == 360


def test_what_a_stick_cannot_play_is_left_out_with_the_reason(publisher: Signage, tmp_path: Path):
    mixed = Path(publisher.settings.playlists_dir) / "usb-mixed.yaml"
    mixed.write_text(
        "name: 巡回审判\nitems:\n  - hearings: today\n    seconds: 5\n  - clip: not-here\n"
        "  - tip: {title: 巡回审判, body: 就地开庭，方便群众。}\n    seconds: 2\n",
        encoding="utf-8",
    )
    try:
        publisher.refresh_config(force=True)
        stick = export_usb(publisher, tmp_path / "stick", "usb-mixed", first_day=MONDAY, height=360)
    finally:
        mixed.unlink()
        publisher.refresh_config(force=True)

    assert [f.name for f in stick.files] == ["001-tip.mp4"] and stick.seconds == 2
    assert stick.left_out == (
        "the day's hearings need the server; left out",
        "'not-here' is not ready or approved; left out",
    )
