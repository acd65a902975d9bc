"""Segments -> the manifest a screen plays from, as typed models. Pure: no Flask, no I/O.

The manifest is the contract with every screen's player, old engines included: its JSON (the
models through `json_values`, once, as it is cached) keeps its keys, which keys are left out
rather than null, and its times in the site's zone to the second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from signage.config.layouts import all_layouts
from signage.config.validate import Config
from signage.hearings.listing import Hearing, board
from signage.programme.qr import QrDrawing, qr_drawing
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


class ManifestPart(BaseModel):
    """A part of the manifest: closed (no key the player does not know) and frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ManifestAlert(ManifestPart):
    """The urgent message a screen shows over everything until its time."""

    id: int
    text: str
    until: dt.datetime


class ManifestItem(ManifestPart):
    """An item as the player plays it; the keys of other types of item are left out."""

    key: str  # playlist#index, for proof of play
    type: Literal["video", "image", "tip", "hearings"]
    duration: int | float | None  # seconds; a clip's own length (None: not known)
    day: Literal["today"] | None = None  # hearings: whose hearings it lists
    title: str | None = None  # tips and media
    body: str | None = None  # tips
    qr: QrDrawing | None = None  # tips with a web address
    media: str | None = None  # media: its id, its URL, its poster, its size, its captions
    url: str | None = None
    poster: str | None = None
    bytes: int | None = None
    captions: str | None = None


class ManifestSpan(ManifestPart):
    """From start to end, in the site's zone."""

    start: dt.datetime
    end: dt.datetime


class TickerLine(ManifestSpan):
    """A ticker line and a stretch it runs in."""

    text: str


class ZoneSegment(ManifestSpan):
    """A stretch of a zone and the items it plays in turn."""

    items: list[ManifestItem]


class WalkStart(ManifestPart):
    """The item due as a segment starts and when it began; the player follows on from it."""

    item: str
    start: dt.datetime


class ManifestSegment(ZoneSegment):
    """A stretch of the main zone: the playlists it plays, its layout, where the walk stands."""

    playlist: str  # the playlists' ids joined by +
    playlists: list[str]
    name: str
    layout: str
    walk: WalkStart | None


class ManifestZone(ManifestPart):
    """A box of a layout and what it shows: the segments, a playlist of its own, or hearings."""

    id: str
    area: list[float]  # x, y, width, height in % of the area under the header
    kind: Literal["main", "playlist", "hearings"]
    playlist: str | None = None  # a playlist zone's: its playlist and its stretches
    segments: list[ZoneSegment] | None = None


class ManifestLayout(ManifestPart):
    """A layout the segments use: its zones, and which one plays the segments."""

    name: str
    main: str
    zones: list[ManifestZone]


class ManifestScreen(ManifestPart):
    """The screen as its player needs to know it."""

    id: str
    name: str
    orientation: Literal["landscape", "portrait"]
    captions: bool
    courtroom: str | None
    hearing_band: bool
    sync: bool  # one screen of a wall: each item starts at the instant the day's plan gives


class ManifestSite(ManifestPart):
    """The court, its time zone, and the quiet hours for fetching media."""

    name: str
    timezone: str
    prefetch: str


class OpeningHours(ManifestPart):
    """The opening hours as the stretches the screen is lit in, up to `until`."""

    text: str
    until: dt.datetime  # past this the player knows nothing and stays lit
    awake: list[ManifestSpan]


class Manifest(ManifestPart):
    """What a screen plays for the next hours (the server's time is added as it is served)."""

    version: int
    screen: ManifestScreen
    site: ManifestSite
    poll_seconds: int
    hours: OpeningHours | None  # None: the screen never sleeps
    segments: list[ManifestSegment]
    layouts: dict[str, ManifestLayout]
    ticker: list[TickerLine]
    alert: ManifestAlert | None
    hearings: list[Hearing] | None = None  # only for a screen that shows them


MediaLookup = Callable[[str], MediaRef | None]


