"""The OpenAPI description of content packages (web/api/packages.py)."""

from __future__ import annotations

from typing import Any

from signage.web.openapi_operations import FILE_FORM, operation
from signage.web.openapi_schemas import INT, STRING, array, json_content, obj, ref, reply

ID_MAP = {"type": "object", "additionalProperties": STRING}
PACKAGE_SCHEMAS: dict[str, Any] = {
    "PackageImported": obj(
        {
            "publisher": STRING,
            "media": ID_MAP,
            "playlists": ID_MAP,
            "unchanged": array(STRING),
            "reviews": array(INT),
        }
    ),
}
TAR = {"application/x-tar": {"schema": {"type": "string", "format": "binary"}}}
PACKAGE_PATHS: dict[str, Any] = {
    "/packages/export": {
        "post": operation(
            "A content package of these media and playlists (with the media they name), "
            "signed with this server's Ed25519 key",
            "admin",
            {200: {"description": "The package (tar)", "content": TAR}},
            (404, 415, 422, 503),
            body={"required": True, **json_content(ref("PackageExport"))},
        ),
    },
    "/packages": {
        "post": operation(
            "Import a content package (multipart file) from a publisher in "
            "SIGNAGE_TRUSTED_PUBLISHERS: a bad signature, an unknown publisher, one wrong "
            "byte or a cut-off file is refused whole (422), nothing imported. New ids by the "
            "publisher's id; clashing ids get a suffix; items imported before are unchanged",
            "admin",
            {200: reply("Imported", ref("PackageImported"))},
            (409, 422, 503, 507),
            body=FILE_FORM,
        ),
    },
}
