"""Turn an uploaded clip or picture into the file screens play, named by its content.

A clip becomes H.264 (High, yuv420p, BT.709 SDR, at most MAX_FRAME_RATE) with AAC stereo
48 kHz sound levelled to -23 LUFS in an MP4 whose index comes first; a clip that already is
one is only copied into a new MP4 (its header labelled BT.709 on the way). A clip
without sound gets no sound track (screens play muted; an empty track would only cost bytes).
A picture becomes a JPEG, or a PNG when it has transparency. Every output is written under a
``.partial-`` name, then renamed to ``<first 16 hex digits of its sha256>.<ext>``: a name is
never reused for other bytes, and a half-written file never carries a servable name.
"""

from __future__ import annotations

import os
import shutil
import struct
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import ffmpeg as ffmpeg_cli

from signage.media.colour import BT709_H264_HEADER, BT709_LABELS, to_bt709
from signage.media.ffmpeg import (
    Binaries,
    CommandFailed,
    Progress,
    record_commands,
    run_command,
)
from signage.media.files import PARTIAL_PREFIX, file_sha256
from signage.media.loudness import Loudness, normalise_filter_args
from signage.media.plan import DEFAULT_MAX_FRAME_RATE, VideoPlan, fit_within, plan_video
from signage.media.probe import MediaInfo, MediaRefused, probe_media, refuse, scan_media
from signage.phrases import N_

THUMBNAIL_LONG_SIDE = 480
THUMBNAIL_SHORT_SIDE = 270
# ultrafast leaves out the tools that make a stream High profile, so it is not offered.
PRESETS = ("superfast", "veryfast", "faster", "fast", "medium", "slow")
KEYFRAME_SECONDS = 2
ALPHA_PIXEL_FORMATS = {
    "rgba", "bgra", "argb", "abgr", "ya8", "ya16le", "ya16be", "rgba64le", "rgba64be",
    "yuva420p", "yuva422p", "yuva444p", "pal8", "gbrap",
}  # fmt: skip


@dataclass(frozen=True)
class PreparedMedia:
    """A prepared file ready to serve, its thumbnail, and what was done to make it."""

    kind: Literal["video", "image"]
    path: Path
    thumbnail: Path
    sha256: str
    size: int
    width: int
    height: int
    duration: float
    has_audio: bool
    reencoded: bool
    commands: tuple[tuple[str, ...], ...]
    source: MediaInfo
    plan: VideoPlan | None = None


def _span(on_progress: Progress | None, start: float, end: float) -> Progress | None:
    if on_progress is None:
        return None
    return lambda fraction: on_progress(start + (end - start) * fraction)


def _partial(out_dir: Path, suffix: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}{suffix}"


def _publish(partial: Path, name: str) -> Path:
    final = partial.with_name(name)
    partial.chmod(0o444)
    os.replace(partial, final)
    return final


def remove_partials(out_dir: Path, *, older_than: float) -> int:
    """Delete half-written outputs untouched for ``older_than`` seconds; how many there were."""
    removed, limit = 0, time.time() - older_than
    for partial in Path(out_dir).glob(f"{PARTIAL_PREFIX}*"):
        try:
            if partial.stat().st_mtime <= limit:
                partial.unlink()
                removed += 1
        except FileNotFoundError:  # finished (renamed) or removed meanwhile
            continue
    return removed


def _compile(stream: Any, binaries: Binaries) -> list[str]:
    return stream.global_args("-hide_banner", "-nostdin", "-y").compile(cmd=binaries.ffmpeg)


def _single_picture(picture: Any, target: Path, options: dict[str, Any]) -> Any:
    return ffmpeg_cli.output(
        picture, str(target), map_metadata=-1, update=1, **{"frames:v": 1}, **options
    )


def video_command(
    source: Path,
    target: Path,
    info: MediaInfo,
    plan: VideoPlan,
    loudness: Loudness | None,
    binaries: Binaries,
    preset: str = "veryfast",
) -> list[str]:
    """The ffmpeg command that carries out a plan."""
    clip = ffmpeg_cli.input(str(source))
    picture = clip[str(info.video.index)]
    options: dict[str, Any] = {"c:v": "copy", "bsf:v": BT709_H264_HEADER}
    if not plan.copy_video:
        if plan.deinterlace:
            picture = picture.filter("yadif")
        # The fps filter drops frames (or repeats them, for a variable rate), so the clip
        # keeps its speed; dropping and shrinking first leaves fewer pixels to convert.
        picture = (
            picture.filter("fps", str(plan.frame_rate))
            .filter("scale", plan.width, plan.height)
            .filter("setsar", 1)
        )
        picture = to_bt709(picture, info.colour, plan.colours)
        options = {
            "c:v": "libx264",
            "preset": preset,
            "profile:v": "high",
            "crf": 21,
            "maxrate": "8M",
            "bufsize": "16M",
            "g": round(KEYFRAME_SECONDS * plan.frame_rate),
            "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
        }
    streams = [picture]
    if plan.audio != "none" and info.audio is not None:
        sound = clip[str(info.audio.index)]
        if plan.audio == "normalise" and loudness is not None:
            sound = sound.filter("loudnorm", **normalise_filter_args(loudness))
        if plan.sound_end is not None:
            # A screen shows a clip until its longest stream ends: sound running on past the
            # picture would hold the last picture still that long before the next item.
            sound = sound.filter("atrim", end=f"{plan.sound_end:.6f}")
        streams.append(sound)
        audio_options = {"c:a": "aac", "b:a": "160k", "ar": 48000, "ac": 2}
        options.update({"c:a": "copy"} if plan.audio == "copy" else audio_options)
    output = ffmpeg_cli.output(
        *streams,
        str(target),
        format="mp4",
        movflags="+faststart",
        map_metadata=-1,
        map_chapters=-1,
        **BT709_LABELS,
        **options,
    )
    return _compile(output, binaries)


