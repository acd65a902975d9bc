"""Playlists: the list, and an editor with a structured form and a YAML tab."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.config.forms import item_at_line, item_lines, playlist_model, playlist_yaml
from signage.config.model import DEFAULT_SECONDS, web_address
from signage.db import now
from signage.edits.saving import (
    Held,
    check_file,
    delete_playlist,
    playlist_file,
    playlist_summaries,
    read_version,
    save_file,
)
from signage.errors import SignageError
from signage.media.library import ready_media
from signage.phrases import N_
from signage.programme.qr import qr_svg
from signage.units import check_readable, visible_playlists
from signage.web.admin.base import bp
from signage.web.admin.issue_words import issue_text
from signage.web.admin.overview import MEDIA_URL
from signage.web.admin.reviews import flash_saved, my_draft
from signage.web.admin.schedule_words import item_warnings, off_air_warning
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import NewPlaylistForm, NoFields, PlaylistCheck, takes_form


def media_choices() -> dict[str, list[dict[str, Any]]]:
    """Ready clips and posters of the library, for the editor's pickers."""
    choices: dict[str, list[dict[str, Any]]] = {"clip": [], "image": []}
    for media_id, row in sorted(ready_media(parts().store).items()):
        kind = "clip" if row["kind"] == "video" else "image"
        choices[kind].append(
            {
                "id": media_id,
                "title": row["title"] or media_id,
                "duration": row["duration"],
                "thumbnail": MEDIA_URL + row["thumbnail"] if row["thumbnail"] else None,
            }
        )
    return choices


@bp.get("/playlists")
def playlists_list() -> Any:
    """Every playlist with its name and item count, and a form to make a new one."""
    instance = parts()
    summaries = visible_playlists(
        staff_user(), instance.state.current, playlist_summaries(instance)
    )
    return render_template("admin/playlists.html", playlists=summaries)


@bp.post("/playlists")
@takes_form(NewPlaylistForm)
def playlists_create(form: NewPlaylistForm) -> Any:
    """Create an empty playlist and open it in the editor."""
    playlist_id = form.id.strip()
    text = playlist_yaml({"name": form.name, "items": []})
    saved = save_file(
        parts(),
        playlist_file(playlist_id),
        text.encode(),
        if_match=None,
        author=staff_user(),
        action="create",
    )
    if isinstance(saved, Held):
        flash_saved(saved, "")
        return redirect(url_for("admin.reviews_page"))
    return redirect(url_for("admin.playlists_edit", playlist_id=playlist_id))


@bp.post("/playlists/<playlist_id>/delete")
@takes_form(NoFields)
def playlists_delete(playlist_id: str) -> Any:
    """Delete a playlist that no rule uses (refused with the reason otherwise)."""
    delete_playlist(parts(), playlist_id, if_match=None, author=staff_user())
    flash(_("Playlist %(id)s deleted; its text stays in the history.", id=playlist_id))
    return redirect(url_for("admin.playlists_list"))


@bp.get("/playlists/<playlist_id>")
def playlists_edit(playlist_id: str) -> Any:
    """The editor: the file's text and ETag, its model for the form, the media to pick from."""
    check_readable(staff_user(), parts().state.current, playlist_file(playlist_id))
    version = read_version(parts().settings.playlists_dir, playlist_file(playlist_id))
    text = version.content.decode("utf-8", errors="replace")
    draft = my_draft(version.name, version.etag)
    if draft is not None:  # the author goes on from their draft, not from the file
        text = draft.pop("text")
    return render_template(
        "admin/playlist_edit.html",
        playlist_id=playlist_id,
        editor={
            "id": playlist_id,
            "yaml": text,
            "etag": version.etag,
            "model": playlist_model(text),
            "media": media_choices(),
            "save_url": url_for("api.put_playlist", playlist_id=playlist_id),
            "check_url": url_for("admin.playlists_check", playlist_id=playlist_id),
            "qr_url": url_for("admin.qr_image"),
            "review": draft,
            # How long a new item shows when the YAML leaves out seconds:.
            "default_seconds": DEFAULT_SECONDS,
        },
    )


@bp.get("/qr.svg")
def qr_image() -> Any:
    """A tip's QR code (?url=) as screens will draw it, for the form to show beside the field;
    422 for anything but an http(s) address (the form's check says why)."""
    try:
        url = web_address(request.args.get("url", ""))
    except ValueError:
        return Response(status=422)
    return Response(qr_svg(url), mimetype="image/svg+xml", headers={"Cache-Control": "private"})


@bp.post("/playlists/<playlist_id>/check")
@takes_form(PlaylistCheck)
def playlists_check(playlist_id: str, form: PlaylistCheck) -> Any:
    """As staff type: {"yaml"} or {"playlist"} in; the YAML, its issues and the model out."""
    body = form
    if body.playlist is not None:
        try:
            # The text the form was read from, so its comments and layout are kept.
            text = playlist_yaml(body.playlist.model_dump(), body.base)
        except (TypeError, ValueError):
            raise SignageError(
                N_("the playlist form could not be read; reload the page and try again"),
                code="bad_form",
            ) from None
    else:
        text = body.yaml or ""
    name = playlist_file(playlist_id)
    config, issues = check_file(parts().settings.playlists_dir, name, text.encode())
    starts = item_lines(text)
    return {
        "yaml": text,
        # Each issue also names the item it is in, so the form can show it beside that item.
        "issues": [
            {**issue.to_dict(), "text": issue_text(issue), "item": item_at_line(starts, issue.line)}
            for issue in issues
            if issue.file == name
        ],
        # Dated items that will not play on some of their days, worked out by the schedule.
        "unplayed": item_warnings(config, playlist_id)
        if config is not None and playlist_id in config.playlists
        else [],
        # A playlist that higher rules (or no rule) keep off the screens for days: until when.
        "off_air": off_air_warning(config, playlist_id, now())
        if config is not None and playlist_id in config.playlists
        else None,
        "others": sum(1 for i in issues if i.file != name and i.severity == "error"),
        "playlist": playlist_model(text),
    }
