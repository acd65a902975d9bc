"""What this court publishes for others (the feed): media marked published and playlists
saying ``published: true`` with the media they name, as a signed manifest like a package's.

The feed is public by design, as the content is: legal-education clips and tips made to be
shown to anyone in a lobby, which higher courts and 普法办 want every court to take. A
subscriber needs no account here (across institutions and one-way gateways, tokens would
have to be issued and rotated by hand); what it trusts is the Ed25519 signature, checked
against its own list of publishers, so a copy from any mirror or USB relay is as good. Only
what staff explicitly published is listed or served, nothing else of the library.
"""

from __future__ import annotations

from pathlib import Path

from signage.errors import NotFound
from signage.media import library
from signage.packages.export import SignedContent, media_named, signed_content
from signage.parts import Signage
from signage.phrases import N_


def published_content(parts: Signage) -> SignedContent:
    """The signed manifest of everything published, as subscribers fetch it."""
    config = parts.screens.config()
    playlists = [
        (playlist_id, config.sources[f"{playlist_id}.yaml"])
        for playlist_id, playlist in sorted(config.playlists.items())
        if playlist.published
    ]
    rows = {row["id"]: row for row in library.published_media(parts.store)}
    playable = library.ready_media(parts.store)
    for media_id in media_named(config, [], [playlist_id for playlist_id, _ in playlists]):
        row = playable.get(media_id)
        if media_id not in rows and row is not None and row["approved"]:
            rows[media_id] = row  # a published playlist brings the media it plays
    return signed_content(parts, config, [rows[key] for key in sorted(rows)], playlists)


def published_file(parts: Signage, name: str) -> Path:
    """A prepared file or captions of published media; 404 for anything else."""
    content = published_content(parts)
    source = content.sources.get(f"media/{name}")
    if not isinstance(source, Path) or not source.is_file():
        raise NotFound(N_("{name!r} is not published here"), name=name[:40])
    return source


def published_playlist(parts: Signage, playlist_id: str) -> bytes:
    """The text of a published playlist; 404 for one that is not."""
    source = published_content(parts).sources.get(f"playlists/{playlist_id}.yaml")
    if not isinstance(source, bytes):
        raise NotFound(
            N_("no playlist {playlist_id!r} is published here"), playlist_id=playlist_id[:64]
        )
    return source
