"""The feed other courts subscribe to: public by design (see signage/packages/feed.py),
signed, listing only what staff published (the switch is PATCH /media/<id> `published`)."""

from __future__ import annotations

from typing import Any

from flask import Response
from pydantic import BaseModel, ConfigDict

from signage.packages.feed import published_content, published_file, published_playlist
from signage.web.answers import answers
from signage.web.api.base import bp
from signage.web.context import parts
from signage.web.media_files import send_media_file

# Anyone may keep a copy: the files are public and named by their content.
PUBLIC_FOREVER = "public, max-age=31536000, immutable"


class PublishedIndex(BaseModel):
    """The signed index of what this court publishes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manifest: str  # the exact JSON text signed, with each file's SHA-256 and size
    signature: str  # its Ed25519 signature, base64


@bp.get("/published")
@answers(PublishedIndex)
def published_index() -> Any:
    """The signed index of what this court publishes: the manifest's exact text, its
    Ed25519 signature, and each file's SHA-256 and size inside it."""
    content = published_content(parts())
    index = PublishedIndex(
        manifest=content.manifest_bytes.decode("utf-8"), signature=content.signature
    )
    return index, 200, {"Cache-Control": "no-cache"}


@bp.get("/published/files/<name>")
def published_media_file(name: str) -> Any:
    """A published clip, picture or captions file (206 for a Range, to resume)."""
    return send_media_file(published_file(parts(), name), PUBLIC_FOREVER)


@bp.get("/published/playlists/<playlist_id>")
def published_playlist_text(playlist_id: str) -> Any:
    """The YAML text of a published playlist."""
    text = published_playlist(parts(), playlist_id)
    return Response(text, mimetype="text/yaml", headers={"Cache-Control": "no-cache"})
