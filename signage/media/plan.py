"""Decisions about a probed clip, without running anything: output size, frame rate, and
whether its picture and sound can be copied as they are or must be encoded again.

Boxes are orientation-aware: a landscape picture fits within 1920×1080 and a portrait one
within 1080×1920, so a phone's portrait clip keeps its full height for portrait screens.
Every output is BT.709 standard dynamic range: what kiosk decoders and browsers assume.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from signage.media.loudness import Loudness
from signage.media.probe import ColourTags, MediaInfo

LONG_SIDE = 1920
SHORT_SIDE = 1080
# SIGNAGE_MAX_FRAME_RATE's default: what cheap kiosk boxes decode smoothly at 1080p.
DEFAULT_MAX_FRAME_RATE = 30
# Above this a lobby mini-PC on a busy LAN may stutter, so such clips are encoded again.
MAX_COPY_BIT_RATE = 20_000_000
# Sound running on this much past the picture's end is cut (s): the clip ends with its last
# picture, instead of that picture standing on screen while the sound plays out.
SOUND_OVERRUN_LIMIT = 0.001
# Main is the High profile without its extra tools: every player of High plays it, and
# encoding it again would only lose quality.
COPY_PROFILES = {"High", "Main"}
# Containers whose H.264 timestamps survive a stream copy into MP4 (AVI's often do not).
COPY_CONTAINERS = {"mov", "mp4", "matroska", "webm", "flv", "mpegts"}
COMMON_FRAME_RATES = (
    Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
    Fraction(50), Fraction(60000, 1001), Fraction(60),
)  # fmt: skip

# Colour codings that a BT.709 label describes truthfully. Unlabelled video is taken to be
# BT.709, the HD standard; smpte170m's transfer curve is the very same as BT.709's.
BT709_PRIMARIES = {None, "bt709"}
BT709_TRANSFERS = {None, "bt709", "smpte170m"}
BT709_MATRICES = {None, "bt709"}
TV_RANGES = {None, "tv"}

AudioAction = Literal["copy", "normalise", "encode", "none"]
# tag: the pixels already are BT.709 and only get its labels; convert: other SDR colours
# are converted; tone_map: HDR is mapped down to SDR BT.709.
ColourAction = Literal["tag", "convert", "tone_map"]


def fit_within(
    width: int,
    height: int,
    long_side: int = LONG_SIDE,
    short_side: int = SHORT_SIDE,
    *,
    even: bool = False,
) -> tuple[int, int]:
    """The largest size of the same shape inside the box turned to match; never enlarged."""
    box_width, box_height = (long_side, short_side) if width >= height else (short_side, long_side)
    scale = min(Fraction(1), Fraction(box_width, width), Fraction(box_height, height))
    if not even:
        return max(1, round(width * scale)), max(1, round(height * scale))
    # Even sizes for 4:2:0 video, rounded down where rounding up would enlarge the picture.
    sizes = []
    for original, box in ((width, box_width), (height, box_height)):
        size = 2 * round(original * scale / 2)
        if size > min(original, box):
            size -= 2
        sizes.append(max(2, size))
    return sizes[0], sizes[1]


def _at_most(rate: Fraction, max_frame_rate: int) -> Fraction:
    # Halving keeps every other frame, so motion stays even (60 → 30, 50 → 25, 120 → 30).
    while rate > max_frame_rate:
        rate /= 2
    return rate


def output_frame_rate(info: MediaInfo, max_frame_rate: int = DEFAULT_MAX_FRAME_RATE) -> Fraction:
    """A constant frame rate for the encoded clip: the clip's own, evened out, halved to the cap."""
    if info.frame_rate and not info.variable_frame_rate:
        return _at_most(info.frame_rate, max_frame_rate)
    # A variable rate is usually a common base rate with frames dropped (phones); its
    # nominal rate says which. Containers that only count milliseconds give 1000 instead.
    for candidate in (info.nominal_frame_rate, info.frame_rate):
        if candidate:
            rate = _at_most(candidate, max_frame_rate)
            nearest = min(COMMON_FRAME_RATES, key=lambda common: abs(common - rate))
            if abs(nearest - rate) <= rate / 50:
                return nearest
    return _at_most(Fraction(max(1, round(info.frame_rate or 25))), max_frame_rate)


def colour_action(colour: ColourTags) -> ColourAction:
    """What the picture's colours need to become BT.709 standard dynamic range."""
    if colour.hdr:
        return "tone_map"
    as_bt709 = (
        colour.primaries in BT709_PRIMARIES
        and colour.transfer in BT709_TRANSFERS
        and colour.matrix in BT709_MATRICES
        and colour.range in TV_RANGES
    )
    return "tag" if as_bt709 else "convert"


