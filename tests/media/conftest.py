"""Small real media files made once per test session with ffmpeg's lavfi sources."""

from __future__ import annotations

import json
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.media.ffmpeg import Binaries, locate_binaries, run_command
from tests.web.api_check import Api

SECONDS = 2


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    return locate_binaries()


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


MakeClip = Callable[..., Path]


@pytest.fixture(scope="session")
def make_clip(binaries: Binaries, clip_dir: Path) -> MakeClip:
    """Run ffmpeg with lavfi inputs into clip_dir/name once; later calls reuse the file."""

    def make(
        name: str, *inputs: str, args: tuple[str, ...] = (), before: tuple[str, ...] = ()
    ) -> Path:
        target = clip_dir / name
        if not target.exists():
            argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-y", "-v", "error", *before]
            for lavfi in inputs:
                argv += ["-f", "lavfi", "-i", lavfi]
            run_command([*argv, *args, str(target)], timeout=120, outputs=[target])
        return target

    return make


def picture(size: str = "320x180", rate: int = 25, seconds: float = SECONDS) -> str:
    return f"testsrc2=s={size}:r={rate}:d={seconds}"


def tone(volume: float = 0.87, rate: int = 48000, seconds: float = SECONDS) -> str:
    # A 440 Hz sine at volume 0.87 measures about -23 LUFS once in stereo AAC.
    return f"sine=f=440:sample_rate={rate}:d={seconds},volume={volume}"


X264 = ("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p")
X265 = ("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error")


@pytest.fixture(scope="session")
def conforming_mp4(make_clip: MakeClip) -> Path:
    """H.264 High + AAC stereo 48 kHz at -23 LUFS, index at the end (no faststart)."""
    return make_clip(
        "conforming.mp4",
        picture(),
        tone(),
        args=(*X264, "-profile:v", "high", "-c:a", "aac", "-ac", "2"),
    )


@pytest.fixture(scope="session")
def portrait_rotated(make_clip: MakeClip, conforming_mp4: Path) -> Path:
    """The conforming clip stored landscape with a 90° display rotation: shown 180×320."""
    return make_clip(
        "portrait.mp4",
        before=("-display_rotation", "90", "-i", str(conforming_mp4)),
        args=("-c", "copy"),
    )


@pytest.fixture(scope="session")
def anamorphic_mpg(make_clip: MakeClip) -> Path:
    """MPEG-2 in MPEG-PS, 360×240 with 8:9 pixels (a 4:3 picture of 320×240), MP2 sound."""
    return make_clip(
        "anamorphic.mpg",
        picture("360x240"),
        tone(rate=44100),
        args=("-vf", "setsar=8/9", "-c:v", "mpeg2video", "-c:a", "mp2"),
    )


@pytest.fixture(scope="session")
def no_audio_mov(make_clip: MakeClip) -> Path:
    """MPEG-4 part 2 in MOV, no sound, fading in from black over its first half second."""
    return make_clip("no_audio.mov", picture(), args=("-vf", "fade=in:0:12", "-c:v", "mpeg4"))


@pytest.fixture(scope="session")
def silent_mp4(make_clip: MakeClip) -> Path:
    """H.264 with a digitally silent mono 44.1 kHz AAC track."""
    return make_clip(
        "silent.mp4",
        picture(),
        f"anullsrc=r=44100:cl=mono:d={SECONDS}",
        args=(*X264, "-c:a", "aac", "-shortest"),
    )


@pytest.fixture(scope="session")
def hevc_mkv(make_clip: MakeClip) -> Path:
    """HEVC with Opus sound in Matroska."""
    return make_clip(
        "hevc.mkv", picture(seconds=1), tone(seconds=1), args=(*X265, "-c:a", "libopus")
    )


HDR_10BIT = ("-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020", "-colorspace", "bt2020nc")


@pytest.fixture(scope="session")
def hlg_mov(make_clip: MakeClip) -> Path:
    """10-bit HEVC in MOV tagged BT.2020 HLG in stream and container, as iPhones record."""
    return make_clip(
        "hlg.mov",
        picture(seconds=1),
        tone(seconds=1),
        args=(*X265, *HDR_10BIT, "-color_trc", "arib-std-b67", "-tag:v", "hvc1", "-c:a", "aac"),
    )


@pytest.fixture(scope="session")
def pq_mp4(make_clip: MakeClip) -> Path:
    """10-bit HEVC in MP4 tagged BT.2020 PQ (SMPTE 2084, HDR10), without sound."""
    return make_clip(
        "pq.mp4", picture(seconds=1), args=(*X265, *HDR_10BIT, "-color_trc", "smpte2084")
    )


@pytest.fixture(scope="session")
def bt601_mp4(make_clip: MakeClip) -> Path:
    """Otherwise conforming H.264 labelled BT.601 (SMPTE 170M), as older cameras make it."""
    labels = ("-color_primaries", "smpte170m", "-color_trc", "smpte170m")
    return make_clip(
        "bt601.mp4",
        picture(),
        tone(),
        args=(*X264, "-profile:v", "high", *labels, "-colorspace", "smpte170m", "-c:a", "aac"),
    )


