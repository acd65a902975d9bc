"""What a file is (ffprobe), whether it decodes to the end, and why it is refused if not."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import ffmpeg as ffmpeg_cli

from signage.errors import SignageError
from signage.media.ffmpeg import Binaries, CommandFailed, Progress, run_command
from signage.media.loudness import Loudness, measure_filter_args, parse_loudnorm_report
from signage.phrases import N_, Phrase

# Demuxers that read one still picture; "image2" is the one chosen by a file's extension.
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe"}
# ffprobe will "play" any text file as an ANSI-art video; these are not media.
TEXT_FORMATS = {"tty", "bin", "xbin", "adf", "idf"}
TEXT_CODECS = {"ansi", "bintext", "xbin", "idf"}
INTERLACED = {"tt", "bb", "tb", "bt"}
# Containers whose index gives each stream's exact length (MP4, MOV and their kin).
INDEXED_FORMATS = {"mov", "mp4"}
# What ffprobe writes where a file says nothing about a colour property.
UNSPECIFIED = {"", "unknown", "unspecified", "reserved"}
# Transfer curves of high dynamic range video: phones record HLG (iPhone) or PQ (HDR10).
HdrCurve = Literal["HLG", "PQ"]
HDR_TRANSFERS: dict[str, HdrCurve] = {"arib-std-b67": "HLG", "smpte2084": "PQ"}


class MediaRefused(SignageError):
    """A file that cannot become something a screen plays; ``code`` says which kind."""

    code = "media_refused"
    status = 422


REFUSALS = {
    "empty_file": N_("the file is empty (0 bytes); the upload or copy did not finish, try again"),
    "not_media": N_("the file is not a video or is damaged"),
    "no_video_stream": N_("the file has sound but no picture; upload a video or an image"),
    "damaged": N_(
        "the file is damaged: it breaks off or cannot be read to the end; "
        "copy it again from the original"
    ),
    "unknown_duration": N_(
        "the length of the clip cannot be told from the file; convert it to MP4 and upload it again"
    ),
}


def refuse(code: str, details: Any = None) -> MediaRefused:
    """The refusal with this stable code and its plain message."""
    return MediaRefused(REFUSALS[code], code=code, details=details)


@dataclass(frozen=True)
class StreamInfo:
    index: int
    kind: str
    codec: str
    profile: str | None = None
    width: int = 0
    height: int = 0
    pix_fmt: str | None = None
    channels: int = 0
    sample_rate: int = 0
    attached_picture: bool = False


@dataclass(frozen=True)
class ColourTags:
    """How a picture's colours are coded, in ffprobe's names; None where the file is silent."""

    primaries: str | None = None
    transfer: str | None = None
    matrix: str | None = None
    range: str | None = None

    @property
    def hdr(self) -> HdrCurve | None:
        """The HDR transfer curve ("HLG" or "PQ"), or None for standard dynamic range."""
        return HDR_TRANSFERS.get(self.transfer or "")


@dataclass(frozen=True)
class MediaInfo:
    """A probed file: the picture stream that matters, its first audio stream, the container."""

    kind: Literal["video", "image"]
    format_name: str
    duration: float
    streams: tuple[StreamInfo, ...]
    video: StreamInfo
    audio: StreamInfo | None
    rotation: int
    sample_aspect: Fraction
    frame_rate: Fraction | None
    nominal_frame_rate: Fraction | None
    variable_frame_rate: bool
    interlaced: bool
    bit_rate: int | None
    colour: ColourTags = ColourTags()
    # Where the picture and the first sound stream end, in seconds from the file's start
    # (None unless the file's index says so exactly, as an MP4's or a MOV's does): cameras
    # and phones let the sound run on.
    picture_end: float | None = None
    sound_end: float | None = None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None

    @property
    def width(self) -> int:
        """Picture width as shown, after rotation (pixels, before sample aspect)."""
        return self.video.height if self.rotation % 180 else self.video.width

    @property
    def height(self) -> int:
        """Picture height as shown, after rotation (pixels, before sample aspect)."""
        return self.video.width if self.rotation % 180 else self.video.height

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: rotation applied and pixels made square."""
        stretched = max(1, round(self.video.width * self.sample_aspect))
        if self.rotation % 180:
            return self.video.height, stretched
        return stretched, self.video.height


