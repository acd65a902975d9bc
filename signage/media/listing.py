"""A media row as staff see it, in the API and on the media page: one model for both."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from signage.media.library import READY


class Media(BaseModel):
    """A clip or picture: its preparation status, progress or error, size, where to fetch it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: Literal["video", "image"]
    title: str
    original_name: str | None
    status: Literal["queued", "processing", "ready", "failed"]
    progress: float
    error: str | None
    error_code: str | None
    duration: float | None
    width: int | None
    height: int | None
    size: int | None
    url: str | None  # the prepared file, once ready
    thumbnail_url: str | None
    captions_url: str | None
    # held for review: what a reviewer reads before approving (its name is the version)
    captions_pending: str | None
    captions_pending_by: str | None
    used_by: list[str]  # the playlists naming it
    approved: bool
    published: bool  # offered to other courts in the feed
    publisher: str | None  # the trusted publisher it came from
    withdrawn_at: dt.datetime | None  # no longer in that publisher's feed
    topics: list[str]
    created_by: str | None
    unit: str | None  # the uploader's unit; None: the county's
    created_at: dt.datetime
    updated_at: dt.datetime


def media_entry(row: dict[str, Any], media_url: str, used_by: list[str], zone: dt.tzinfo) -> Media:
    """A media row as staff see it, times in the site's zone, with the playlists using it."""
    ready = row["status"] == READY

    def url(name: str | None, shown: bool = True) -> str | None:
        return media_url + name if shown and name else None

    return Media(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        original_name=row["original_name"],
        status=row["status"],
        progress=round(row["progress"] or 0.0, 3),
        error=row["error"],
        error_code=row["error_code"],
        duration=row["duration"],
        width=row["width"],
        height=row["height"],
        size=row["size"],
        url=url(row["file"], ready),
        thumbnail_url=url(row["thumbnail"], ready),
        captions_url=url(row["captions"]),
        captions_pending=row["captions_pending"],
        captions_pending_by=row["captions_pending_by"],
        used_by=used_by,
        approved=row["approved"],
        published=row["published"],
        publisher=row["publisher"],
        withdrawn_at=row["withdrawn_at"].astimezone(zone) if row["withdrawn_at"] else None,
        topics=list(row.get("topics") or []),
        created_by=row["created_by"],
        unit=row.get("unit"),
        created_at=row["created_at"].astimezone(zone),
        updated_at=row["updated_at"].astimezone(zone),
    )