@pytest.fixture(scope="session")
def vertical_60fps_mov(make_clip: MakeClip) -> Path:
    """A phone's upright clip: 60 fps HEVC stored 320×180 with a 90° rotation, shown 180×320."""
    landscape = make_clip(
        "hevc60.mov",
        picture(rate=60, seconds=1),
        tone(seconds=1),
        args=(*X265, "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-c:a", "aac"),
    )
    return make_clip(
        "vertical60.mov",
        before=("-display_rotation", "90", "-i", str(landscape)),
        args=("-c", "copy"),
    )


@pytest.fixture(scope="session")
def quiet_wmv(make_clip: MakeClip) -> Path:
    """WMV 8 with quiet WMA sound (about -36 LUFS), as on old government CDs."""
    return make_clip(
        "quiet.wmv", picture(), tone(volume=0.2, rate=44100), args=("-c:v", "wmv2", "-c:a", "wmav2")
    )


@pytest.fixture(scope="session")
def loud_flv(make_clip: MakeClip) -> Path:
    """Sorenson FLV with loud mono MP3 sound (about -12 LUFS)."""
    return make_clip(
        "loud.flv",
        picture(),
        tone(volume=3.0, rate=44100),
        args=("-c:v", "flv", "-c:a", "libmp3lame", "-ac", "1"),
    )


@pytest.fixture(scope="session")
def vfr_mp4(make_clip: MakeClip) -> Path:
    """Variable frame rate, frames dropped unevenly from 30 fps, H.264 Baseline as on phones."""
    baseline = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
    return make_clip(
        "vfr.mp4",
        picture(rate=30, seconds=3),
        tone(seconds=3),
        args=("-vf", "select='lt(mod(n,10),6)'", "-fps_mode", "vfr", *baseline, "-c:a", "aac"),
    )