def _ratio(text: Any) -> Fraction | None:
    try:
        num, _, den = str(text).partition(":" if ":" in str(text) else "/")
        value = Fraction(int(num), int(den or 1))
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _number(*candidates: Any) -> float | None:
    for candidate in candidates:
        try:
            value = float(candidate)
        except (TypeError, ValueError):
            continue
        if value > 0:
            return value
    return None


def _rotation(stream: dict[str, Any], frame: dict[str, Any] | None) -> int:
    for source in (stream, frame or {}):
        for side in source.get("side_data_list", []):
            if "rotation" in side:
                return round(float(side["rotation"])) % 360
    return round(float(stream.get("tags", {}).get("rotate", 0) or 0)) % 360


def _colour_tags(stream: dict[str, Any]) -> ColourTags:
    def tag(key: str) -> str | None:
        value = str(stream.get(key) or "")
        return None if value in UNSPECIFIED else value

    return ColourTags(
        tag("color_primaries"), tag("color_transfer"), tag("color_space"), tag("color_range")
    )


def _stream(raw: dict[str, Any]) -> StreamInfo:
    return StreamInfo(
        index=int(raw.get("index", 0)),
        kind=str(raw.get("codec_type", "")),
        codec=str(raw.get("codec_name", "")),
        profile=raw.get("profile"),
        width=int(raw.get("width") or 0),
        height=int(raw.get("height") or 0),
        pix_fmt=raw.get("pix_fmt"),
        channels=int(raw.get("channels") or 0),
        sample_rate=int(raw.get("sample_rate") or 0),
        attached_picture=bool(raw.get("disposition", {}).get("attached_pic")),
    )


def _stream_end(raw: dict[str, Any] | None, container: dict[str, Any]) -> float | None:
    """Where a stream ends, in seconds from the file's start, if its index says exactly
    (other containers' stream lengths are often estimates from the bit rate)."""
    indexed = INDEXED_FORMATS & set(str(container.get("format_name", "")).split(","))
    duration = _number(raw.get("duration")) if raw and indexed else None
    if raw is None or duration is None:
        return None
    return _seconds(raw.get("start_time")) - _seconds(container.get("start_time")) + duration


