"""A playlist on a USB stick, for a TV's own player where no network reaches (circuit
trials, school visits): numbered MP4 files it loops in order, one concatenated all.mp4 and
an .m3u. Every file is H.264 Main (level 4.0, yuv420p, 25 fps) with AAC stereo 48 kHz, of
one size, so the cheapest player plays them and all.mp4 is joined without encoding again.
Clips come as prepared (sound already levelled to -23 LUFS), captions burned in; tips and
posters become still video of their seconds, with silent sound.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signage.config.model import Item
from signage.config.validate import Config
from signage.errors import Invalid, NotFound
from signage.media import library
from signage.media.ffmpeg import Binaries, locate_binaries, run_command
from signage.media.probe import probe_media
from signage.packages.stills import font_folder, render_tip
from signage.parts import Signage
from signage.phrases import N_

FRAME_RATE = 25
HEIGHTS = (360, 720, 1080)  # 1080p for the TV; smaller for old sets (and quick tests)
BACKGROUND = "black"  # as the player letterboxes clips and posters
MAX_DAYS = 366
PLAYLIST_FILE = "playlist.m3u"
JOINED = "all.mp4"
VIDEO = ("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-level:v", "4.0")
VIDEO += ("-pix_fmt", "yuv420p", "-r", str(FRAME_RATE), "-g", str(2 * FRAME_RATE))
SOUND = ("-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2")
OUTPUT = ("-movflags", "+faststart", "-map_metadata", "-1", "-f", "mp4")


@dataclass(frozen=True)
class StickFile:
    """One numbered file on the stick: what it shows and for how long."""

    name: str
    kind: str  # video | image | tip
    title: str
    seconds: float


@dataclass(frozen=True)
class StickExport:
    """The stick's files in playing order, what was left out and why, and all.mp4."""

    files: tuple[StickFile, ...]
    left_out: tuple[str, ...]
    joined: str
    seconds: float


def _plays_within(config: Config, item: Item, first: dt.date, days: int) -> bool:
    dates = (first + dt.timedelta(days=n) for n in range(days))
    return any(
        item.days.admits(day, config.calendar.is_workday)
        and (item.dates is None or day in item.dates)
        for day in dates
    )


def _fit(width: int, height: int) -> str:
    """Scale within the frame, never stretched, letterboxed in black, square pixels."""
    return (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color={BACKGROUND},setsar=1"
    )


