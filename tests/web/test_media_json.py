"""The JSON shape of a media row, shared by the API and the media page."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from signage.media import library
from signage.web.media_json import describe_media, media_json


def test_the_api_shape_of_a_row(app: Flask) -> None:
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

    shown = media_json(row, "/media/files/", ["daytime"], dt.timezone(dt.timedelta(hours=8)))

    assert shown["status"] == "queued" and shown["url"] is None and shown["used_by"] == ["daytime"]
    assert shown["created_at"].endswith("+08:00")
    assert shown["original_name"] == "clip.mp4"
    # Described for staff, the row names the demo playlists that use it, in the site's zone.
    [described] = describe_media(instance, [row])
    assert described["used_by"] == ["constitution-week", "daytime", "evening"]
    assert described["created_at"].endswith("+08:00")
