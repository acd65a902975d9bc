"""A clip's captions: upload (.srt or .vtt, UTF-8 or GBK), approve when held, remove."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.edits.review import decide_captions
from signage.media import library
from signage.media.captions import CAPTIONS_LARGEST, attach_captions
from signage.units import check_media
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.auth import staff_required, staff_user
from signage.web.bodies import Decision
from signage.web.context import parts
from signage.web.small_files import small_upload


class Captions(BaseModel):
    """A clip's captions on the screens, and those held for a reviewer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    captions_url: str | None
    captions_pending_url: str | None  # held for review, not yet on screens


def _answer(media_id: str) -> Captions:
    """The clip's captions on the screens, and those waiting for a reviewer."""
    signage = parts()
    row = library.media_row(signage.store, media_id)
    url = signage.screens.media_url
    return Captions(
        id=media_id,
        captions_url=url + row["captions"] if row["captions"] else None,
        captions_pending_url=url + row["captions_pending"] if row["captions_pending"] else None,
    )


@bp.post("/media/<media_id>/captions")
@staff_required()
@answers(Captions)
@answers(Captions, status=202)
def upload_captions(media_id: str) -> Any:
    """Store the clip's captions as WebVTT; screens show them from the next poll, or, with
    review on, once a reviewer approves them (202)."""
    signage = parts()
    row = library.media_row(signage.store, media_id)  # 404 before reading the body
    check_media(staff_user(), signage.state.current, row)
    content, filename = small_upload(CAPTIONS_LARGEST)
    who = staff_user()
    held = bool(signage.settings.review)
    attach_captions(
        signage.store,
        signage.settings.media_dir,
        media_id,
        content,
        filename,
        held_by=who.name if held else None,
    )
    signage.screens.invalidate()
    audit(signage.store, who, "media.captions", media_id, {"name": filename[:200], "held": held})
    return _answer(media_id), 202 if held else 200


@bp.post("/media/<media_id>/captions/approve")
@staff_required()
@answers(Captions)
def approve_captions(media_id: str) -> Any:
    """Put held captions on the screens: `{"version"}` as GET /media/<id> named the held
    file (`captions_pending_url`'s last part); reviewers and admins, never their uploader."""
    body = parse_body(Decision)
    decide_captions(parts(), media_id, staff_user(), body.version, approved=True)
    return _answer(media_id)


@bp.delete("/media/<media_id>/captions")
@staff_required()
@answers(Captions)
def delete_captions(media_id: str) -> Any:
    """The clip plays without captions from the next poll; held ones are dropped too."""
    signage = parts()
    row = library.media_row(signage.store, media_id)
    check_media(staff_user(), signage.state.current, row)
    library.set_captions(signage.store, media_id, None)
    for name in (row["captions"], row["captions_pending"]):
        if name and not library.file_in_use(signage.store, name):
            (library.files_folder(signage.settings.media_dir) / name).unlink(missing_ok=True)
    signage.screens.invalidate()
    audit(signage.store, staff_user(), "media.captions_removed", media_id)
    return _answer(media_id)
