"""A media row as staff see it (the API and the media page): one JSON shape for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from signage.config.when import iso
from signage.media import library
from signage.parts import Signage


def used_by(instance: Signage) -> dict[str, list[str]]:
    """Media id -> the playlists naming it, in the configuration being served."""
    config = instance.state.current
    if config is None:
        return {}
    return {media_id: sorted(names) for media_id, names in config.media_ids().items()}


def describe_media(instance: Signage, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as JSON, times in the site's zone, each with the playlists that use it."""
    config = instance.state.current
    zone = config.site.zone if config is not None else dt.UTC
    uses = used_by(instance)
    url = instance.screens.media_url
    return [media_json(row, url, uses.get(row["id"], []), zone) for row in rows]


def media_json(
    row: dict[str, Any], media_url: str, used_by: list[str], zone: dt.tzinfo
) -> dict[str, Any]:
    """A media row as the API shows it: status, progress or error, size, where to fetch it."""
    ready = row["status"] == library.READY

    def stamp(moment: dt.datetime | None) -> str | None:
        return iso(moment, zone) if moment else None

    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "original_name": row["original_name"],
        "status": row["status"],
        "progress": round(row["progress"] or 0.0, 3),
        "error": row["error"],
        "error_code": row["error_code"],
        "duration": row["duration"],
        "width": row["width"],
        "height": row["height"],
        "size": row["size"],
        "url": media_url + row["file"] if ready and row["file"] else None,
        "thumbnail_url": media_url + row["thumbnail"] if ready and row["thumbnail"] else None,
        "captions_url": media_url + row["captions"] if row["captions"] else None,
        # held for review: what a reviewer reads before approving (its name is the version)
        "captions_pending": row["captions_pending"],
        "captions_pending_by": row["captions_pending_by"],
        "used_by": used_by,
        "approved": row["approved"],
        "published": row["published"],
        "publisher": row["publisher"],
        "withdrawn_at": stamp(row["withdrawn_at"]),
        "topics": list(row.get("topics") or []),
        "created_by": row["created_by"],
        "unit": row.get("unit"),
        "created_at": stamp(row["created_at"]),
        "updated_at": stamp(row["updated_at"]),
    }
