"""Clips in true colour: HDR tone-mapped to BT.709 SDR, other colour codings converted.

Colours are checked against a frame converted by hand with an ffmpeg command of the test's
own, and against the same frame decoded as it is, which is what screens showed before.
"""

from __future__ import annotations

import pytest

from signage.media.prepare import prepare_video
from tests.media.test_prepare_video import assert_screen_ready

pytestmark = pytest.mark.slow

# HDR to SDR by hand: linear light with SDR white at 1.0, BT.709 gamut, highlights rolled off
# by the mobius curve, then the BT.709 curve; full-range RGB like the decoded output.
TONE_MAPPED_BY_HAND = (
    "zscale=transferin={transfer}:primariesin=bt2020:matrixin=bt2020nc:rangein=tv"
    ":transfer=linear:primaries=bt709:npl=100,format=gbrpf32le,tonemap=mobius:desat=0,"
    "zscale=transfer=bt709:range=full"
)
# BT.601 (SMPTE 170M) to BT.709: its own matrix undone, its primaries moved into BT.709's.
BT601_TO_BT709_BY_HAND = (
    "zscale=matrixin=smpte170m:primariesin=smpte170m:transferin=smpte170m:rangein=tv"
    ":primaries=bt709:transfer=bt709:range=full"
)
FRAME_AT = 0.5  # seconds


def channel_differences(frame: bytes, reference: bytes) -> list[float]:
    """Mean absolute difference of red, green and blue between two RGB frames (0..255)."""
    assert len(frame) == len(reference) == 80 * 45 * 3
    pixels = len(frame) // 3
    return [
        sum(abs(a - b) for a, b in zip(frame[c::3], reference[c::3], strict=True)) / pixels
        for c in range(3)
    ]


@pytest.mark.parametrize(
    ("fixture", "curve", "transfer", "audio"),
    [("hlg_mov", "HLG", "arib-std-b67", True), ("pq_mp4", "PQ", "smpte2084", False)],
)
def test_hdr_is_tone_mapped_to_sdr_bt709(
    fixture, curve, transfer, audio, request, tmp_path, binaries, inspect
):
    source = request.getfixturevalue(fixture)

    result = prepare_video(source, tmp_path, binaries, preset="superfast")

    assert result.plan is not None and result.plan.colours == "tone_map"
    assert f"HDR ({curve}) tone-mapped to SDR" in result.plan.reasons
    assert_screen_ready(result, inspect, (320, 180), audio=audio)
    assert abs(inspect.video_seconds(result.path) - inspect.video_seconds(source)) <= 1 / 25

    by_hand = inspect.rgb_frame(source, FRAME_AT, TONE_MAPPED_BY_HAND.format(transfer=transfer))
    prepared = inspect.rgb_frame(result.path, FRAME_AT)
    as_it_was = inspect.rgb_frame(source, FRAME_AT)
    assert max(channel_differences(prepared, by_hand)) < 5
    assert max(channel_differences(as_it_was, by_hand)) > 20


def test_other_sdr_colours_are_converted_to_bt709(bt601_mp4, tmp_path, binaries, inspect):
    result = prepare_video(bt601_mp4, tmp_path, binaries, preset="superfast")

    assert result.plan is not None and result.plan.colours == "convert"
    assert "colours (primaries smpte170m, matrix smpte170m) converted to BT.709" in (
        result.plan.reasons
    )
    assert_screen_ready(result, inspect, (320, 180), audio=True)
    by_hand = inspect.rgb_frame(bt601_mp4, FRAME_AT, BT601_TO_BT709_BY_HAND)
    relabelled_only = inspect.rgb_frame(bt601_mp4, FRAME_AT, "scale=in_color_matrix=bt709")
    assert max(channel_differences(inspect.rgb_frame(result.path, FRAME_AT), by_hand)) < 5
    assert max(channel_differences(relabelled_only, by_hand)) > 20
