"""Captions of a clip: .srt or .vtt in UTF-8 or GBK, kept as clean WebVTT beside the clip.

Lobby screens play muted, so captions carry the words. Whatever the subtitle tool wrote,
the stored file is plain WebVTT: cues with a start before their end, text without markup
(a `<` is escaped), so the player shows exactly the words and nothing else.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from signage.db import Store
from signage.encodings import decode_chinese_text
from signage.errors import Invalid
from signage.media.library import files_folder, hold_captions, media_row, set_captions
from signage.phrases import N_

CAPTIONS_LARGEST = 1024 * 1024  # bytes; an hour of dense subtitles is some 100 KB
MOST_CUES = 10000
SUFFIXES = (".srt", ".vtt")


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return (
        f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:"
        f"{millis // 1000 % 60:02d}.{millis % 1000:03d}"
    )


def _plain(text: str) -> str:
    # WebVTT reads < as the start of a tag and & as an entity; blank lines would end the cue.
    lines = (line.strip() for line in text.replace("&", "&amp;").replace("<", "&lt;").split("\n"))
    return "\n".join(line.replace("-->", "->") for line in lines if line)


def to_webvtt(raw: bytes, filename: str = "", clip_seconds: float | None = None) -> str:
    """The captions as clean WebVTT; 422 `bad_captions` with plain words when unreadable, or
    when a caption starts after the clip (of `clip_seconds`, when known) has ended."""
    if len(raw) > CAPTIONS_LARGEST:
        raise Invalid(
            N_("the captions file is larger than {size_kb} KB; is it really a subtitle file?"),
            code="bad_captions",
            size_kb=CAPTIONS_LARGEST // 1024,
        )
    text = (
        decode_chinese_text(
            raw,
            N_("the captions file is neither UTF-8 nor GBK text; save it again as UTF-8"),
            "bad_captions",
        )
        .replace("\r\n", "\n")
        .replace("\r", "\n")
    )
    kind = "vtt" if text.lstrip().startswith("WEBVTT") else "srt"
    if filename and not filename.lower().endswith(SUFFIXES):
        raise Invalid(N_("captions must be an .srt or .vtt file"), code="bad_captions")
    try:
        _check_times(text)
        parsed = webvtt.from_buffer(io.StringIO(text), format=kind)
        # start_in_seconds drops the milliseconds; the written times keep them.
        # WebVTT writes & and < as entities (&amp;, &lt;): the words are what they stand for.
        words = html.unescape if kind == "vtt" else str
        cues = [
            (_seconds(caption.start), _seconds(caption.end), _plain(words(caption.text)))
            for caption in parsed.captions
        ]
    except (MalformedFileError, MalformedCaptionError, ValueError):
        raise Invalid(
            N_(
                "the captions could not be read as {format}; "
                "check the numbering and the 00:00:01,000 --> 00:00:02,000 time lines"
            ),
            code="bad_captions",
            format=kind.upper(),
        ) from None
    kept = [(start, end, words) for start, end, words in cues if end > start and words]
    if not kept:
        raise Invalid(N_("the captions file has no captions with text"), code="bad_captions")
    late = [start for start, _end, _words in kept if clip_seconds and start >= clip_seconds]
    if late:
        raise Invalid(
            N_(
                "a caption starts at {start}, after the clip ends at {end}; "
                "are these the captions of another clip?"
            ),
            code="bad_captions",
            start=_timestamp(late[0]),
            end=_timestamp(clip_seconds or 0),
        )
    if len(kept) > MOST_CUES:
        raise Invalid(
            N_("the captions file has more than {count} captions"),
            code="bad_captions",
            count=MOST_CUES,
        )
    body = "".join(
        f"{_timestamp(start)} --> {_timestamp(end)}\n{words}\n\n" for start, end, words in kept
    )
    return "WEBVTT\n\n" + body


def _seconds(stamp: str) -> float:
    """'01:02:03.456' -> 3723.456 (webvtt-py writes timestamps this way)."""
    hours, minutes, seconds = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


_TIME_LINE = re.compile(r"^.*-->.*$", re.M)
_STAMP = re.compile(r"(?:\d+:)?(\d+):(\d+)[.,]\d+")


def _check_times(text: str) -> None:
    """A ValueError for minutes or seconds past 59 in a time line: the parser would carry
    00:61:01 into an hour, and no subtitle tool writes such a time."""
    for line in _TIME_LINE.findall(text):
        if any(int(part) > 59 for stamp in _STAMP.findall(line) for part in stamp):
            raise ValueError(line[:60])


def attach_captions(
    store: Store,
    media_dir: Path,
    media_id: str,
    raw: bytes,
    filename: str,
    held_by: str | None = None,
) -> str:
    """Store the captions of a clip as a content-named .vtt (its name returned): shown at
    once, or, `held_by` an author while review is on, held until a reviewer approves them."""
    row = media_row(store, media_id)
    if row["kind"] not in (None, "video"):
        raise Invalid(
            N_("{media_id!r} is a picture; only clips take captions"),
            code="not_a_clip",
            media_id=media_id,
        )
    content = to_webvtt(raw, filename, row["duration"]).encode("utf-8")
    name = hashlib.sha256(content).hexdigest()[:16] + ".vtt"
    folder = files_folder(media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        partial = folder / f".{name}.partial"
        partial.write_bytes(content)
        partial.replace(target)
    if held_by is None:
        set_captions(store, media_id, name)
    else:
        hold_captions(store, media_id, name, held_by)
    return name
