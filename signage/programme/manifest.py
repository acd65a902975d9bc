"""Segments -> the JSON a screen plays from. Pure: no Flask, no I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from signage.config.layouts import all_layouts
from signage.config.validate import Config
from signage.config.when import iso, json_values
from signage.hearings.listing import board
from signage.programme.qr import qr_drawing
from signage.programme.schedule import (
    PlannedItem,
    Segment,
    awake_windows,
    hours_text,
    playlist_pieces,
    resolve_windows,
)
from signage.programme.segments import Anchor

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class MediaRef:
    """A prepared media file as screens fetch it."""

    kind: str  # video | image
    url: str
    duration: float | None = None
    title: str = ""
    poster: str | None = None
    width: int | None = None
    height: int | None = None
    approved: bool = True  # False: uploaded under review and not approved yet
    size: int | None = None  # bytes, so a screen can tell how much it still lacks
    captions: str | None = None  # URL of the clip's WebVTT captions


@dataclass(frozen=True)
class Alert:
    id: int
    text: str
    until: dt.datetime


MediaLookup = Callable[[str], MediaRef | None]


def item_json(planned: PlannedItem, lookup: MediaLookup) -> tuple[dict[str, Any] | None, str]:
    """One item as the player needs it, or None and why it is skipped."""
    item = planned.item
    base: dict[str, Any] = {"key": planned.key}
    if item.hearings is not None:
        return {**base, "type": "hearings", "day": item.hearings, "duration": item.duration}, ""
    if item.tip is not None:
        tip = {
            **base,
            "type": "tip",
            "title": item.tip.title,
            "body": item.tip.body,
            "duration": item.duration,
        }
        if item.tip.qr:
            tip["qr"] = qr_drawing(item.tip.qr)
        return tip, ""
    media_id = item.clip if item.clip is not None else item.image
    assert media_id is not None
    ref = lookup(media_id)
    wanted = "video" if item.clip is not None else "image"
    if ref is None:
        return None, f"{planned.key}: media {media_id!r} is missing or not ready"
    if not ref.approved:
        return None, f"{planned.key}: media {media_id!r} waits for a reviewer's approval"
    if ref.kind != wanted:
        return None, f"{planned.key}: {media_id!r} is a {ref.kind}, not a {wanted}"
    entry = {
        **base,
        "type": wanted,
        "media": media_id,
        "title": ref.title,
        "url": ref.url,
        "duration": item.duration if wanted == "image" else ref.duration,
    }
    if ref.poster:
        entry["poster"] = ref.poster
    if ref.size is not None:
        entry["bytes"] = ref.size
    if ref.captions and wanted == "video":
        entry["captions"] = ref.captions
    return entry, ""


# What staff and screens call the playlists the programme makes up (segments.py).
MADE_UP_PLAYLISTS = {"required": "规定播放"}


def playlist_name(config: Config, playlist_id: str) -> str:
    """A playlist's name, its id when unnamed; the made-up ones by what they are."""
    playlist = config.playlists.get(playlist_id)
    if playlist is None:
        return MADE_UP_PLAYLISTS.get(playlist_id, playlist_id)
    return playlist.name or playlist_id