def manifest_item(planned: PlannedItem, lookup: MediaLookup) -> tuple[ManifestItem | None, str]:
    """One item as the player needs it, or None and why it is skipped."""
    item = planned.item
    if item.hearings is not None:
        return ManifestItem(
            key=planned.key, type="hearings", day=item.hearings, duration=item.duration
        ), ""
    if item.tip is not None:
        tip: dict[str, Any] = {"title": item.tip.title, "body": item.tip.body}
        if item.tip.qr:
            tip["qr"] = qr_drawing(item.tip.qr)
        return ManifestItem(key=planned.key, type="tip", duration=item.duration, **tip), ""
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
    extra: dict[str, Any] = {}
    if ref.poster:
        extra["poster"] = ref.poster
    if ref.size is not None:
        extra["bytes"] = ref.size
    if ref.captions and wanted == "video":
        extra["captions"] = ref.captions
    return ManifestItem(
        key=planned.key,
        type=wanted,
        media=media_id,
        title=ref.title,
        url=ref.url,
        duration=item.duration if wanted == "image" else ref.duration,
        **extra,
    ), ""


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
    alerts: Sequence[ManifestAlert],
    start: dt.datetime,
    end: dt.datetime,
    hearing_rows: Sequence[dict[str, Any]] = (),
    anchors: Sequence[Anchor | None] = (),
) -> tuple[Manifest, list[str]]:
    """The manifest (without server_time) and warnings about skipped items; the hearings
    (already masked) when the screen shows them; where the day's walk stands as each segment
    starts (`walk_anchors`), so the player plays what the day's plan lists."""
    zone = config.site.zone
    warnings: list[str] = []
    screen = config.screens[screen_id]
    main = []
    for index, segment in enumerate(segments):
        anchor = anchors[index] if index < len(anchors) else None
        main.append(
            ManifestSegment(
                start=segment.start.astimezone(zone),
                end=segment.end.astimezone(zone),
                playlist="+".join(segment.playlists),
                playlists=list(segment.playlists),
                name=" + ".join(playlist_name(config, p) for p in segment.playlists),
                layout=segment.layout or screen.own_layout,
                items=_items(segment.items, lookup, warnings),
                # The item due as the segment starts and when it began; the rest follows.
                walk=None
                if anchor is None
                else WalkStart(item=anchor.key, start=anchor.start.astimezone(zone)),
            )
        )
    layouts = manifest_layouts(config, {s.layout for s in main}, lookup, start, end, warnings)
    ticker = [
        TickerLine(text=line.text, start=left.astimezone(zone), end=right.astimezone(zone))
        for line in config.site_file.ticker
        if screen_id in config.targets(line.screens)
        for left, right in resolve_windows(zone, line, start, end, config.calendar)
    ]
    shows_hearings = (
        screen.shows_hearing_band
        or any(box.kind == "hearings" for layout in layouts.values() for box in layout.zones)
        or any(
            item.type == "hearings"
            for part in [*main, *_zone_segments(layouts)]
            for item in part.items
        )
    )
    alert = alerts[0] if alerts else None
    awake = awake_windows(config, screen_id, start, end)
    # Left out, not null, for a screen that shows no hearings.
    hearings = (
        {"hearings": board(hearing_rows, config.site_file.hearings, zone, screen.courtroom)}
        if shows_hearings
        else {}
    )
    manifest = Manifest(
        version=MANIFEST_VERSION,
        screen=ManifestScreen(
            id=screen_id,
            name=screen.name,
            orientation=screen.orientation,
            captions=screen.captions,
            courtroom=screen.courtroom,
            hearing_band=screen.shows_hearing_band,
            # A wall's screens start each item at the instant the day's plan gives it.
            sync=config.is_synced(screen_id),
        ),
        site=ManifestSite(
            name=config.site.name,
            timezone=config.site.timezone,
            prefetch=str(config.site.prefetch),
        ),
        poll_seconds=config.site.poll_seconds,
        # Worked out here so the player needs no calendar of its own, 调休 included.
        hours=None
        if awake is None
        else OpeningHours(
            text=hours_text(config.hours_for(screen_id)),
            until=end.astimezone(zone),
            awake=[
                ManifestSpan(start=left.astimezone(zone), end=right.astimezone(zone))
                for left, right in awake
            ],
        ),
        segments=main,
        layouts=layouts,
        ticker=ticker,
        alert=None
        if alert is None
        else alert.model_copy(update={"until": alert.until.astimezone(zone)}),
        **hearings,
    )
    return manifest, sorted(set(warnings))


def _items(
    planned_items: Sequence[PlannedItem], lookup: MediaLookup, warnings: list[str]
) -> list[ManifestItem]:
    """The items as the player needs them; the skipped ones said in warnings."""
    items = []
    for planned in planned_items:
        entry, problem = manifest_item(planned, lookup)
        if entry is None:
            warnings.append(problem)
        else:
            items.append(entry)
    return items


def manifest_layouts(
    config: Config,
    used: set[str],
    lookup: MediaLookup,
    start: dt.datetime,
    end: dt.datetime,
    warnings: list[str],
) -> dict[str, ManifestLayout]:
    """The layouts the segments use: each zone's box and, beside the main zone (which plays
    the segments), what it shows: a playlist on its own clock, or the hearing band."""
    known = all_layouts(config.site_file.layouts)
    zone = config.site.zone
    out: dict[str, ManifestLayout] = {}
    for layout_id in sorted(used):
        layout = known[layout_id]
        zones = []
        for zone_id, box in layout.zones.items():
            if box.playlist is not None:
                pieces = playlist_pieces(config, box.playlist, start, end)
                entry = ManifestZone(
                    id=zone_id,
                    area=list(box.area),
                    kind="playlist",
                    playlist=box.playlist,
                    segments=[
                        ZoneSegment(
                            start=left.astimezone(zone),
                            end=right.astimezone(zone),
                            items=_items(items, lookup, warnings),
                        )
                        for left, right, items in pieces
                    ],
                )
            else:
                kind = "hearings" if box.hearings is not None else "main"
                entry = ManifestZone(id=zone_id, area=list(box.area), kind=kind)
            zones.append(entry)
        out[layout_id] = ManifestLayout(
            name=layout.name or layout_id, main=layout.main, zones=zones
        )
    return out


def _zone_segments(layouts: dict[str, ManifestLayout]) -> list[ZoneSegment]:
    """The segments of every side zone of these layouts."""
    return [
        part for layout in layouts.values() for box in layout.zones for part in box.segments or ()
    ]


def manifest_etag(body: dict[str, Any]) -> str:
    """A stable tag of the manifest's JSON, so unchanged manifests answer 304."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
