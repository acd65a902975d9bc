"""Colours every screen shows alike: BT.709 standard dynamic range, labelled as such.

Phones record HDR by default (iPhone: 10-bit HEVC with HLG; others PQ). Kiosk decoders and
browsers show such a picture washed out or banded, so it is tone-mapped: made linear, its
BT.2020 gamut brought into BT.709, its highlights rolled off, and coded again as BT.709.
Other colour codings are converted, and every output says BT.709 in its stream header and
its container, because an unlabelled picture is guessed at differently by each player.
"""

from __future__ import annotations

from typing import Any

from signage.media.plan import ColourAction
from signage.media.probe import ColourTags

# Output options: the encoder writes them into the stream header, the MP4 muxer into 'colr'.
BT709_LABELS = {
    "color_primaries": "bt709",
    "color_trc": "bt709",
    "colorspace": "bt709",
    "color_range": "tv",
}
# A copied H.264 stream gets the same labels in its header (its VUI) from this bitstream
# filter; the coded pictures are left untouched (H.264 code points: 1 is BT.709).
BT709_H264_HEADER = (
    "h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1"
    ":video_full_range_flag=0"
)
# Mobius keeps tones below its knee as they are and rolls off only the highlights; on test
# footage it kept the mean brightness within 3% of the SDR original, where hable lost 20%.
TONE_MAP_CURVE = "mobius"
# Linear light 1.0 means SDR white at 100 nits, so HDR highlights are above 1 and get mapped.
SDR_WHITE_NITS = 100

# ffprobe's names that zscale knows too; anything else is treated as unlabelled rather
# than making ffmpeg fail on a word it does not know.
ZSCALE_PRIMARIES = {
    "bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m", "film", "bt2020", "smpte431",
    "smpte432",
}  # fmt: skip
ZSCALE_TRANSFERS = {
    "bt709", "smpte170m", "smpte240m", "linear", "iec61966-2-1", "iec61966-2-4", "bt2020-10",
    "bt2020-12", "smpte2084", "arib-std-b67", "bt470m", "bt470bg",
}  # fmt: skip
ZSCALE_MATRICES = {
    "bt709", "fcc", "bt470bg", "smpte170m", "smpte240m", "ycgco", "bt2020nc", "bt2020c",
}  # fmt: skip
# Two curves that ffprobe and zscale call by different names.
TRANSFER_ALIASES = {"gamma22": "bt470m", "gamma28": "bt470bg"}


def _known(value: str | None, names: set[str], otherwise: str) -> str:
    return value if value in names else otherwise


def _source_coding(colour: ColourTags) -> dict[str, str]:
    """zscale's input options: the file's labels, blanks filled with what such video is."""
    # HDR is only ever made in BT.2020; unlabelled standard video is taken as BT.709.
    primaries, matrix = ("bt2020", "bt2020nc") if colour.hdr else ("bt709", "bt709")
    transfer = TRANSFER_ALIASES.get(colour.transfer or "", colour.transfer)
    return {
        "primariesin": _known(colour.primaries, ZSCALE_PRIMARIES, primaries),
        "transferin": _known(transfer, ZSCALE_TRANSFERS, "bt709"),
        "matrixin": _known(colour.matrix, ZSCALE_MATRICES, matrix),
        "rangein": "pc" if colour.range == "pc" else "tv",
    }


def to_bt709(picture: Any, colour: ColourTags, action: ColourAction) -> Any:
    """Add the filters that turn a picture into BT.709 SDR (8-bit 4:2:0) to an ffmpeg graph."""
    if action == "tag":
        return picture.filter("format", "yuv420p")
    if action == "tone_map":
        picture = (
            picture.filter(
                "zscale",
                **_source_coding(colour),
                transfer="linear",
                primaries="bt709",
                npl=SDR_WHITE_NITS,
            )
            .filter("format", "gbrpf32le")
            .filter("tonemap", TONE_MAP_CURVE, desat=0)
        )
        # The frames now say what they are: linear light, BT.709 primaries.
        source: dict[str, str] = {}
    else:
        source = _source_coding(colour)
    # Colours outside BT.709's gamut come out of the conversion as negative RGB; an integer
    # RGB step clips them there. Left to the RGB-to-YUV matrix, they darkened test footage's
    # saturated areas by a tenth.
    return (
        picture.filter("zscale", **source, primaries="bt709", transfer="bt709")
        .filter("format", "gbrp16le")
        .filter("zscale", matrix="bt709", range="tv", dither="ordered")
        .filter("format", "yuv420p")
    )
