"""Clips from everywhere become one kind of file every screen plays; checked with ffprobe."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import pytest

from signage.jobs.preparation import PARTIALS_OLDER_THAN
from signage.media.ffmpeg import Binaries, run_command
from signage.media.prepare import PreparedMedia, prepare_video, remove_partials
from signage.media.probe import MediaRefused

pytestmark = pytest.mark.slow

# What every output says of its colours: BT.709 in the H.264 header and in the MP4 'colr'
# box (code points 1, 1, 1; TV range), so no player has to guess.
BT709_HEADER = ("bt709", "bt709", "bt709", "tv")
BT709_BOX = (1, 1, 1, False)


def _prepare(source: Path, out_dir: Path, binaries: Binaries) -> PreparedMedia:
    return prepare_video(source, out_dir, binaries, preset="superfast")


def assert_screen_ready(
    result: PreparedMedia, inspect, size: tuple[int, int], *, audio: bool
) -> None:
    """The output is the one format screens get, at the expected size, named by content."""
    assert re.fullmatch(r"[0-9a-f]{16}\.mp4", result.path.name)
    assert hashlib.sha256(result.path.read_bytes()).hexdigest() == result.sha256
    assert result.sha256.startswith(result.path.stem)
    assert not list(result.path.parent.glob(".partial-*"))

    video = inspect.stream(result.path, "video")
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    assert video["profile"] in ({"High"} if result.reencoded else {"High", "Main"})
    assert inspect.header_colours(result.path) == BT709_HEADER
    assert inspect.container_colours(result.path) == BT709_BOX
    assert (video["width"], video["height"]) == size == (result.width, result.height)
    assert video.get("sample_aspect_ratio", "1:1") in ("1:1", "0:1")
    assert not any("rotation" in side for side in video.get("side_data_list", []))
    boxes = inspect.top_level_boxes(result.path)
    assert boxes.index("moov") < boxes.index("mdat")

    sound = inspect.stream(result.path, "audio")
    if audio:
        assert sound is not None and result.has_audio
        assert (sound["codec_name"], sound["sample_rate"], sound["channels"]) == ("aac", "48000", 2)
    else:
        assert sound is None and not result.has_audio

    thumbnail = inspect.stream(result.thumbnail, "video")
    assert result.thumbnail.name == f"{result.path.stem}.thumb.jpg"
    assert thumbnail["codec_name"] == "mjpeg"
    assert max(thumbnail["width"], thumbnail["height"]) <= 480


@pytest.mark.parametrize(
    ("fixture", "size", "audio"),
    [
        ("portrait_rotated", (180, 320), True),
        ("anamorphic_mpg", (320, 240), True),
        ("no_audio_mov", (320, 180), False),
        ("hevc_mkv", (320, 180), True),
        ("quiet_wmv", (320, 180), True),
        ("loud_flv", (320, 180), True),
        ("vfr_mp4", (320, 180), True),
        ("uhd_mp4", (1920, 1080), False),
    ],
)
def test_clips_are_encoded_for_screens(fixture, size, audio, request, tmp_path, binaries, inspect):
    result = _prepare(request.getfixturevalue(fixture), tmp_path, binaries)

    assert result.reencoded
    assert_screen_ready(result, inspect, size, audio=audio)


@pytest.mark.parametrize("fixture", ["quiet_wmv", "loud_flv", "anamorphic_mpg", "hevc_mkv"])
def test_sound_is_levelled_to_minus_23_lufs(fixture, request, tmp_path, binaries, inspect):
    source = request.getfixturevalue(fixture)
    before = inspect.integrated_loudness(source)

    result = _prepare(source, tmp_path, binaries)

    assert result.plan is not None and result.plan.audio == "normalise"
    assert abs(before + 23) > 1.5 or fixture in ("anamorphic_mpg", "hevc_mkv")
    assert inspect.integrated_loudness(result.path) == pytest.approx(-23, abs=1)


def test_silence_is_kept_silent_without_failing(silent_mp4, tmp_path, binaries, inspect):
    result = _prepare(silent_mp4, tmp_path, binaries)

    assert result.plan is not None and result.plan.audio == "encode"
    assert result.plan.copy_video  # the picture already conforms; only the sound changes
    assert_screen_ready(result, inspect, (320, 180), audio=True)
    assert inspect.integrated_loudness(result.path) <= -70


def test_a_variable_frame_rate_becomes_constant(vfr_mp4, tmp_path, binaries, inspect):
    result = _prepare(vfr_mp4, tmp_path, binaries)

    video = inspect.stream(result.path, "video")
    assert video["avg_frame_rate"] == video["r_frame_rate"] == "30/1"
    assert result.duration == pytest.approx(3, abs=0.15)


def test_keyframes_come_every_two_seconds(keyframe_avi, tmp_path, binaries, inspect):
    result = _prepare(keyframe_avi, tmp_path, binaries)

    assert inspect.keyframe_times(result.path) == pytest.approx([0, 2, 4], abs=0.05)


def test_the_thumbnail_is_not_the_black_first_frame(no_audio_mov, tmp_path, binaries, inspect):
    result = _prepare(no_audio_mov, tmp_path, binaries)

    first_frame = tmp_path / "first.png"
    run_command(
        [
            binaries.ffmpeg,
            "-v",
            "error",
            "-i",
            str(result.path),
            "-frames:v",
            "1",
            str(first_frame),
        ],
        timeout=30,
    )
    assert inspect.mean_luma(first_frame) < 20
    assert inspect.mean_luma(result.thumbnail) > 60


def _video_packets_hash(path: Path, binaries: Binaries) -> bytes:
    argv = [
        binaries.ffmpeg,
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-c",
        "copy",
        "-f",
        "streamhash",
        "-hash",
        "sha256",
        "-",
    ]
    return run_command(argv, timeout=30).stdout


def test_a_conforming_clip_is_copied_not_encoded(conforming_mp4, tmp_path, binaries, inspect):
    boxes = inspect.top_level_boxes(conforming_mp4)
    assert boxes.index("mdat") < boxes.index("moov")  # the source is not faststart
    assert inspect.header_colours(conforming_mp4) == ("unknown",) * 4  # nor labelled
    assert inspect.container_colours(conforming_mp4) is None

    result = _prepare(conforming_mp4, tmp_path, binaries)

    assert result.plan is not None and result.plan.remux_only and not result.reencoded
    conversion = next(argv for argv in result.commands if "+faststart" in argv)
    assert conversion[conversion.index("-c:v") + 1] == "copy" and "libx264" not in conversion
    assert conversion[conversion.index("-c:a") + 1] == "copy"
    assert _video_packets_hash(result.path, binaries) == _video_packets_hash(
        conforming_mp4, binaries
    )
    assert_screen_ready(result, inspect, (320, 180), audio=True)


def test_sound_running_past_the_picture_is_cut_where_the_picture_ends(
    camera_mp4, tmp_path, binaries, inspect
):
    source = float(inspect.stream(camera_mp4, "audio")["duration"])
    assert source - inspect.video_seconds(camera_mp4) == pytest.approx(0.032, abs=0.002)

    result = _prepare(camera_mp4, tmp_path, binaries)

    # The picture is copied; the sound alone is encoded again, to end with the picture: a
    # screen shows a clip until its longest stream ends, its last picture standing still.
    assert result.plan is not None and result.plan.copy_video and result.plan.audio == "encode"
    picture = inspect.video_seconds(result.path)
    assert float(inspect.stream(result.path, "audio")["duration"]) == pytest.approx(
        picture, abs=0.001
    )
    assert result.duration == pytest.approx(picture, abs=0.001)
    assert_screen_ready(result, inspect, (320, 180), audio=True)


def test_encoding_can_be_forced_on_a_conforming_clip(conforming_mp4, tmp_path, binaries, inspect):
    result = prepare_video(
        conforming_mp4, tmp_path, binaries, preset="superfast", force_encode=True
    )

    assert result.reencoded and result.plan.audio == "normalise"
    # loudnorm pads its last 100 ms block; the sound is cut back to the picture's end.
    sound = float(inspect.stream(result.path, "audio")["duration"])
    assert sound == pytest.approx(inspect.video_seconds(result.path), abs=0.001)
    assert [Path(argv[0]).name for argv in result.commands] == [
        "ffprobe",
        "ffmpeg",
        "ffmpeg",
        "ffprobe",
        "ffmpeg",
    ]
    assert_screen_ready(result, inspect, (320, 180), audio=True)


def test_progress_runs_from_zero_to_one_across_the_passes(loud_flv, tmp_path, binaries):
    seen: list[float] = []

    prepare_video(loud_flv, tmp_path, binaries, preset="superfast", on_progress=seen.append)

    assert seen == sorted(seen) and seen[-1] == 1.0
    assert any(0 < f <= 0.3 for f in seen) and any(0.3 < f < 1 for f in seen)


def test_the_same_clip_gives_the_same_read_only_file(conforming_mp4, tmp_path, binaries):
    first = _prepare(conforming_mp4, tmp_path, binaries)
    second = _prepare(conforming_mp4, tmp_path, binaries)

    assert first.path == second.path
    assert first.path.stat().st_mode & 0o222 == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.path.name, first.thumbnail.name]
    )


def test_a_damaged_clip_leaves_nothing_behind(truncated_mp4, tmp_path, binaries):
    with pytest.raises(MediaRefused) as caught:
        _prepare(truncated_mp4, tmp_path, binaries)

    assert caught.value.code == "damaged"
    assert list(tmp_path.iterdir()) == []


def test_a_picture_is_not_prepared_as_a_video(exif_rotated_jpeg, tmp_path, binaries):
    with pytest.raises(MediaRefused) as caught:
        _prepare(exif_rotated_jpeg, tmp_path, binaries)
    assert caught.value.code == "not_video"


def test_leftovers_of_a_crash_are_removed(tmp_path):
    crashed, running = tmp_path / ".partial-1234.mp4", tmp_path / ".partial-5678.mp4"
    crashed.write_bytes(b"half a clip")
    running.write_bytes(b"a clip being written")
    # Aged on the clock the check reads (a faked one in scripts/test-on-date; files keep the
    # real time there unless told).
    just_now = time.time()
    untouched_since = just_now - PARTIALS_OLDER_THAN - 60
    os.utime(crashed, (untouched_since, untouched_since))
    os.utime(running, (just_now, just_now))
    (tmp_path / "0123456789abcdef.mp4").write_bytes(b"a finished clip")

    assert remove_partials(tmp_path, older_than=PARTIALS_OLDER_THAN) == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".partial-5678.mp4", "0123456789abcdef.mp4"]
