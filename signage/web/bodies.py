"""The JSON bodies the API accepts, as pydantic models: the views validate requests with
them, and the OpenAPI document's request schemas are generated from them, so the two
cannot drift apart."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from signage.accounts.users import MAX_PASSWORD
from signage.config.folder import MAX_FILE_BYTES
from signage.config.model import SLUG
from signage.config.when import supported_date
from signage.edits.review import MAX_COMMENT
from signage.screens.alerts import MAX_TEXT
from signage.screens.heartbeat import Heartbeat

MAX_PLAYS_PER_BATCH = 1000
ITEM_KEY = r"^[a-z0-9][a-z0-9_-]{0,63}#[0-9]{1,5}$"  # <playlist-id>#<index>, as in manifests


class Login(BaseModel):
    """Name and password of a staff account, for a browser session."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD)]


class YamlDocument(BaseModel):
    """The JSON form of a body: {"yaml": "...text..."}, plus the id when creating."""

    model_config = ConfigDict(extra="forbid")

    yaml: Annotated[str, Field(max_length=MAX_FILE_BYTES)]
    id: Annotated[str, Field(max_length=64)] | None = None


class NewAlert(BaseModel):
    """An urgent message: its text, the screens or groups (or "all"), when it ends."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=MAX_TEXT * 4)]
    screens: (
        Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=100)]
        | Literal["all"]
    )
    until: dt.datetime


class Decision(BaseModel):
    """A reviewer's word on a draft: a comment (required to reject) and, to approve, the
    draft's `version` as the review showed it."""

    model_config = ConfigDict(extra="forbid")

    comment: Annotated[str, Field(max_length=MAX_COMMENT)] | None = None
    version: Annotated[str, Field(max_length=64)] | None = None


class Play(BaseModel):
    """One proof-of-play record, with an id the screen made (a retry counts once)."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    item: Annotated[str, Field(max_length=80, pattern=ITEM_KEY)]
    type: Literal["video", "image", "tip", "hearings"]
    media: Annotated[str, Field(max_length=64, pattern=SLUG.pattern)] | None = None
    started_at: dt.datetime
    seconds: Annotated[float, Field(ge=0, le=24 * 3600)]
    # The layout's zone beside the main one it played in; left out: the main zone.
    zone: Annotated[str, Field(max_length=32, pattern=SLUG.pattern)] | None = None

    @field_validator("started_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("started_at needs a time zone offset, like 2026-12-01T08:30:00+08:00")
        supported_date(value.date())
        return value


class MediaChange(BaseModel):
    """What staff change about one clip or picture; each field left out stays as it was."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    topics: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=20)]
        | None
    ) = None
    published: bool | None = None  # offered in the published feed (admins only)


class PlayBatch(BaseModel):
    """A batch of proof-of-play records."""

    model_config = ConfigDict(extra="forbid")

    plays: Annotated[list[Play], Field(max_length=MAX_PLAYS_PER_BATCH)]


# Every request body of the API, by the name the OpenAPI document gives its schema.
MediaOrPlaylistId = Annotated[str, Field(pattern=SLUG.pattern)]


class PackageExport(BaseModel):
    """What a content package carries: media, and playlists with the media they name."""

    model_config = ConfigDict(extra="forbid")

    media: Annotated[list[MediaOrPlaylistId], Field(max_length=500)] = []
    playlists: Annotated[list[MediaOrPlaylistId], Field(max_length=500)] = []


REQUEST_BODIES: tuple[type[BaseModel], ...] = (
    Login,
    YamlDocument,
    NewAlert,
    Decision,
    Heartbeat,
    PlayBatch,
    PackageExport,
    MediaChange,
)
