"""A media row as staff see it, shared by the API and the media page."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from signage.config.when import json_values
from signage.media import library
from signage.media.listing import media_entry
from signage.web.media_json import describe_media

EIGHT_HOURS = dt.timedelta(hours=8)


def test_the_shape_of_a_row(app: Flask) -> None:
    instance = app.extensions["signage"]
    library.enqueue(
        instance.store,
        "anti-fraud",
        upload="0a.mp4",
        original_name="clip.mp4",
        title=None,
        created_by="admin",
    )
    row = library.media_row(instance.store, "anti-fraud")

    shown = media_entry(row, "/media/files/", ["daytime"], dt.timezone(EIGHT_HOURS))

    assert shown.status == "queued" and shown.url is None and shown.used_by == ["daytime"]
    assert shown.created_at == row["created_at"] and shown.created_at.utcoffset() == EIGHT_HOURS
    assert shown.original_name == "clip.mp4"
    # Described for staff, the row names the demo playlists that use it, in the site's zone.
    [described] = describe_media(instance, [row])
    assert described.used_by == ["constitution-week", "daytime", "evening"]
    assert described.created_at.utcoffset() == EIGHT_HOURS
    # On the wire every key is there, null or not, and the times are to the second.
    wire = json_values(described)
    assert wire["withdrawn_at"] is None and wire["unit"] is None and wire["topics"] == []
    assert wire["created_at"] == described.created_at.isoformat(timespec="seconds")
    assert wire["created_at"].endswith("+08:00")
