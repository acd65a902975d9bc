"""The media library: upload clips and pictures, follow their preparation, delete unused ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from flask import request, url_for
from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.db import Store
from signage.edits.review import approve_upload
from signage.errors import Forbidden
from signage.media import library
from signage.media.listing import Media
from signage.media.uploads import (
    FieldCheck,
    ReceivedUpload,
    check_disk_space,
    receive_multipart,
    too_large,
)
from signage.parts import Signage
from signage.phrases import N_
from signage.units import check_media, check_media_delete, upload_unit
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.auth import staff_required, staff_user
from signage.web.bodies import MediaChange
from signage.web.context import parts
from signage.web.media_json import describe_media, used_by

FORM_SLACK = 64 * 1024  # multipart headers and small fields around the file


class MediaQueued(BaseModel):
    """An upload received, its preparation queued."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    status: Literal["queued"]


class MediaList(BaseModel):
    """Every clip and picture of the library, newest first."""

    model_config = ConfigDict(extra="forbid")

    media: list[Media]


class MediaDeleted(BaseModel):
    """The media deleted, by id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    deleted: Literal[True]


def streamed_upload(signage: Signage, check_fields: FieldCheck | None = None) -> ReceivedUpload:
    """The form's file streamed into the uploads folder (up to MAX_UPLOAD_MB; 413 past it,
    507 when the disk cannot hold it)."""
    limit = signage.settings.max_upload_mb * 1024 * 1024
    folder = library.uploads_folder(signage.settings.media_dir)
    if (request.content_length or 0) > limit + FORM_SLACK:
        raise too_large(limit)
    check_disk_space(folder, request.content_length or 0)
    request.max_content_length = limit + FORM_SLACK  # the API's small body limit is for JSON
    return receive_multipart(
        request.stream,
        request.headers.get("Content-Type"),
        folder,
        limit_bytes=limit,
        check_fields=check_fields,
    )


def _check_fields(store: Store, fields: dict[str, str]) -> None:
    """The id and title sent before the file, refused before the file is read."""
    library.check_media_id(store, fields.get("id"))
    if fields.get("title"):
        library.check_title(fields["title"])


@bp.post("/media")
@staff_required()
@answers(MediaQueued, status=202)
def upload_media() -> Any:
    """Receive a file streamed to disk and queue its preparation; 202 with id and status."""
    signage = parts()
    upload = streamed_upload(signage, lambda fields: _check_fields(signage.store, fields))
    user = staff_user()
    try:
        topics = library.checked_topics(
            (upload.fields.get("topics") or "").split(","), _declared_topics()
        )
        media_id = library.new_media_id(
            signage.store, upload.fields.get("id") or None, upload.original_name
        )
        library.enqueue(
            signage.store,
            media_id,
            upload=upload.path.name,
            original_name=upload.original_name,
            title=upload.fields.get("title"),
            created_by=user.name,
            approved=not signage.settings.review,
            topics=topics,
            unit=upload_unit(user),
        )
    except BaseException:
        upload.path.unlink(missing_ok=True)
        raise
    audit(
        signage.store,
        user,
        "media.upload",
        media_id,
        {"name": upload.original_name, "bytes": upload.size},
    )
    location = url_for("api.get_media", media_id=media_id)
    return MediaQueued(id=media_id, status=library.QUEUED), 202, {"Location": location}


@bp.get("/media")
@staff_required()
@answers(MediaList)
def list_media() -> Any:
    """Every clip and picture of the library, newest first."""
    instance = parts()
    return MediaList(media=describe_media(instance, library.all_media(instance.store)))


@bp.get("/media/<media_id>")
@staff_required()
@answers(Media)
def get_media(media_id: str) -> Any:
    """One clip or picture: its preparation status, progress or error, and its size."""
    instance = parts()
    return describe_media(instance, [library.media_row(instance.store, media_id)])[0]


@bp.patch("/media/<media_id>")
@staff_required()
@answers(Media)
def change_media(media_id: str) -> Any:
    """Change a clip's or picture's title, 普法 topics (declared in site.yaml only) or, for
    admins, whether it is offered to subscribing courts in the feed (``published``)."""
    instance = parts()
    change = parse_body(MediaChange)
    user = staff_user()
    if change.published is not None and user.role != "admin":
        raise Forbidden(N_("only an admin publishes media to other courts; ask an administrator"))
    # 404 before any change; a unit's people change only their unit's uploads
    check_media(user, instance.state.current, library.media_row(instance.store, media_id))
    if change.published is not None:
        library.set_published(instance.store, media_id, change.published)
        audit(instance.store, user, "media.publish", media_id, {"published": change.published})
    if change.topics is not None:
        topics = library.checked_topics(change.topics, _declared_topics())
        library.set_topics(instance.store, media_id, topics)
        audit(instance.store, staff_user(), "media.topics", media_id, {"topics": topics})
    if change.title is not None:
        library.set_title(instance.store, media_id, change.title)
        audit(instance.store, staff_user(), "media.title", media_id, {"title": change.title})
    instance.screens.invalidate()
    return describe_media(instance, [library.media_row(instance.store, media_id)])[0]


def _declared_topics() -> dict[str, str]:
    """The topics site.yaml declares (503 while no configuration has loaded)."""
    return parts().screens.config().site_file.topics


@bp.post("/media/<media_id>/approve")
@staff_required()
@answers(Media)
def approve_media(media_id: str) -> Any:
    """Let screens play an upload held for review (reviewers and admins, not its uploader)."""
    instance = parts()
    row = approve_upload(instance, media_id, staff_user())
    return describe_media(instance, [row])[0]


@bp.delete("/media/<media_id>")
@staff_required()
@answers(MediaDeleted)
def delete_media(media_id: str) -> Any:
    """Delete media no playlist uses (409 naming the playlists that do): admins any, a
    unit's editors their unit's uploads."""
    signage = parts()
    config = signage.screens.config()  # 503 while no configuration tells what uses what
    check_media_delete(staff_user(), config, lambda: library.media_row(signage.store, media_id))
    row = library.remove_media(signage.store, media_id, used_by(signage).get(media_id, []))
    media_dir = signage.settings.media_dir
    # Identical uploads share one content-named file; it goes with the last one using it.
    for name in (row["file"], row["thumbnail"], row["captions"]):
        if name and not library.file_in_use(signage.store, name):
            (library.files_folder(media_dir) / name).unlink(missing_ok=True)
    if row["upload"]:
        (library.uploads_folder(media_dir) / Path(row["upload"]).name).unlink(missing_ok=True)
    signage.screens.invalidate()
    audit(signage.store, staff_user(), "media.delete", media_id)
    return MediaDeleted(id=media_id, deleted=True)
