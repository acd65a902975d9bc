"""The media library: upload several files at once, follow their preparation, preview, delete.

Uploads, progress and deletion go to the media API from the page's script; this view lists.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from signage.media import library
from signage.web.admin.base import bp
from signage.web.context import parts
from signage.web.media_json import describe_media

# The preparation's refusals (stable codes) in the staff's words.
REFUSAL_TEXT = {
    "empty_file": _l("The file is empty (0 bytes): the copy did not finish. Try again."),
    "not_media": _l("This is not a video or picture, or the file is damaged."),
    "no_video_stream": _l("The file has sound but no picture. Upload a video or a picture."),
    "damaged": _l("The file is damaged: it breaks off before the end. Copy it again."),
    "too_long": _l("The clip is longer than the longest allowed."),
    "not_video": _l("This is a picture, not a video."),
    "not_image": _l("This is a video, not a picture."),
    "disk_full": _l("The server's disk is full. Ask the administrator."),
    "too_large": _l("The file is larger than the upload limit."),
    "bad_upload": _l("The upload broke off. Try again."),
    "bad_captions": _l(
        "The captions file could not be read. Upload an .srt or .vtt file (UTF-8 or GBK)."
    ),
    "not_a_clip": _l("Only clips take captions."),
}


def _matches(row: dict[str, Any], words: str) -> bool:
    text = " ".join(str(row.get(k) or "") for k in ("id", "title", "original_name")).lower()
    return all(word in text for word in words.lower().split())


@bp.get("/media")
def media_page() -> Any:
    """Every clip and picture (filtered by ?q=), with status, size, use and preview."""
    instance = parts()
    query = request.args.get("q", "").strip()
    rows = [row for row in library.all_media(instance.store) if not query or _matches(row, query)]
    media = describe_media(instance, rows)
    return render_template(
        "admin/media.html",
        media=media,
        query=query,
        refusals={code: str(text) for code, text in REFUSAL_TEXT.items()},
        upload_url=url_for("api.upload_media"),
    )