def _seconds(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def parse_probe(report: dict[str, Any], first_frame: dict[str, Any] | None = None) -> MediaInfo:
    """Turn ffprobe's JSON (format and streams) into MediaInfo, or refuse the file."""
    container = report.get("format", {})
    format_name = str(container.get("format_name", ""))
    raw_streams = report.get("streams", [])
    streams = tuple(_stream(raw) for raw in raw_streams)
    pictures = [
        (stream, raw)
        for stream, raw in zip(streams, raw_streams, strict=True)
        if stream.kind == "video" and not stream.attached_picture and stream.width > 0
    ]
    audio, raw_audio = next(
        (
            (stream, raw)
            for stream, raw in zip(streams, raw_streams, strict=True)
            if stream.kind == "audio"
        ),
        (None, None),
    )
    if format_name in TEXT_FORMATS or any(stream.codec in TEXT_CODECS for stream in streams):
        raise refuse("not_media")
    if not pictures:
        raise refuse("no_video_stream" if audio else "not_media")
    video, raw_video = pictures[0]
    kind: Literal["video", "image"] = "image" if format_name in IMAGE_FORMATS else "video"
    average = _ratio(raw_video.get("avg_frame_rate"))
    nominal = _ratio(raw_video.get("r_frame_rate"))
    variable = bool(average and nominal and abs(average - nominal) > nominal / 100)
    return MediaInfo(
        kind=kind,
        format_name=format_name,
        duration=0.0
        if kind == "image"
        else _number(container.get("duration"), raw_video.get("duration")) or 0.0,
        streams=streams,
        video=video,
        audio=audio if kind == "video" else None,
        rotation=_rotation(raw_video, first_frame),
        sample_aspect=_ratio(raw_video.get("sample_aspect_ratio")) or Fraction(1),
        frame_rate=average or nominal,
        nominal_frame_rate=nominal,
        variable_frame_rate=variable,
        interlaced=raw_video.get("field_order") in INTERLACED,
        bit_rate=int(_number(container.get("bit_rate"), raw_video.get("bit_rate")) or 0) or None,
        colour=_colour_tags(raw_video),
        picture_end=_stream_end(raw_video, container),
        sound_end=_stream_end(raw_audio, container),
    )


def _ffprobe_json(binaries: Binaries, args: list[str], path: Path, timeout: float) -> Any:
    argv = [binaries.ffprobe, "-v", "error", "-print_format", "json", *args, str(path)]
    try:
        result = run_command(argv, timeout=timeout)
        return json.loads(result.stdout or b"{}")
    except CommandFailed as exc:
        raise refuse("not_media", details={"stderr": exc.stderr_tail}) from None
    except ValueError:
        raise refuse("not_media") from None


def _spoken(seconds: float) -> Phrase:
    if seconds < 90:
        return Phrase.of(N_("{count} seconds"), count=round(seconds))
    return Phrase.of(N_("{count} minutes"), count=round(seconds / 60))


def probe_media(
    path: Path, binaries: Binaries, *, max_seconds: float | None = None, timeout: float = 60
) -> MediaInfo:
    """Probe a file with ffprobe; raise MediaRefused when it is empty, not media or too long."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise refuse("empty_file")
    report = _ffprobe_json(binaries, ["-show_format", "-show_streams"], path, timeout)
    info = parse_probe(report)
    if info.kind == "image":
        # A photo's EXIF orientation reaches ffprobe only as side data of its first frame.
        frames = _ffprobe_json(binaries, ["-show_frames", "-read_intervals", "%+#1"], path, timeout)
        info = parse_probe(report, (frames.get("frames") or [None])[0])
    if info.kind == "video" and not info.duration:
        # Raw streams (.h264) and files written to a pipe (MKV, TS) carry no duration;
        # a missing one must not read as 0 and let a ten-hour clip past the limit.
        info = replace(info, duration=measure_duration(path, info, binaries, max_seconds, timeout))
    if max_seconds is not None and info.duration > max_seconds:
        raise MediaRefused(
            N_("the clip lasts {duration}, longer than the limit of {limit}"),
            code="too_long",
            details={"duration": info.duration, "limit": max_seconds},
            duration=_spoken(info.duration),
            limit=_spoken(max_seconds),
        )
    return info


def measure_duration(
    path: Path, info: MediaInfo, binaries: Binaries, limit: float | None, timeout: float
) -> float:
    """Seconds of a clip whose container does not say, counted by reading its video packets
    (copied, not decoded, so it is quick); the count stops just past `limit`."""
    argv = [
        binaries.ffmpeg,
        *("-hide_banner", "-nostdin", "-v", "error", "-progress", "pipe:1", "-nostats"),
        *("-i", str(path), "-map", f"0:{info.video.index}", "-c", "copy"),
        *(("-t", f"{limit + 1:g}") if limit is not None else ()),
        *("-f", "null", "-"),
    ]
    try:
        result = run_command(argv, timeout=timeout)
    except CommandFailed as exc:
        raise refuse("damaged", details={"stderr": exc.stderr_tail}) from None
    # The last progress block says how far the packets reached.
    reached = re.findall(rb"^out_time_us=(\d+)", result.stdout, re.MULTILINE)
    seconds = int(reached[-1]) / 1_000_000 if reached else 0.0
    if seconds <= 0:
        raise refuse("unknown_duration")
    return seconds


def scan_media(
    path: Path,
    info: MediaInfo,
    binaries: Binaries,
    *,
    on_progress: Progress | None = None,
    timeout: float | None = None,
) -> Loudness | None:
    """Decode the whole clip (stopping at the first error) and measure its audio's loudness."""
    source = ffmpeg_cli.input(str(path))
    streams = [source[str(info.video.index)]]
    if info.audio is not None:
        streams.append(source[str(info.audio.index)].filter("loudnorm", **measure_filter_args()))
    argv = (
        ffmpeg_cli.output(*streams, "-", format="null")
        .global_args("-hide_banner", "-nostdin", "-xerror")
        .compile(cmd=binaries.ffmpeg)
    )
    try:
        result = run_command(
            argv,
            timeout=timeout or 120 + 10 * info.duration,
            duration=info.duration,
            on_progress=on_progress,
        )
    except CommandFailed as exc:
        raise refuse("damaged", details={"stderr": exc.stderr_tail}) from None
    if info.audio is None:
        return None
    loudness = parse_loudnorm_report(result.stderr_tail)
    if loudness is None:
        raise refuse("damaged", details={"stderr": result.stderr_tail})
    return loudness
