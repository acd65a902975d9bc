"""Posters and photos are turned upright, fitted to the screen and converted for browsers."""

from __future__ import annotations

import re

import pytest

from signage.media.prepare import prepare_image, prepare_media
from signage.media.probe import MediaRefused

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("fixture", "suffix", "codec", "size"),
    [
        ("exif_rotated_jpeg", ".jpg", "mjpeg", (240, 320)),
        ("large_jpeg", ".jpg", "mjpeg", (1620, 1080)),
        ("alpha_png", ".png", "png", (400, 300)),
        ("webp_image", ".jpg", "mjpeg", (300, 200)),
    ],
)
def test_pictures_are_fitted_and_converted(
    fixture, suffix, codec, size, request, tmp_path, binaries, inspect
):
    result = prepare_image(request.getfixturevalue(fixture), tmp_path, binaries)

    assert re.fullmatch(rf"[0-9a-f]{{16}}\{suffix}", result.path.name)
    assert result.kind == "image" and result.duration == 0
    picture = inspect.stream(result.path, "video")
    assert picture["codec_name"] == codec
    assert (picture["width"], picture["height"]) == size == (result.width, result.height)
    thumbnail = inspect.stream(result.thumbnail, "video")
    assert result.thumbnail.name == f"{result.path.stem}.thumb{suffix}"
    assert max(thumbnail["width"], thumbnail["height"]) <= 480
    assert not list(tmp_path.glob(".partial-*"))


def test_transparency_survives(alpha_png, tmp_path, binaries, inspect):
    result = prepare_image(alpha_png, tmp_path, binaries)

    assert inspect.stream(result.path, "video")["pix_fmt"] == "rgba"


def test_the_photo_is_turned_upright_not_just_relabelled(
    exif_rotated_jpeg, tmp_path, binaries, inspect
):
    result = prepare_image(exif_rotated_jpeg, tmp_path, binaries)

    # Nothing in the output may ask a browser to rotate it a second time.
    frame = inspect.report(result.path, "-show_frames")["frames"][0]
    assert "side_data_list" not in frame and "tags" not in frame


def test_prepare_media_tells_pictures_from_clips(large_jpeg, no_audio_mov, tmp_path, binaries):
    assert prepare_media(large_jpeg, tmp_path, binaries).kind == "image"
    assert prepare_media(no_audio_mov, tmp_path, binaries, preset="superfast").kind == "video"


def test_a_clip_is_not_prepared_as_a_picture(no_audio_mov, tmp_path, binaries):
    with pytest.raises(MediaRefused) as caught:
        prepare_image(no_audio_mov, tmp_path, binaries)
    assert caught.value.code == "not_image"


def test_progress_reaches_one(large_jpeg, tmp_path, binaries):
    seen: list[float] = []

    prepare_image(large_jpeg, tmp_path, binaries, on_progress=seen.append)

    assert seen == sorted(seen) and seen[-1] == 1.0
