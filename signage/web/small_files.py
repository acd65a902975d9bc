"""Small uploaded files read whole (captions, hearing lists): size-checked before reading."""

from __future__ import annotations

from flask import request

from signage.errors import Invalid, SignageError
from signage.media.uploads import too_large
from signage.phrases import N_, Phrase

FORM_SLACK = 64 * 1024  # multipart headers and small fields around the file


def small_upload(limit_bytes: int) -> tuple[bytes, str]:
    """The form's `file` part as bytes and its file name (a name only: never a path we open).
    413 past the limit, 422 `no_file` without one."""
    if (request.content_length or 0) > limit_bytes + FORM_SLACK:
        raise too_large(limit_bytes)
    request.max_content_length = limit_bytes + FORM_SLACK
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(N_("the form has no file; send it in a field named file"), code="no_file")
    content = upload.stream.read(limit_bytes + 1)
    if len(content) > limit_bytes:
        raise too_large(limit_bytes)
    return content, upload.filename or ""


def small_body(limit_bytes: int, content_type: str) -> bytes:
    """The raw request body of this type (415 otherwise), read whole; 413 past the limit."""
    if request.mimetype != content_type:
        raise SignageError(
            N_("send the body as {wanted}, not {sent}"),
            code="unsupported_media_type",
            status=415,
            wanted=content_type,
            sent=request.mimetype or Phrase.of(N_("nothing")),
        )
    too_large = SignageError(
        N_("the body is larger than {kb} KB"),
        code="too_large",
        status=413,
        kb=limit_bytes // 1024,
    )
    if (request.content_length or 0) > limit_bytes:
        raise too_large
    content = request.stream.read(limit_bytes + 1)
    if len(content) > limit_bytes:
        raise too_large
    return content