def _silence(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-t", f"{seconds:.3f}", "-i", "anullsrc=r=48000:cl=stereo"]


def _still_video(
    binaries: Binaries, picture: Path, seconds: float, size: tuple[int, int], target: Path
) -> None:
    """A picture held for ``seconds`` with silent sound."""
    argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-y", "-loop", "1"]
    argv += ["-framerate", str(FRAME_RATE), "-t", f"{seconds:.3f}", "-i", str(picture)]
    argv += _silence(seconds)
    argv += ["-vf", f"{_fit(*size)},format=yuv420p", "-tune", "stillimage", *VIDEO, *SOUND]
    argv += ["-t", f"{seconds:.3f}", *OUTPUT, str(target)]
    run_command(argv, timeout=120 + 4 * seconds, outputs=[target])


def _clip_video(
    binaries: Binaries,
    clip: Path,
    captions: Path | None,
    size: tuple[int, int],
    target: Path,
) -> float:
    """A prepared clip at the stick's size and rate, captions burned in, sound kept (or
    silence added, so every file has the same streams); its seconds."""
    info = probe_media(clip, binaries)
    picture = _fit(*size) + f",fps={FRAME_RATE}"
    if captions is not None:
        # Lines as the player shows them: large, white on a dark band, at the foot. Sizes
        # are in the renderer's 288-line script space, whatever the picture's height.
        style = "FontName=Noto Sans CJK SC,FontSize=20,BorderStyle=3,Outline=2,Shadow=0"
        picture += f",subtitles=filename={captions}:fontsdir={font_folder()}"
        picture += f":force_style='{style}'"
    argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-y", "-i", str(clip)]
    argv += _silence(info.duration)
    sound = "0:a:0" if info.has_audio else "1:a:0"
    argv += ["-map", "0:v:0", "-map", sound, "-vf", f"{picture},format=yuv420p"]
    argv += [*VIDEO, *SOUND, "-t", f"{info.duration:.3f}", *OUTPUT, str(target)]
    run_command(argv, timeout=300 + 20 * info.duration, outputs=[target])
    return info.duration


def _join(binaries: Binaries, folder: Path, names: list[str], target: Path) -> None:
    """all.mp4: the files one after the other, streams copied (they share one format)."""
    # Names relative to the list, so the folder's own name never enters the list's syntax.
    listing = folder / f".partial-{uuid.uuid4().hex}.txt"
    listing.write_text("".join(f"file '{name}'\n" for name in names), "ascii")
    try:
        argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-y", "-f", "concat", "-safe", "0"]
        argv += ["-i", str(listing), "-c", "copy", *OUTPUT, str(target)]
        run_command(argv, timeout=600, outputs=[target])
    finally:
        listing.unlink(missing_ok=True)


def _media_row(parts: Signage, media_id: str) -> dict[str, Any] | None:
    try:
        row = library.media_row(parts.store, media_id)
    except NotFound:
        return None
    return row if row["status"] == library.READY and row["approved"] and row["file"] else None


def _empty_folder(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Invalid(
            N_(
                "{folder} is not an empty folder; name a new or empty one (the stick's files "
                "are numbered from 001, and nothing already there is overwritten)"
            ),
            code="folder_not_empty",
            folder=str(target),
        )
    target.mkdir(parents=True, exist_ok=True)


def _steps(
    parts: Signage, items: Iterator[Item]
) -> Iterator[tuple[Item, dict[str, Any] | None, str | None]]:
    """Each item with its media row, or the reason it is left out."""
    for item in items:
        if item.kind == "hearings":
            yield item, None, "the day's hearings need the server; left out"
            continue
        media_id = item.clip or item.image
        if media_id is None:
            yield item, None, None
            continue
        row = _media_row(parts, media_id)
        yield item, row, None if row else f"{media_id!r} is not ready or approved; left out"


def export_usb(
    parts: Signage,
    target: Path,
    playlist_id: str,
    *,
    first_day: dt.date,
    days: int = 1,
    height: int = 1080,
) -> StickExport:
    """Write the playlist's items that play on any of ``days`` days from ``first_day`` into
    an empty folder as numbered MP4 files, all.mp4 and playlist.m3u."""
    config = parts.screens.config()
    if playlist_id not in config.playlists:
        raise NotFound(
            N_("there is no playlist with the id {playlist_id!r}; reload the page"),
            playlist_id=playlist_id,
        )
    if height not in HEIGHTS or not 1 <= days <= MAX_DAYS:
        raise Invalid(
            N_("the height is one of {heights} and the days 1 to {most_days}"),
            heights=list(HEIGHTS),
            most_days=MAX_DAYS,
        )
    size = (height * 16 // 9, height)
    target = Path(target)
    _empty_folder(target)
    binaries = locate_binaries(parts.settings.ffmpeg, parts.settings.ffprobe)
    chosen = (
        i for i in config.playlists[playlist_id].items if _plays_within(config, i, first_day, days)
    )
    files: list[StickFile] = []
    left_out: list[str] = []
    # Pictures and captions wait in a folder of ours: its ASCII path goes into ffmpeg's
    # filter syntax, which the stick's folder name (U盘, a colon) could break.
    with tempfile.TemporaryDirectory(prefix="signage-usb-") as scratch:
        try:
            for item, row, reason in _steps(parts, chosen):
                if reason:
                    left_out.append(reason)
                    continue
                files.append(
                    _write_item(
                        binaries, parts, item, row, len(files) + 1, size, target, Path(scratch)
                    )
                )
            if not files:
                raise Invalid(
                    N_("nothing of {playlist_id!r} plays in those {days} day(s) from a stick"),
                    code="nothing_to_export",
                    playlist_id=playlist_id,
                    days=days,
                )
            _join(binaries, target, [f.name for f in files], target / JOINED)
        except BaseException:
            for written in files:  # a half-made stick would loop a half programme
                (target / written.name).unlink(missing_ok=True)
            raise
    lines = ["#EXTM3U"] + [f"#EXTINF:{round(f.seconds)},{f.name[:-4]}\n{f.name}" for f in files]
    (target / PLAYLIST_FILE).write_text("\n".join(lines) + "\n", "ascii")
    return StickExport(tuple(files), tuple(left_out), JOINED, sum(f.seconds for f in files))


def _write_item(
    binaries: Binaries,
    parts: Signage,
    item: Item,
    row: dict[str, Any] | None,
    number: int,
    size: tuple[int, int],
    target: Path,
    scratch: Path,
) -> StickFile:
    """One item as the stick's file number ``number``."""
    media_dir = library.files_folder(parts.settings.media_dir)
    partial = target / f".partial-{number:03d}.mp4"
    seconds = float(item.duration or 0)
    if item.tip is not None:
        still = render_tip(item.tip, *size, scratch / f"{number:03d}.png")
        _still_video(binaries, still, seconds, size, partial)
        entry = StickFile(
            f"{number:03d}-tip.mp4", "tip", item.tip.title or item.tip.body[:40], seconds
        )
    elif row is not None and item.image is not None:
        _still_video(binaries, media_dir / row["file"], seconds, size, partial)
        entry = StickFile(f"{number:03d}-{item.image}.mp4", "image", row["title"], seconds)
    else:
        assert row is not None and item.clip is not None
        captions = None
        if row["captions"]:
            captions = scratch / f"{number:03d}.vtt"
            shutil.copyfile(media_dir / row["captions"], captions)
        seconds = _clip_video(binaries, media_dir / row["file"], captions, size, partial)
        entry = StickFile(f"{number:03d}-{item.clip}.mp4", "video", row["title"], seconds)
    os.replace(partial, target / entry.name)
    return entry
