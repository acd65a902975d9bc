"""What screens call: their manifest, heartbeats and proof of play."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from pydantic import BaseModel, ConfigDict

from signage.config.when import PreciseTime, iso
from signage.db import now
from signage.programme.manifest import Manifest
from signage.screens.plays import PlaysStored, store_plays
from signage.screens.snapshots import (
    MAX_SNAPSHOT_BYTES,
    Request,
    store_snapshot,
    take_requests,
)
from signage.screens.status import KioskStatus, kiosk_status, offline_silence, record_heartbeat
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.auth import screen_key_from_request
from signage.web.bodies import Heartbeat, PlayBatch
from signage.web.context import parts
from signage.web.small_files import small_body


def screen_key_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: 404 for an unknown screen, 403 unless the request carries its key."""

    @functools.wraps(view)
    def wrapper(screen_id: str, **kwargs: Any) -> Any:
        parts().screens.verify_key(screen_id, screen_key_from_request())
        return view(screen_id, **kwargs)

    return wrapper


class ManifestAnswer(Manifest):
    """What the screen plays for the next hours, and the server's time to set its clock by."""

    server_time: PreciseTime


@bp.get("/screens/<screen_id>/manifest")
@screen_key_required
@answers(ManifestAnswer)
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
    # The manifest as cached, worded once when it was built; the time worded as PreciseTime.
    response = jsonify({**cached.body, "server_time": iso(moment, zone, precise=True)})
    response.headers.update(headers)
    return response


class HeartbeatAnswer(BaseModel):
    """Noted; the server's time, and what staff asked of the screen since its last beat."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: bool
    server_time: PreciseTime  # the screen sets its clock by it
    requests: list[Request]


class SnapshotStored(BaseModel):
    """The screen's picture, kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    screen: str
    taken_at: PreciseTime


@bp.post("/screens/<screen_id>/heartbeat")
@screen_key_required
@answers(HeartbeatAnswer)
def heartbeat(screen_id: str) -> Any:
    """A screen says it is alive and what it plays; 422 naming each field of a wrong type."""
    beat = parse_body(Heartbeat)
    signage = parts()
    service = signage.screens
    record_heartbeat(
        service.store,
        screen_id,
        {**beat.stored(), "address": (request.remote_addr or "")[:64]},
        now(),
        offline_silence(service.config(), signage.settings.offline_after_polls),
    )
    # What staff asked of the screen ("snapshot", "reload"): it acts on it at once.
    requests = take_requests(service.store, screen_id)
    return HeartbeatAnswer(ok=True, server_time=now(), requests=requests)


@bp.get("/screens/<screen_id>/status")
@screen_key_required
@answers(KioskStatus)
def own_status(screen_id: str) -> Any:
    """For the screen's kiosk watchdog: does its page report, should its panel be on."""
    signage = parts()
    config = signage.screens.config()
    return kiosk_status(
        config, signage.store, screen_id, now(), signage.settings.offline_after_polls
    )


@bp.put("/screens/<screen_id>/snapshot")
@screen_key_required
@answers(SnapshotStored, status=201)
def put_snapshot(screen_id: str) -> Any:
    """A screen sends a picture of what it shows (image/jpeg, at most 512 KB)."""
    jpeg = small_body(MAX_SNAPSHOT_BYTES, "image/jpeg")
    taken = store_snapshot(parts().store, screen_id, jpeg, now())
    return SnapshotStored(screen=screen_id, taken_at=taken.taken_at), 201


@bp.post("/screens/<screen_id>/plays")
@screen_key_required
@answers(PlaysStored)
def plays(screen_id: str) -> Any:
    """Store a batch of proof-of-play records; a retried batch counts once."""
    batch = parse_body(PlayBatch)
    signage = parts()
    return store_plays(
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
                "zone": p.zone,
            }
            for p in batch.plays
        ],
    )
