"""The media rows as staff see them (the API and the media page), from the running instance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from signage.media.listing import Media, media_entry
from signage.parts import Signage


def used_by(instance: Signage) -> dict[str, list[str]]:
    """Media id -> the playlists naming it, in the configuration being served."""
    config = instance.state.current
    if config is None:
        return {}
    return {media_id: sorted(names) for media_id, names in config.media_ids().items()}


def describe_media(instance: Signage, rows: Iterable[dict[str, Any]]) -> list[Media]:
    """The rows as staff see them, times in the site's zone, each with the playlists using it."""
    config = instance.state.current
    zone = config.site.zone if config is not None else dt.UTC
    uses = used_by(instance)
    url = instance.screens.media_url
    return [media_entry(row, url, uses.get(row["id"], []), zone) for row in rows]
