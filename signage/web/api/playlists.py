"""Staff edit playlists as YAML text: list, read, create, replace, delete."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from pydantic import BaseModel, ConfigDict

from signage.edits.saving import (
    Held,
    PlaylistSummary,
    Saved,
    delete_playlist,
    playlist_file,
    playlist_summaries,
    read_version,
    save_file,
)
from signage.errors import Invalid
from signage.phrases import N_
from signage.units import check_readable, visible_playlists
from signage.web.answers import answers
from signage.web.api.base import bp
from signage.web.api.documents import YamlFile, file_answer, if_match, saved_answer, yaml_body
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts


class PlaylistList(BaseModel):
    """Every playlist file the caller may read."""

    model_config = ConfigDict(extra="forbid")

    playlists: list[PlaylistSummary]


class PlaylistDeleted(BaseModel):
    """The playlist deleted, and the revision that records it."""

    model_config = ConfigDict(extra="forbid")

    deleted: str
    revision: int


@bp.get("/playlists")
@staff_required()
@answers(PlaylistList)
def list_playlists() -> Any:
    """Every playlist file (a unit's people: the county's and their unit's) with its display
    name, item count (when it loaded) and unit."""
    instance = parts()
    summaries = playlist_summaries(instance)
    return PlaylistList(
        playlists=visible_playlists(staff_user(), instance.state.current, summaries)
    )


@bp.post("/playlists")
@staff_required()
@answers(Saved, status=201)
@answers(Held, status=202)
def create_playlist() -> Any:
    """A new playlist: YAML body with ?id=, or JSON {"id", "yaml"}; 409 when it exists."""
    content, body_id = yaml_body()
    playlist_id = body_id or request.args.get("id")
    if not playlist_id:
        raise Invalid(
            N_('name the new playlist: ?id=<playlist-id> or "id" in the JSON body'),
            code="missing_id",
        )
    saved = save_file(
        parts(),
        playlist_file(playlist_id),
        content,
        if_match=None,
        author=staff_user(),
        action="create",
    )
    answer, status, headers = saved_answer(saved, 201)
    location = url_for("api.get_playlist", playlist_id=playlist_id)
    return answer, status, {**headers, "Location": location}


@bp.get("/playlists/<playlist_id>")
@staff_required()
@answers(YamlFile)
def get_playlist(playlist_id: str) -> Any:
    """The playlist's YAML text exactly as stored, with its ETag."""
    instance = parts()
    name = playlist_file(playlist_id)
    check_readable(staff_user(), instance.state.current, name)
    return file_answer(read_version(instance.settings.playlists_dir, name))


@bp.put("/playlists/<playlist_id>")
@staff_required()
@answers(Saved)
@answers(Held, status=202)
def put_playlist(playlist_id: str) -> Any:
    """Replace the playlist's text: validated, If-Match checked, written atomically."""
    content, _ = yaml_body()
    saved = save_file(
        parts(),
        playlist_file(playlist_id),
        content,
        if_match=if_match(),
        author=staff_user(),
        action="save",
    )
    return saved_answer(saved)


@bp.delete("/playlists/<playlist_id>")
@staff_required()
@answers(PlaylistDeleted)
def remove_playlist(playlist_id: str) -> Any:
    """Delete a playlist no rule uses; the last text stays in its history."""
    revision = delete_playlist(parts(), playlist_id, if_match=if_match(), author=staff_user())
    return PlaylistDeleted(deleted=playlist_id, revision=revision)
