"""A clip's captions: upload (.srt or .vtt, UTF-8 or GBK) and remove."""

from __future__ import annotations

from typing import Any

from signage.accounts.audit import audit
from signage.media import library
from signage.media.captions import CAPTIONS_LARGEST, attach_captions
from signage.units import check_media
from signage.web.api.base import bp
from signage.web.auth import current_user, staff_required
from signage.web.context import parts
from signage.web.small_files import small_upload


@bp.post("/media/<media_id>/captions")
@staff_required()
def upload_captions(media_id: str) -> Any:
    """Store the clip's captions as WebVTT; screens show them from the next poll."""
    signage = parts()
    row = library.media_row(signage.store, media_id)  # 404 before reading the body
    check_media(current_user() or {}, signage.state.current, row)
    content, filename = small_upload(CAPTIONS_LARGEST)
    name = attach_captions(
        signage.store, signage.settings["MEDIA_DIR"], media_id, content, filename
    )
    signage.screens.invalidate()
    audit(signage.store, current_user(), "media.captions", media_id, {"name": filename[:200]})
    return {"id": media_id, "captions_url": signage.screens.media_url + name}


@bp.delete("/media/<media_id>/captions")
@staff_required()
def delete_captions(media_id: str) -> Any:
    """The clip plays without captions from the next poll."""
    signage = parts()
    row = library.media_row(signage.store, media_id)
    check_media(current_user() or {}, signage.state.current, row)
    library.set_captions(signage.store, media_id, None)
    if row["captions"] and not library.file_in_use(signage.store, row["captions"]):
        (library.files_folder(signage.settings["MEDIA_DIR"]) / row["captions"]).unlink(
            missing_ok=True
        )
    signage.screens.invalidate()
    audit(signage.store, current_user(), "media.captions_removed", media_id)
    return {"id": media_id, "captions_url": None}