def _colour_problem(colour: ColourTags) -> str | None:
    action = colour_action(colour)
    if action == "tone_map":
        return f"HDR ({colour.hdr}) tone-mapped to SDR"
    if action == "convert":
        coded = ", ".join(
            f"{name} {value}"
            for name, value, fine in (
                ("primaries", colour.primaries, BT709_PRIMARIES),
                ("transfer", colour.transfer, BT709_TRANSFERS),
                ("matrix", colour.matrix, BT709_MATRICES),
                ("range", colour.range, TV_RANGES),
            )
            if value not in fine
        )
        return f"colours ({coded}) converted to BT.709"
    return None


@dataclass(frozen=True)
class VideoPlan:
    """What preparation does with a clip: copy or encode each stream, and at what size."""

    copy_video: bool
    audio: AudioAction
    width: int
    height: int
    frame_rate: Fraction | None
    deinterlace: bool
    colours: ColourAction
    reasons: tuple[str, ...]
    sound_end: float | None = None  # where encoded sound is cut: the picture's end (s)

    @property
    def remux_only(self) -> bool:
        """True when nothing is encoded again: the streams are only put into a new MP4."""
        return self.copy_video and self.audio in ("copy", "none")


def _video_problems(info: MediaInfo, max_frame_rate: int) -> list[str]:
    video = info.video
    width, height = info.display_size
    problems = []
    if video.codec != "h264":
        problems.append(f"video codec {video.codec} is not H.264")
    elif video.profile not in COPY_PROFILES:
        problems.append(f"H.264 profile {video.profile} is not High or Main")
    if video.pix_fmt != "yuv420p":
        problems.append(f"pixel format {video.pix_fmt} is not yuv420p")
    if fit_within(width, height) != (width, height):
        problems.append(f"{width}×{height} is larger than {LONG_SIDE}×{SHORT_SIDE}")
    if info.sample_aspect != 1:
        problems.append(f"pixels are not square (sample aspect {info.sample_aspect})")
    if info.rotation:
        problems.append(f"the picture is rotated by {info.rotation}°")
    if info.interlaced:
        problems.append("the picture is interlaced")
    if info.frame_rate is None:
        problems.append("the frame rate is unknown")
    elif info.frame_rate > max_frame_rate:
        problems.append(f"frame rate {info.frame_rate} is above the limit of {max_frame_rate}")
    if colour_problem := _colour_problem(info.colour):
        problems.append(colour_problem)
    if info.bit_rate and info.bit_rate > MAX_COPY_BIT_RATE:
        problems.append(f"bit rate {info.bit_rate // 1000} kbit/s is too high")
    if not COPY_CONTAINERS & set(info.format_name.split(",")):
        problems.append(f"container {info.format_name} does not keep timestamps for copying")
    return problems


def _sound_overruns(info: MediaInfo) -> bool:
    """Whether the sound runs on past the picture (a copied stream cannot be cut there)."""
    if info.picture_end is None or info.sound_end is None:
        return False
    return info.sound_end - info.picture_end > SOUND_OVERRUN_LIMIT


def _audio_action(info: MediaInfo, loudness: Loudness | None, force: bool) -> AudioAction:
    audio = info.audio
    if audio is None:
        return "none"
    conforms = (
        audio.codec == "aac"
        and audio.profile in (None, "LC")
        and audio.channels == 2
        and audio.sample_rate == 48000
    )
    silent = loudness is None or loudness.silent
    if force:
        return "encode" if silent else "normalise"
    if silent:
        # Silence cannot be levelled (loudnorm measures -inf); only its format may change.
        return "copy" if conforms and not _sound_overruns(info) else "encode"
    if conforms and loudness.on_target:
        # Right as it is, unless it has to be cut at the picture's end.
        return "encode" if _sound_overruns(info) else "copy"
    return "normalise"


def plan_video(
    info: MediaInfo,
    loudness: Loudness | None,
    *,
    max_frame_rate: int = DEFAULT_MAX_FRAME_RATE,
    force_encode: bool = False,
) -> VideoPlan:
    """Decide how to prepare a probed and measured clip (``force_encode``: never copy)."""
    problems = _video_problems(info, max_frame_rate) or (
        ["encoding was asked for"] if force_encode else []
    )
    copy_video = not problems
    audio = _audio_action(info, loudness, force_encode)
    width, height = (
        (info.width, info.height) if copy_video else fit_within(*info.display_size, even=True)
    )
    return VideoPlan(
        copy_video=copy_video,
        audio=audio,
        width=width,
        height=height,
        frame_rate=None if copy_video else output_frame_rate(info, max_frame_rate),
        deinterlace=info.interlaced and not copy_video,
        colours=colour_action(info.colour),
        reasons=tuple(problems),
        # Encoded sound is always cut there: loudnorm pads its last block of 100 ms too.
        sound_end=info.picture_end if audio in ("normalise", "encode") else None,
    )
