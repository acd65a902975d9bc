"""Receiving an uploaded file: multipart form data streamed to disk in chunks.

Memory stays flat whatever the file's size: each chunk read from the request goes through
werkzeug's incremental multipart decoder straight into a ``.partial-`` file, which is renamed
to a generated ASCII name only when the whole upload arrived.
"""

from __future__ import annotations

import errno
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from signage.errors import Invalid, SignageError
from signage.media.files import PARTIAL_PREFIX
from signage.phrases import N_

CHUNK = 256 * 1024
FIELD_LIMIT = 4096  # bytes of a text field (id, title)
# Room for preparation next to the upload: the prepared file is rarely larger than it.
SPARE_BYTES = 256 * 1024 * 1024


class UploadTooLarge(SignageError):
    code = "too_large"
    status = 413


class DiskFull(SignageError):
    code = "disk_full"
    status = 507


@dataclass(frozen=True)
class ReceivedUpload:
    path: Path
    original_name: str
    size: int
    fields: dict[str, str]


def too_large(limit_bytes: int) -> UploadTooLarge:
    """The refusal of a file over the size limit, naming the limit and its setting."""
    return UploadTooLarge(
        N_("the file is larger than the upload limit of {limit_mb} MB (the setting {setting})"),
        details={"limit_mb": limit_bytes // (1024 * 1024)},
        limit_mb=limit_bytes // (1024 * 1024),
        setting="SIGNAGE_MAX_UPLOAD_MB",
    )


def check_disk_space(folder: Path, incoming_bytes: int) -> None:
    """Refuse (507) an upload the disk cannot hold together with its prepared copy."""
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    needed = 2 * incoming_bytes + SPARE_BYTES
    if free < needed:
        raise DiskFull(
            N_(
                "not enough free disk space for this file: {free_mb} MB free, about "
                "{needed_mb} MB needed; delete unused media, or ask the administrator to add space"
            ),
            details={"free_mb": free // 2**20, "needed_mb": needed // 2**20},
            free_mb=free // 2**20,
            needed_mb=needed // 2**20,
        )


def stored_name(original_name: str) -> str:
    """A fresh ASCII file name keeping a plain extension (ffmpeg guesses some formats by it)."""
    suffix = Path(original_name).suffix.lower()
    return uuid.uuid4().hex + (suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else "")


FieldCheck = Callable[[dict[str, str]], None]


def receive_multipart(
    stream: BinaryIO,
    content_type: str | None,
    folder: Path,
    *,
    limit_bytes: int,
    check_fields: FieldCheck | None = None,
) -> ReceivedUpload:
    """Save the form's ``file`` part into ``folder``; its other small fields are returned.

    ``check_fields`` sees the fields sent before the file, so a wrong id is refused before
    a large file is received rather than after.
    """
    mimetype, options = parse_options_header(content_type or "")
    if mimetype != "multipart/form-data" or not options.get("boundary"):
        raise SignageError(
            N_(
                "send the file as multipart/form-data with a field named file; "
                "on a page, reload it and try again"
            ),
            code="not_multipart",
            status=415,
        )
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}"
    try:
        return _receive(
            stream, options["boundary"].encode(), folder, partial, limit_bytes, check_fields
        )
    except (ValueError, RequestEntityTooLarge):
        partial.unlink(missing_ok=True)
        raise Invalid(
            N_("the upload was cut off or is not valid form data; send it again"),
            code="bad_upload",
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFull(
                N_(
                    "the disk filled up while receiving the file; delete unused media, "
                    "or ask the administrator to add space"
                )
            ) from None
        raise
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _text(fields: dict[str, bytearray]) -> dict[str, str]:
    return {name: bytes(value).decode("utf-8", "replace").strip() for name, value in fields.items()}


def _receive(
    stream: BinaryIO,
    boundary: bytes,
    folder: Path,
    partial: Path,
    limit_bytes: int,
    check_fields: FieldCheck | None,
) -> ReceivedUpload:
    decoder = MultipartDecoder(boundary, max_form_memory_size=FIELD_LIMIT + CHUNK)
    fields: dict[str, bytearray] = {}
    original_name: str | None = None
    target: BinaryIO | None = None
    current: bytearray | None = None
    field_name = ""
    received = size = 0
    with partial.open("wb") as output:
        while True:
            chunk = stream.read(CHUNK)
            received += len(chunk)
            if received > limit_bytes + FIELD_LIMIT * 4:
                raise too_large(limit_bytes)
            decoder.receive_data(chunk or None)
            while not isinstance(event := decoder.next_event(), NeedData | Epilogue):
                if isinstance(event, File) and event.name == "file" and original_name is None:
                    if check_fields is not None:
                        check_fields(_text(fields))
                    original_name, target, current = event.filename or "upload", output, None
                elif isinstance(event, Field) and event.name == "file":
                    raise Invalid(
                        N_(
                            "the form's file part has no file name, so it is no file; send it "
                            "as a file (curl -F file=@clip.mp4)"
                        ),
                        code="no_file",
                    )
                elif isinstance(event, File | Field):
                    field_name, target = event.name, None
                    current = fields.setdefault(field_name, bytearray())
                elif isinstance(event, Data) and target is not None:
                    size += len(event.data)
                    if size > limit_bytes:
                        raise too_large(limit_bytes)
                    target.write(event.data)
                elif isinstance(event, Data) and current is not None:
                    current.extend(event.data)
                    if len(current) > FIELD_LIMIT:
                        raise Invalid(
                            N_("the form field {field!r} is too long"),
                            code="bad_upload",
                            field=field_name,
                        )
            if isinstance(event, Epilogue) or not chunk:
                break
    if original_name is None:
        raise Invalid(N_("the form has no file; send it in a field named file"), code="no_file")
    path = partial.rename(folder / stored_name(original_name))
    return ReceivedUpload(path, original_name, size, _text(fields))
