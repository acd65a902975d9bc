"""What screens call: their manifest, heartbeats and proof of play."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal

from flask import Response, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from signage.config.model import SLUG
from signage.config.when import iso
from signage.db import now
from signage.screens.plays import store_plays
from signage.screens.status import record_heartbeat
from signage.web.api.base import bp, parse_body
from signage.web.auth import screen_key_from_request
from signage.web.context import parts

MAX_PLAYS_PER_BATCH = 1000
ITEM_KEY = r"^[a-z0-9][a-z0-9_-]{0,63}#[0-9]{1,5}$"  # <playlist-id>#<index>, as in manifests


def screen_key_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: 404 for an unknown screen, 403 unless the request carries its key."""

    @functools.wraps(view)
    def wrapper(screen_id: str, **kwargs: Any) -> Any:
        parts().screens.verify_key(screen_id, screen_key_from_request())
        return view(screen_id, **kwargs)

    return wrapper


@bp.get("/screens/<screen_id>/manifest")
@screen_key_required
def manifest(screen_id: str) -> Any:
    """Everything the screen plays for the next day and a half, with an ETag."""
    service = parts().screens
    moment = now()
    cached = service.manifest(screen_id, moment)
    headers = {"ETag": f'W/"{cached.etag}"', "Cache-Control": "no-cache"}
    # Nearly every poll repeats the tag it was given: compare the header text before parsing.
    sent = request.headers.get("If-None-Match", "")
    if sent == headers["ETag"] or (sent and request.if_none_match.contains_weak(cached.etag)):
        return Response(status=304, headers=headers)
    zone = service.config().site.zone
    response = jsonify({**cached.body, "server_time": iso_ms(moment.astimezone(zone))})
    response.headers.update(headers)
    return response


def iso_ms(moment: dt.datetime) -> str:
    """ISO-8601 with milliseconds, for the screen's clock correction."""
    return moment.isoformat(timespec="milliseconds")


class Heartbeat(BaseModel):
    model_config = ConfigDict(extra="ignore")

    now_playing: dict[str, Any] | None = None
    player_version: Annotated[str, Field(max_length=64)] | None = None
    last_error: Annotated[str, Field(max_length=2000)] | None = None
    cache: dict[str, Any] | None = None


@bp.post("/screens/<screen_id>/heartbeat")
@screen_key_required
def heartbeat(screen_id: str) -> Any:
    """A screen says it is alive and what it plays."""
    beat = parse_body(Heartbeat)
    service = parts().screens
    record_heartbeat(
        service.store,
        screen_id,
        {
            **beat.model_dump(),
            "address": (request.remote_addr or "")[:64],
        },
    )
    return {"ok": True, "server_time": iso_ms(now())}


class Play(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    item: Annotated[str, Field(max_length=80, pattern=ITEM_KEY)]
    type: Literal["video", "image", "tip", "hearings"]
    media: Annotated[str, Field(max_length=64, pattern=SLUG.pattern)] | None = None
    started_at: dt.datetime
    seconds: Annotated[float, Field(ge=0, le=24 * 3600)]

    @field_validator("started_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("started_at needs a time zone offset, like 2026-12-01T08:30:00+08:00")
        return value


class PlayBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plays: Annotated[list[Play], Field(max_length=MAX_PLAYS_PER_BATCH)]


@bp.post("/screens/<screen_id>/plays")
@screen_key_required
def plays(screen_id: str) -> Any:
    """Store a batch of proof-of-play records; a retried batch counts once."""
    batch = parse_body(PlayBatch)
    signage = parts()
    result = store_plays(
        signage.store,
        signage.screens.config(),
        screen_id,
        [
            {
                "client_id": p.id,
                "item_key": p.item,
                "item_type": p.type,
                "media_id": p.media,
                "started_at": p.started_at,
                "seconds": p.seconds,
            }
            for p in batch.plays
        ],
    )
    return {**result, "server_time": iso(now())}
