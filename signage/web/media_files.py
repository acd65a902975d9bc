"""Prepared media files: immutable, content-named, cacheable forever, with Range support.

Screens authenticate with their key (the display page sets it as a cookie, which <video>
and the service worker send); staff with their session or token.

Behind nginx, set SIGNAGE_MEDIA_ACCEL_REDIRECT (for example /protected-media/) and the app
only answers with an X-Accel-Redirect header; nginx then sends the file itself.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, send_file

from signage.errors import NotFound, Unauthorized
from signage.media.library import files_folder
from signage.phrases import N_
from signage.web.auth import current_user, screen_key_from_request
from signage.web.context import parts

bp = Blueprint("media_files", __name__, url_prefix="/media/files")

NAME = re.compile(r"^[0-9a-f]{16}(?:\.thumb)?\.(?:mp4|jpg|png|vtt)$")
# Not in every system's MIME table; Chromium wants it to read a caption track.
CAPTIONS_TYPE = "text/vtt; charset=utf-8"
# private: the files need a screen key or a staff sign-in, so shared caches must not keep them.
FOREVER = "private, max-age=31536000, immutable"


@bp.get("/<name>")
def media_file(name: str) -> Any:
    """One prepared file or thumbnail; 206 for a Range, 304 for a matching If-None-Match."""
    signage = parts()
    if not signage.screens.is_some_screens_key(screen_key_from_request()) and not current_user():
        raise Unauthorized(
            N_("media files are for screens and signed-in staff; sign in first"),
            code="media_needs_key",
        )
    path = files_folder(signage.settings.media_dir) / name
    if not NAME.match(name) or not path.is_file():
        raise NotFound(N_("there is no media file {name!r}"), name=name[:40])
    return send_media_file(path, FOREVER)


def send_media_file(path: Path, cache_control: str) -> Response:
    """A content-named file: its name is the ETag; 206 for a Range; nginx sends it when
    MEDIA_ACCEL_REDIRECT is set."""
    name = path.name
    accel = parts().settings.media_accel_redirect
    if accel:
        response = Response(status=200, mimetype=_type_of(name))
        response.headers["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
        response.set_etag(name)
    else:
        # The name is the content's hash, so it is a strong ETag by itself.
        response = send_file(
            path, mimetype=_type_of(name), etag=name, conditional=True, max_age=31536000
        )
    response.headers["Cache-Control"] = cache_control
    return response


def _type_of(name: str) -> str | None:
    return CAPTIONS_TYPE if name.endswith(".vtt") else mimetypes.guess_type(name)[0]