def build_manifest(
    config: Config,
    screen_id: str,
    segments: Sequence[Segment],
    lookup: MediaLookup,
    alerts: Sequence[Alert],
    start: dt.datetime,
    end: dt.datetime,
    hearing_rows: Sequence[dict[str, Any]] = (),
    anchors: Sequence[Anchor | None] = (),
) -> tuple[dict[str, Any], list[str]]:
    """The manifest body (without server_time) and warnings about skipped items; the hearings
    (already masked) when the screen shows them; where the day's walk stands as each segment
    starts (`walk_anchors`), so the player plays what the day's plan lists."""
    zone = config.site.zone
    warnings: list[str] = []
    screen = config.screens[screen_id]
    segments_json = []
    for index, segment in enumerate(segments):
        anchor = anchors[index] if index < len(anchors) else None
        segments_json.append(
            {
                "start": iso(segment.start, zone),
                "end": iso(segment.end, zone),
                "playlist": "+".join(segment.playlists),
                "playlists": list(segment.playlists),
                "name": " + ".join(playlist_name(config, p) for p in segment.playlists),
                "layout": segment.layout or screen.own_layout,
                "items": _items_json(segment.items, lookup, warnings),
                # The item due as the segment starts and when it began; the rest follows.
                "walk": None
                if anchor is None
                else {"item": anchor.key, "start": iso(anchor.start, zone)},
            }
        )
    layouts = layouts_json(
        config, {s["layout"] for s in segments_json}, lookup, start, end, warnings
    )
    ticker = []
    for line in config.site_file.ticker:
        if screen_id in config.targets(line.screens):
            for left, right in resolve_windows(zone, line, start, end, config.calendar):
                ticker.append(
                    {"text": line.text, "start": iso(left, zone), "end": iso(right, zone)}
                )
    shows_hearings = (
        screen.shows_hearing_band
        or any(
            zone["kind"] == "hearings" for layout in layouts.values() for zone in layout["zones"]
        )
        or any(
            item["type"] == "hearings"
            for part in [*segments_json, *_zone_segments(layouts)]
            for item in part["items"]
        )
    )
    alert = alerts[0] if alerts else None
    awake = awake_windows(config, screen_id, start, end)
    body = {
        "version": MANIFEST_VERSION,
        "screen": {
            "id": screen_id,
            "name": screen.name,
            "orientation": screen.orientation,
            "captions": screen.captions,
            "courtroom": screen.courtroom,
            "hearing_band": screen.shows_hearing_band,
            # A wall's screens start each item at the instant the day's plan gives it.
            "sync": config.is_synced(screen_id),
        },
        "site": {
            "name": config.site.name,
            "timezone": config.site.timezone,
            "prefetch": str(config.site.prefetch),
        },
        "poll_seconds": config.site.poll_seconds,
        # The opening hours as the stretches the screen is lit in (null: it never sleeps),
        # worked out here so the player needs no calendar of its own, 调休 included.
        "hours": None
        if awake is None
        else {
            "text": hours_text(config.hours_for(screen_id)),
            "until": iso(end, zone),  # past this the player knows nothing and stays lit
            "awake": [{"start": iso(left, zone), "end": iso(right, zone)} for left, right in awake],
        },
        "segments": segments_json,
        "layouts": layouts,
        "ticker": ticker,
        "alert": None
        if alert is None
        else {
            "id": alert.id,
            "text": alert.text,
            "until": iso(alert.until, zone),
        },
    }
    if shows_hearings:
        shown = board(hearing_rows, config.site_file.hearings, zone, screen.courtroom)
        body["hearings"] = json_values(shown)
    return body, sorted(set(warnings))


def _items_json(
    planned_items: Sequence[PlannedItem], lookup: MediaLookup, warnings: list[str]
) -> list[dict[str, Any]]:
    """The items as the player needs them; the skipped ones said in warnings."""
    items = []
    for planned in planned_items:
        entry, problem = item_json(planned, lookup)
        if entry is None:
            warnings.append(problem)
        else:
            items.append(entry)
    return items


def layouts_json(
    config: Config,
    used: set[str],
    lookup: MediaLookup,
    start: dt.datetime,
    end: dt.datetime,
    warnings: list[str],
) -> dict[str, dict[str, Any]]:
    """The layouts the segments use: each zone's box and, beside the main zone (which plays
    the segments), what it shows: a playlist on its own clock, or the hearing band."""
    known = all_layouts(config.site_file.layouts)
    zone = config.site.zone
    out: dict[str, dict[str, Any]] = {}
    for layout_id in sorted(used):
        layout = known[layout_id]
        zones = []
        for zone_id, box in layout.zones.items():
            entry: dict[str, Any] = {"id": zone_id, "area": list(box.area)}
            if box.playlist is not None:
                entry["kind"] = "playlist"
                entry["playlist"] = box.playlist
                entry["segments"] = [
                    {
                        "start": iso(left, zone),
                        "end": iso(right, zone),
                        "items": _items_json(items, lookup, warnings),
                    }
                    for left, right, items in playlist_pieces(config, box.playlist, start, end)
                ]
            else:
                entry["kind"] = "hearings" if box.hearings is not None else "main"
            zones.append(entry)
        out[layout_id] = {"name": layout.name or layout_id, "main": layout.main, "zones": zones}
    return out


def _zone_segments(layouts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The segments of every side zone of these layouts."""
    return [
        part
        for layout in layouts.values()
        for zone in layout["zones"]
        for part in zone.get("segments", ())
    ]


def manifest_etag(body: dict[str, Any]) -> str:
    """A stable tag of the content, so unchanged manifests answer 304."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
