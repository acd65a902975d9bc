"""Small real media files made once per test session with ffmpeg's lavfi sources."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.media.ffmpeg import Binaries, locate_binaries, run_command
from tests.media.inspector import Inspector
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
def camera_mp4(make_clip: MakeClip) -> Path:
    """The conforming clip as cameras and phones make it: its sound runs 32 ms past the
    picture."""
    return make_clip(
        "camera.mp4",
        picture(),
        tone(seconds=SECONDS + 0.032),
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


@pytest.fixture(scope="session")
def inspect(binaries: Binaries) -> Inspector:
    return Inspector(binaries)


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """The test client with tokens, checking each answer against the OpenAPI document."""
    return Api(app, client)