def thumbnail_command(source: Path, target: Path, info: MediaInfo, binaries: Binaries) -> list[str]:
    """The ffmpeg command for a small still of a prepared file."""
    width, height = fit_within(*info.display_size, THUMBNAIL_LONG_SIDE, THUMBNAIL_SHORT_SIDE)
    if info.kind == "video":
        # A tenth of the way in skips fades from black; `thumbnail` then picks the frame most
        # like its neighbours from the next second or so, avoiding a flash or a cut.
        clip = ffmpeg_cli.input(str(source), ss=f"{info.duration / 10:.3f}")
        still = clip[str(info.video.index)].filter("scale", width, height).filter("thumbnail", 25)
    else:
        still = ffmpeg_cli.input(str(source))[str(info.video.index)].filter(
            "scale", width, height, flags="lanczos"
        )
    options = {"c:v": "png"} if target.suffix == ".png" else {"c:v": "mjpeg", "q:v": 3}
    return _compile(_single_picture(still, target, options), binaries)


def image_command(source: Path, target: Path, info: MediaInfo, binaries: Binaries) -> list[str]:
    """The ffmpeg command that fits a picture to the screen and converts it for browsers."""
    width, height = fit_within(*info.display_size)
    picture = (
        ffmpeg_cli.input(str(source))[str(info.video.index)]
        .filter("scale", width, height, flags="lanczos")
        .filter("setsar", 1)
    )
    if target.suffix == ".png":
        picture, options = picture.filter("format", "rgba"), {"c:v": "png"}
    else:
        # 4:4:4 keeps the edges of coloured poster text sharp.
        picture, options = picture.filter("format", "yuvj444p"), {"c:v": "mjpeg", "q:v": 2}
    return _compile(_single_picture(picture, target, options), binaries)


def _convert(
    argv: list[str],
    partial: Path,
    suffix: str,
    *,
    timeout: float,
    duration: float = 0,
    on_progress: Progress | None = None,
) -> tuple[Path, str]:
    """Run a conversion into ``partial`` and publish it under its content name."""
    try:
        run_command(
            argv, timeout=timeout, outputs=[partial], duration=duration, on_progress=on_progress
        )
    except CommandFailed as exc:
        if exc.code != CommandFailed.code:  # a full disk or a timeout says so itself
            raise
        raise refuse("damaged", details={"stderr": exc.stderr_tail}) from None
    digest = file_sha256(partial)
    return _publish(partial, f"{digest[:16]}{suffix}"), digest


def _index_first(path: Path) -> bool:
    """Whether an MP4's index (moov) comes before its media data, as screens stream it."""
    with path.open("rb") as file:
        while header := file.read(8):
            if len(header) < 8:
                return False
            size, kind = struct.unpack(">I4s", header)
            if kind in (b"moov", b"mdat"):
                return kind == b"moov"
            if size == 1:
                size = struct.unpack(">Q", file.read(8))[0] - 8
            elif size < 8:
                return False
            file.seek(size - 8, os.SEEK_CUR)
    return False


def _kept(source: Path, out_dir: Path, suffix: str) -> tuple[Path, str]:
    """The source's own bytes published under their content name (nothing re-muxed)."""
    partial = _partial(out_dir, suffix)
    shutil.copyfile(source, partial)
    digest = file_sha256(partial)
    return _publish(partial, f"{digest[:16]}{suffix}"), digest


def _finish(
    path: Path,
    digest: str,
    source: MediaInfo,
    binaries: Binaries,
    *,
    commands: list[tuple[str, ...]],
    on_progress: Progress | None,
    plan: VideoPlan | None = None,
) -> PreparedMedia:
    """Describe a published file and give it a thumbnail (PNG when it may be transparent)."""
    prepared = probe_media(path, binaries)
    suffix = ".png" if path.suffix == ".png" else ".jpg"
    partial = _partial(path.parent, suffix)
    run_command(
        thumbnail_command(path, partial, prepared, binaries), timeout=120, outputs=[partial]
    )
    thumbnail = _publish(partial, f"{path.stem}.thumb{suffix}")
    if on_progress is not None:
        on_progress(1.0)
    return PreparedMedia(
        kind=prepared.kind,
        path=path,
        thumbnail=thumbnail,
        sha256=digest,
        size=path.stat().st_size,
        width=prepared.width,
        height=prepared.height,
        duration=prepared.duration,
        has_audio=prepared.has_audio,
        reencoded=plan is None or not plan.copy_video,
        commands=tuple(commands),
        source=source,
        plan=plan,
    )