@pytest.fixture(scope="session")
def uhd_mp4(make_clip: MakeClip) -> Path:
    """A one-second 3840×2160 clip at 10 fps (kept short: 4K is slow on two cores)."""
    return make_clip(
        "uhd.mp4",
        picture("3840x2160", rate=10, seconds=1),
        args=("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
    )


@pytest.fixture(scope="session")
def keyframe_avi(make_clip: MakeClip) -> Path:
    """Five seconds of small MPEG-4 in AVI, long enough to see keyframes every 2 seconds."""
    return make_clip(
        "keyframes.avi",
        picture("160x120", seconds=5),
        tone(seconds=5),
        args=("-c:v", "mpeg4", "-c:a", "pcm_s16le"),
    )


@pytest.fixture(scope="session")
def truncated_mp4(make_clip: MakeClip, clip_dir: Path) -> Path:
    """A faststart MP4 cut at 60%: ffprobe reads its index, decoding breaks off."""
    whole = make_clip(
        "whole.mp4", picture(), tone(), args=(*X264, "-c:a", "aac", "-movflags", "+faststart")
    )
    target = clip_dir / "truncated.mp4"
    data = whole.read_bytes()
    target.write_bytes(data[: len(data) * 6 // 10])
    return target


@pytest.fixture(scope="session")
def audio_only_m4a(make_clip: MakeClip) -> Path:
    return make_clip("audio_only.m4a", tone(), args=("-c:a", "aac"))


@pytest.fixture(scope="session")
def text_named_mp4(clip_dir: Path) -> Path:
    target = clip_dir / "notes.mp4"
    target.write_text("这不是视频 - just notes someone saved with the wrong name\n" * 20)
    return target


@pytest.fixture(scope="session")
def empty_mp4(clip_dir: Path) -> Path:
    target = clip_dir / "empty.mp4"
    target.write_bytes(b"")
    return target


@pytest.fixture(scope="session")
def alpha_png(make_clip: MakeClip) -> Path:
    """A 400×300 PNG whose red fill is half transparent."""
    return make_clip(
        "alpha.png",
        "color=c=red@0.5:s=400x300,format=rgba",
        args=("-frames:v", "1", "-update", "1"),
    )


@pytest.fixture(scope="session")
def large_jpeg(make_clip: MakeClip) -> Path:
    """A 2400×1600 photo, larger than any screen."""
    return make_clip(
        "large.jpg",
        picture("2400x1600", seconds=1),
        args=("-frames:v", "1", "-update", "1", "-q:v", "3"),
    )


@pytest.fixture(scope="session")
def webp_image(make_clip: MakeClip) -> Path:
    return make_clip(
        "small.webp", picture("300x200", seconds=1), args=("-frames:v", "1", "-c:v", "libwebp")
    )


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The JPEG with an EXIF block (APP1) saying how the camera was held."""
    entry = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


@pytest.fixture(scope="session")
def exif_rotated_jpeg(make_clip: MakeClip, clip_dir: Path) -> Path:
    """A 320×240 phone photo stored sideways, EXIF orientation 6: shown 240×320."""
    plain = make_clip(
        "plain.jpg", picture("320x240", seconds=1), args=("-frames:v", "1", "-update", "1")
    )
    target = clip_dir / "exif_rotated.jpg"
    target.write_bytes(with_exif_orientation(plain.read_bytes(), 6))
    return target


class Inspector:
    """Independent checks of an output file, made with ffprobe and ffmpeg's own meters."""

    def __init__(self, binaries: Binaries) -> None:
        self.binaries = binaries

    def report(self, path: Path, *args: str) -> dict[str, Any]:
        """ffprobe's JSON report (format and streams unless other sections are asked for)."""
        argv = [
            self.binaries.ffprobe,
            *"-v error -print_format json".split(),
            *(args or ("-show_format", "-show_streams")),
            str(path),
        ]
        return json.loads(run_command(argv, timeout=60).stdout)

    def stream(self, path: Path, kind: str) -> dict[str, Any] | None:
        """The first stream of a kind ("video", "audio") or None."""
        streams = self.report(path)["streams"]
        return next((s for s in streams if s["codec_type"] == kind), None)

    def video_seconds(self, path: Path) -> float:
        """How long the first picture stream lasts, by its own timestamps."""
        stream = self.stream(path, "video")
        assert stream is not None
        return float(stream["duration"])

    def integrated_loudness(self, path: Path) -> float:
        """EBU R128 integrated loudness measured by the ebur128 filter (not loudnorm)."""
        argv = [
            self.binaries.ffmpeg,
            *"-hide_banner -nostdin -nostats -i".split(),
            str(path),
            *"-map 0:a:0 -af ebur128=framelog=quiet -f null -".split(),
        ]
        tail = run_command(argv, timeout=60).stderr_tail
        summary = tail[tail.rindex("Integrated loudness:") :]
        return float(summary.split("I:")[1].split("LUFS")[0])

    def keyframe_times(self, path: Path) -> list[float]:
        options = "-select_streams v:0 -skip_frame nokey -show_entries frame=pts_time"
        frames = self.report(path, *options.split())["frames"]
        return [float(frame["pts_time"]) for frame in frames]

    def mean_luma(self, path: Path) -> float:
        """Average brightness (0..255) of a picture's first frame."""
        argv = [
            self.binaries.ffmpeg,
            "-v",
            "error",
            "-i",
            str(path),
            *"-frames:v 1 -f rawvideo -pix_fmt gray -".split(),
        ]
        pixels = run_command(argv, timeout=60).stdout
        return sum(pixels) / len(pixels)

    def header_colours(self, path: Path) -> tuple[str, ...]:
        """Primaries, transfer, matrix and range as the H.264 stream's own header says them."""
        # A bare elementary stream has no container to take labels from: only the VUI is left.
        with tempfile.TemporaryDirectory() as folder:
            bare = Path(folder, "video.h264")
            argv = [self.binaries.ffmpeg, "-v", "error", "-i", str(path), "-map", "0:v:0"]
            run_command([*argv, "-c", "copy", "-f", "h264", str(bare)], timeout=60)
            video = self.report(bare, "-show_streams")["streams"][0]
        keys = ("color_primaries", "color_transfer", "color_space", "color_range")
        return tuple(video.get(key, "unknown") for key in keys)

    @staticmethod
    def container_colours(path: Path) -> tuple[int, int, int, bool] | None:
        """The MP4 'colr' box's primaries, transfer, matrix codes and full-range flag."""
        data = path.read_bytes()
        start = data.find(b"colrnclx")
        if start < 0:
            return None
        primaries, transfer, matrix, flags = struct.unpack_from(">HHHB", data, start + 8)
        return primaries, transfer, matrix, bool(flags & 0x80)

    def rgb_frame(self, path: Path, at: float, filters: str = "") -> bytes:
        """One frame at a time as 8-bit RGB, shrunk to a quarter of 320×180 (80×45)."""
        # Shrinking averages away the 4:2:0 fringes at sharp colour edges; colours stay.
        chain = ",".join(filter(None, [filters, "format=rgb24", "scale=80:45:flags=area"]))
        argv = [self.binaries.ffmpeg, "-v", "error", "-ss", str(at), "-i", str(path)]
        argv += ["-vf", chain, "-frames:v", "1", "-f", "rawvideo", "-"]
        return run_command(argv, timeout=60).stdout

    @staticmethod
    def top_level_boxes(path: Path) -> list[str]:
        """The types of an MP4 file's top-level boxes, in file order."""
        boxes = []
        with path.open("rb") as file:
            while header := file.read(8):
                size, kind = struct.unpack(">I4s", header)
                boxes.append(kind.decode("latin-1"))
                if size == 1:
                    size = struct.unpack(">Q", file.read(8))[0] - 8
                elif size == 0:
                    break
                file.seek(size - 8, 1)
        return boxes


@pytest.fixture(scope="session")
def inspect(binaries: Binaries) -> Inspector:
    return Inspector(binaries)


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """The test client with tokens, checking each answer against the OpenAPI document."""
    return Api(app, client)
