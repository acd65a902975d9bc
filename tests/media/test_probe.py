"""Probing real files, and refusing the ones no screen can play, each with its own code."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from signage.media.ffmpeg import Binaries, run_command
from signage.media.probe import MediaRefused, parse_probe, probe_media, scan_media
from tests.media.conftest import X264, MakeClip


def _refusal(path: Path, binaries: Binaries, **options: float) -> MediaRefused:
    with pytest.raises(MediaRefused) as caught:
        info = probe_media(path, binaries, **options)
        scan_media(path, info, binaries)
    return caught.value


def test_a_conforming_clip_is_described(conforming_mp4: Path, binaries: Binaries):
    info = probe_media(conforming_mp4, binaries)

    assert info.kind == "video"
    assert (info.video.codec, info.video.profile, info.video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (info.width, info.height, info.rotation) == (320, 180, 0)
    assert info.duration == pytest.approx(2, abs=0.1)
    assert info.frame_rate == 25 and not info.variable_frame_rate
    assert info.audio is not None
    assert (info.audio.codec, info.audio.channels, info.audio.sample_rate) == ("aac", 2, 48000)


def test_rotation_swaps_the_shown_size(portrait_rotated: Path, binaries: Binaries):
    info = probe_media(portrait_rotated, binaries)

    assert info.rotation in (90, 270)
    assert (info.video.width, info.video.height) == (320, 180)
    assert (info.width, info.height) == (180, 320)
    assert info.display_size == (180, 320)


def test_non_square_pixels_give_the_shown_shape(anamorphic_mpg: Path, binaries: Binaries):
    info = probe_media(anamorphic_mpg, binaries)

    assert info.sample_aspect == Fraction(8, 9)
    assert info.display_size == (320, 240)


@pytest.mark.parametrize(
    ("fixture", "curve", "transfer"),
    [("hlg_mov", "HLG", "arib-std-b67"), ("pq_mp4", "PQ", "smpte2084")],
)
def test_hdr_is_recognised_by_its_transfer_curve(fixture, curve, transfer, request, binaries):
    info = probe_media(request.getfixturevalue(fixture), binaries)

    assert info.colour.hdr == curve
    assert (info.colour.primaries, info.colour.transfer) == ("bt2020", transfer)
    assert (info.colour.matrix, info.video.pix_fmt) == ("bt2020nc", "yuv420p10le")


def test_missing_colour_labels_are_none(conforming_mp4: Path, binaries: Binaries):
    colour = probe_media(conforming_mp4, binaries).colour

    assert (colour.primaries, colour.transfer, colour.matrix, colour.range) == (None,) * 4
    assert colour.hdr is None


def test_variable_frame_rate_is_noticed(vfr_mp4: Path, binaries: Binaries):
    assert probe_media(vfr_mp4, binaries).variable_frame_rate


def test_exif_orientation_of_a_photo_is_read(exif_rotated_jpeg: Path, binaries: Binaries):
    info = probe_media(exif_rotated_jpeg, binaries)

    assert info.kind == "image"
    assert (info.width, info.height) == (240, 320)


def test_loudness_is_measured_while_decoding(conforming_mp4: Path, binaries: Binaries):
    seen: list[float] = []
    info = probe_media(conforming_mp4, binaries)

    loudness = scan_media(conforming_mp4, info, binaries, on_progress=seen.append)

    assert loudness is not None
    assert loudness.integrated == pytest.approx(-23, abs=1)
    assert loudness.on_target and not loudness.silent
    assert seen[-1] == 1.0


def test_silence_measures_as_silent(silent_mp4: Path, binaries: Binaries):
    loudness = scan_media(silent_mp4, probe_media(silent_mp4, binaries), binaries)

    assert loudness is not None and loudness.silent


def test_a_clip_without_sound_has_no_loudness(no_audio_mov: Path, binaries: Binaries):
    info = probe_media(no_audio_mov, binaries)

    assert not info.has_audio
    assert scan_media(no_audio_mov, info, binaries) is None


@pytest.mark.parametrize(
    ("fixture", "code", "words"),
    [
        ("empty_mp4", "empty_file", "empty"),
        ("text_named_mp4", "not_media", "not a video or is damaged"),
        ("audio_only_m4a", "no_video_stream", "no picture"),
        ("truncated_mp4", "damaged", "damaged"),
    ],
)
def test_unplayable_files_are_refused_in_plain_words(
    fixture: str, code: str, words: str, binaries: Binaries, request: pytest.FixtureRequest
):
    refusal = _refusal(request.getfixturevalue(fixture), binaries)

    assert refusal.code == code
    assert words in refusal.message
    assert refusal.status == 422
    assert "ffmpeg" not in refusal.message and "Traceback" not in refusal.message


def test_a_clip_over_the_limit_is_refused(conforming_mp4: Path, binaries: Binaries):
    refusal = _refusal(conforming_mp4, binaries, max_seconds=1)

    assert refusal.code == "too_long"
    assert refusal.message == "the clip lasts 2 seconds, longer than the limit of 1 seconds"


def _report(**video: object) -> dict:
    stream = {
        "index": 0,
        "codec_type": "video",
        "codec_name": "h264",
        "width": 1920,
        "height": 1080,
        "avg_frame_rate": "25/1",
        "r_frame_rate": "25/1",
        **video,
    }
    return {
        "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "10.0"},
        "streams": [stream],
    }


def test_rotation_is_read_from_the_old_rotate_tag():
    assert parse_probe(_report(tags={"rotate": "270"})).rotation == 270


def test_rotation_is_read_from_side_data_and_normalised():
    info = parse_probe(
        _report(side_data_list=[{"side_data_type": "Display Matrix", "rotation": -90}])
    )
    assert info.rotation == 270
    assert (info.width, info.height) == (1080, 1920)


def test_cover_art_is_not_the_picture():
    report = _report()
    report["streams"] = [
        {"index": 0, "codec_type": "audio", "codec_name": "mp3", "channels": 2},
        {
            "index": 1,
            "codec_type": "video",
            "codec_name": "mjpeg",
            "width": 500,
            "height": 500,
            "disposition": {"attached_pic": 1},
        },
    ]

    with pytest.raises(MediaRefused) as caught:
        parse_probe(report)
    assert caught.value.code == "no_video_stream"


def test_a_text_file_that_ffprobe_reads_as_ansi_art_is_refused():
    report = {
        "format": {"format_name": "tty"},
        "streams": [
            {"index": 0, "codec_type": "video", "codec_name": "ansi", "width": 640, "height": 400}
        ],
    }
    with pytest.raises(MediaRefused) as caught:
        parse_probe(report)
    assert caught.value.code == "not_media"


def test_missing_frame_rates_and_durations_are_tolerated():
    info = parse_probe(_report(avg_frame_rate="0/0", r_frame_rate="0/0"))

    assert info.frame_rate is None and not info.variable_frame_rate
    assert info.duration == 10.0


@pytest.fixture(scope="session")
def piped_mkv(binaries: Binaries, clip_dir: Path) -> Path:
    """Six seconds of MKV written to a pipe: the container never learns its duration."""
    target = clip_dir / "piped.mkv"
    if not target.exists():
        argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-v", "error"]
        argv += ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=6", *X264]
        result = run_command([*argv, "-f", "matroska", "pipe:1"], timeout=120)
        target.write_bytes(result.stdout)
    return target


@pytest.fixture(scope="session")
def raw_h264(make_clip: MakeClip) -> Path:
    """Six seconds of a raw H.264 stream: no container, no duration."""
    return make_clip("raw.h264", "testsrc2=s=160x90:r=10:d=6", args=X264)


@pytest.mark.parametrize("fixture", ["piped_mkv", "raw_h264"])
def test_a_clip_without_a_stated_duration_is_measured(
    fixture: str, binaries: Binaries, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(fixture)
    info = probe_media(path, binaries, max_seconds=60)
    assert 5.5 <= info.duration <= 6.5
    refusal = _refusal(path, binaries, max_seconds=3)
    assert refusal.code == "too_long" and "longer than the limit of 3 seconds" in refusal.message
