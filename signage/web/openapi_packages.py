"""The OpenAPI description of content packages (web/api/packages.py)."""

from __future__ import annotations

from typing import Any

from signage.web.openapi_operations import FILE_FORM, operation, path_param
from signage.web.openapi_schemas import STRING, json_content, ref, reply

BINARY_SCHEMA = {"type": "string", "format": "binary"}
TAR = {"application/x-tar": {"schema": BINARY_SCHEMA}}
BINARY = {
    kind: {"schema": BINARY_SCHEMA} for kind in ("video/mp4", "image/jpeg", "image/png", "text/vtt")
}
PACKAGE_PATHS: dict[str, Any] = {
    "/published": {
        "get": operation(
            "What this court publishes for others (public by design): `manifest` is the exact "
            "JSON text signed, with every file's SHA-256 and size; `signature` its Ed25519 "
            "signature (base64), checked against SIGNAGE_TRUSTED_PUBLISHERS by subscribers",
            None,
            {200: reply("The signed index")},
            (503,),
        ),
    },
    "/published/files/{name}": {
        "get": operation(
            "A published clip, picture or captions file, named as in the manifest (Range: 206)",
            None,
            {
                200: {"description": "The file", "content": BINARY},
                206: {"description": "The range asked for", "content": BINARY},
            },
            (503,),
            (path_param("name", "The file's content-hashed name, e.g. 0123456789abcdef.mp4"),),
        ),
    },
    "/published/playlists/{playlist_id}": {
        "get": operation(
            "The YAML text of a playlist saying published: true",
            None,
            {200: {"description": "The playlist", "content": {"text/yaml": {"schema": STRING}}}},
            (503,),
            (path_param("playlist_id", "Playlist id"),),
        ),
    },
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
            {200: reply("Imported")},
            (409, 422, 503, 507),
            body=FILE_FORM,
        ),
    },
}
