"""What a screen reports in its heartbeat, as typed models with bounds: one parse for the
body a screen sends and for the row read back, so nothing stored can break a page.

Fields a player sends that the server does not know are ignored, never refused: players in
the field run for weeks on whatever version they loaded, and one newer or older than the
server must go on reporting. A new field is one line in the model it belongs to.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

log = logging.getLogger("signage.screens")

MOST_BYTES = 2**53  # what a JavaScript number counts exactly; far beyond any disk
MOST_FILES = 1_000_000
Count = Annotated[int, Field(ge=0, le=MOST_FILES)]
Bytes = Annotated[int, Field(ge=0, le=MOST_BYTES)]


def clipped(longest: int) -> BeforeValidator:
    """Text kept to its first `longest` characters: a player's long error message is worth
    keeping cut short, not worth refusing the whole heartbeat (the screen would look dark)."""
    return BeforeValidator(lambda value: value[:longest] if isinstance(value, str) else value)


Kind = Annotated[str, clipped(16)]
Id = Annotated[str, clipped(64)]
ItemKey = Annotated[str, clipped(80)]
Title = Annotated[str, clipped(200)]
Message = Annotated[str, clipped(2000)]
# what the player could not fetch: the first few, each cut short
Failures = Annotated[
    list[Annotated[str, clipped(300)]],
    BeforeValidator(lambda value: value[:20] if isinstance(value, list) else value),
]


class Report(BaseModel):
    """A part of a heartbeat: unknown fields ignored, known ones typed and bounded."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class NowPlaying(Report):
    """What the screen shows: an item of a segment, or idle, or an urgent message."""

    key: ItemKey | None = None
    type: Kind | None = None
    media: Id | None = None
    title: Title | None = None
    playlist: Id | None = None
    started_at: dt.datetime | None = None


class CacheReport(Report):
    """What the player keeps offline, and what it lacks for the next 24 hours."""

    service_worker: bool | None = None
    persisted: bool | None = None
    wanted: Count | None = None
    cached: Count | None = None
    lacking_files: Count | None = None
    queued_plays: Count | None = None
    held_bytes: Bytes | None = None
    lacking_bytes: Bytes | None = None
    download_rate: Bytes | None = None  # bytes a second over the latest downloads
    usage_bytes: Bytes | None = None
    quota_bytes: Bytes | None = None
    failed: Failures | None = None


class Engine(Report):
    """The browser engine a screen plays on: its Chromium version and the features it lacks."""

    chromium: Annotated[int, Field(ge=1, le=999)] | None = None
    lacks: Annotated[
        list[Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$")]], Field(max_length=20)
    ] = []


class UnplayableClip(Report):
    """A clip the screen's engine cannot play (it skips it), and what the engine said."""

    item: ItemKey
    media: Id | None = None
    title: Title | None = None
    reason: Title = ""


class Heartbeat(Report):
    """What a screen reports: what it plays, its player version, its last error, its cache,
    its engine and the clips that engine cannot play."""

    now_playing: NowPlaying | None = None
    player_version: Id | None = None
    last_error: Message | None = None
    cache: CacheReport | None = None
    engine: Engine | None = None
    unplayable: Annotated[list[UnplayableClip], Field(max_length=20)] = []

    def stored(self) -> dict[str, Any]:
        """The columns of the screen's status row (JSON-ready: times as ISO text); a field
        not sent clears its column, as the report is the screen's state now."""
        sent = self.model_dump(mode="json", exclude_none=True)
        return {name: sent.get(name) for name in type(self).model_fields}


R = TypeVar("R", bound=Report)


def read_back(model: type[R], value: Any) -> R | None:
    """A stored part of a heartbeat as the model allows it; None when it does not fit (a row
    written before the model, or by hand): the page shows nothing rather than failing. Its
    empty fields count as unset, so it is shown with only the fields it has."""
    if value is None:
        return None
    try:
        found = model.model_validate(value)
        return model.model_construct({k for k, v in found if v is not None}, **dict(found))
    except ValidationError:
        log.warning("a stored %s does not fit its model; shown as nothing", model.__name__)
        return None