def prepare_video(
    source: Path,
    out_dir: Path,
    binaries: Binaries,
    *,
    info: MediaInfo | None = None,
    max_seconds: float | None = None,
    preset: str = "veryfast",
    max_frame_rate: int = DEFAULT_MAX_FRAME_RATE,
    force_encode: bool = False,
    keep_prepared: bool = False,
    on_progress: Progress | None = None,
) -> PreparedMedia:
    """Check, measure and convert a clip; copy its streams when they already conform, and
    with ``keep_prepared`` keep a file that is already as this function makes them."""
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    source, out_dir = Path(source), Path(out_dir)
    with record_commands() as commands:
        info = info or probe_media(source, binaries, max_seconds=max_seconds)
        if info.kind != "video":
            raise MediaRefused(N_("the file is a picture, not a video"), code="not_video")
        loudness = scan_media(source, info, binaries, on_progress=_span(on_progress, 0, 0.3))
        plan = plan_video(info, loudness, max_frame_rate=max_frame_rate, force_encode=force_encode)
        if keep_prepared and _already_prepared_video(source, info, plan):
            path, digest = _kept(source, out_dir, ".mp4")
            return _finish(
                path, digest, info, binaries, commands=commands, on_progress=on_progress, plan=plan
            )
        partial = _partial(out_dir, ".mp4")
        path, digest = _convert(
            video_command(source, partial, info, plan, loudness, binaries, preset),
            partial,
            ".mp4",
            timeout=300 + 20 * info.duration,
            duration=info.duration,
            on_progress=_span(on_progress, 0.3, 0.95),
        )
        return _finish(
            path, digest, info, binaries, commands=commands, on_progress=on_progress, plan=plan
        )


def _already_prepared_video(source: Path, info: MediaInfo, plan: VideoPlan) -> bool:
    """A clip that needs nothing: streams copied, labelled BT.709, its index first."""
    return (
        plan.copy_video
        and plan.audio in ("copy", "none")
        and info.colour.primaries == "bt709"
        and source.suffix == ".mp4"
        and _index_first(source)
    )


def _already_prepared_image(source: Path, info: MediaInfo, suffix: str) -> bool:
    """A picture as `prepare_image` writes them: upright, fitted, the right format."""
    codec = {".jpg": "mjpeg", ".png": "png"}[suffix]
    return (
        source.suffix == suffix
        and info.video.codec == codec
        and info.rotation == 0
        and info.sample_aspect == 1
        and fit_within(*info.display_size) == info.display_size
    )


def prepare_image(
    source: Path,
    out_dir: Path,
    binaries: Binaries,
    *,
    info: MediaInfo | None = None,
    keep_prepared: bool = False,
    on_progress: Progress | None = None,
) -> PreparedMedia:
    """Fit a picture within the screen (EXIF rotation applied) and convert it for the web;
    with ``keep_prepared``, a picture already so made is kept as it is."""
    source, out_dir = Path(source), Path(out_dir)
    with record_commands() as commands:
        info = info or probe_media(source, binaries)
        if info.kind != "image":
            raise MediaRefused(N_("the file is a video, not a picture"), code="not_image")
        suffix = ".png" if info.video.pix_fmt in ALPHA_PIXEL_FORMATS else ".jpg"
        if keep_prepared and _already_prepared_image(source, info, suffix):
            path, digest = _kept(source, out_dir, suffix)
        else:
            partial = _partial(out_dir, suffix)
            path, digest = _convert(
                image_command(source, partial, info, binaries), partial, suffix, timeout=120
            )
        if on_progress is not None:
            on_progress(0.8)
        return _finish(path, digest, info, binaries, commands=commands, on_progress=on_progress)


def prepare_media(
    source: Path,
    out_dir: Path,
    binaries: Binaries,
    *,
    max_seconds: float | None = None,
    preset: str = "veryfast",
    max_frame_rate: int = DEFAULT_MAX_FRAME_RATE,
    keep_prepared: bool = False,
    on_progress: Progress | None = None,
) -> PreparedMedia:
    """Prepare a clip or a picture, whichever the file turns out to be; ``keep_prepared``
    keeps, byte for byte, a file another installation prepared (a package's), so both
    serve the same content-named file."""
    info = probe_media(Path(source), binaries, max_seconds=max_seconds)
    if info.kind == "image":
        return prepare_image(
            source,
            out_dir,
            binaries,
            info=info,
            keep_prepared=keep_prepared,
            on_progress=on_progress,
        )
    return prepare_video(
        source,
        out_dir,
        binaries,
        info=info,
        preset=preset,
        max_frame_rate=max_frame_rate,
        keep_prepared=keep_prepared,
        on_progress=on_progress,
    )
