"""Writing a content package: the chosen media (ready ones, with captions) and playlists,
with the media those playlists name, signed by this installation."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from signage.config.validate import Config
from signage.config.when import iso
from signage.db import Store, now
from signage.errors import Invalid, NotFound
from signage.media import library
from signage.media.files import file_sha256
from signage.packages.keys import own_publisher, sign
from signage.packages.manifest import (
    FORMAT,
    MANIFEST,
    MAX_ITEMS,
    SIGNATURE,
    PackageManifest,
    PackedFile,
    PackedMedia,
    PackedPlaylist,
    PublisherName,
)
from signage.parts import Signage
from signage.phrases import N_


@dataclass(frozen=True)
class ExportedPackage:
    """What a package holds: its media and playlist ids and its size in bytes."""

    media: tuple[str, ...]
    playlists: tuple[str, ...]
    size: int


def _playlists(config: Config, playlist_ids: Iterable[str]) -> list[tuple[str, str]]:
    chosen = []
    for playlist_id in dict.fromkeys(playlist_ids):
        if playlist_id not in config.playlists:
            raise NotFound(
                N_("there is no playlist with the id {playlist_id!r}; reload the page"),
                playlist_id=playlist_id,
            )
        chosen.append((playlist_id, config.sources[f"{playlist_id}.yaml"]))
    return chosen


def media_named(config: Config, media_ids: Iterable[str], playlist_ids: list[str]) -> list[str]:
    """These media ids and those the playlists name, each once, in order."""
    wanted = list(media_ids)
    for playlist_id in playlist_ids:
        for item in config.playlists[playlist_id].items:
            wanted += [name for name in (item.clip, item.image) if name]
    return list(dict.fromkeys(wanted))


def _ready_row(store: Store, media_id: str) -> dict[str, Any]:
    row = library.media_row(store, media_id)
    if row["status"] != library.READY or not row["file"]:
        raise Invalid(
            N_("{media_id!r} is not ready ({state}); export it once it is prepared"),
            code="not_ready",
            media_id=media_id,
            state=row["status"],
        )
    return row


def _add_file(archive: tarfile.TarFile, name: str, source: BinaryIO, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    archive.addfile(info, source)


def file_digest(store: Store, path: Path) -> str:
    """SHA-256 of a prepared file, computed once: its name already says its content, so the
    digest kept under that name never goes stale (the feed's index asks for it often)."""
    key = f"sha256:{path.name}"
    found = store.get_meta(key)
    if found is None:
        found = file_sha256(path)
        store.set_meta(key, found)
    return found


@dataclass(frozen=True)
class SignedContent:
    """A signed manifest (its exact bytes and signature) and where each file's bytes are."""

    manifest: PackageManifest
    sources: dict[str, Path | bytes]
    manifest_bytes: bytes
    signature: str


def signed_content(
    parts: Signage, config: Config, rows: list[dict[str, Any]], playlists: list[tuple[str, str]]
) -> SignedContent:
    """The manifest of these ready media rows and playlist texts, signed by this server."""
    folder = library.files_folder(parts.settings.media_dir)
    sources: dict[str, Path | bytes] = {}
    packed_media = []
    for row in rows:
        sources[f"media/{row['file']}"] = folder / row["file"]
        captions = f"media/{row['captions']}" if row["captions"] else None
        if captions:
            sources[captions] = folder / row["captions"]
        packed_media.append(
            PackedMedia(
                id=row["id"],
                kind=row["kind"],
                title=row["title"],
                file=f"media/{row['file']}",
                captions=captions,
                topics=tuple(row.get("topics") or ()),
            )
        )
    for playlist_id, text in playlists:
        sources[f"playlists/{playlist_id}.yaml"] = text.encode("utf-8")

    def described(source: Path | bytes) -> PackedFile:
        if isinstance(source, bytes):
            return PackedFile(sha256=hashlib.sha256(source).hexdigest(), size=len(source))
        return PackedFile(sha256=file_digest(parts.store, source), size=source.stat().st_size)

    publisher = own_publisher(parts.store, config.site.name)
    manifest = PackageManifest(
        format=FORMAT,
        publisher=PublisherName(name=publisher.name, key=publisher.key),
        created_at=iso(now(), config.site.zone),
        files={path: described(source) for path, source in sources.items()},
        media=tuple(packed_media),
        playlists=tuple(
            PackedPlaylist(id=playlist_id, file=f"playlists/{playlist_id}.yaml")
            for playlist_id, _ in playlists
        ),
    )
    manifest_bytes = json.dumps(
        manifest.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True
    ).encode("utf-8")
    return SignedContent(manifest, sources, manifest_bytes, sign(parts.store, manifest_bytes))


def build_package(
    parts: Signage, out: BinaryIO, media_ids: Iterable[str], playlist_ids: Iterable[str]
) -> ExportedPackage:
    """Write a signed package of these media and playlists (and the media they name)."""
    config = parts.screens.config()
    playlists = _playlists(config, playlist_ids)
    ids = media_named(config, media_ids, [playlist_id for playlist_id, _ in playlists])
    if not ids and not playlists:
        raise Invalid(N_("name the media or playlists to export"), code="empty_package")
    if len(ids) > MAX_ITEMS or len(playlists) > MAX_ITEMS:
        raise Invalid(
            N_("a package holds at most {count} media and playlists; choose fewer"),
            code="too_many",
            count=MAX_ITEMS,
        )
    content = signed_content(
        parts, config, [_ready_row(parts.store, media_id) for media_id in ids], playlists
    )
    signature = content.signature.encode()
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        _add_file(
            archive, MANIFEST, io.BytesIO(content.manifest_bytes), len(content.manifest_bytes)
        )
        _add_file(archive, SIGNATURE, io.BytesIO(signature), len(signature))
        for path, source in content.sources.items():
            size = content.manifest.files[path].size
            if isinstance(source, bytes):
                _add_file(archive, path, io.BytesIO(source), size)
            else:
                with source.open("rb") as file:
                    _add_file(archive, path, file, size)
    return ExportedPackage(
        tuple(m.id for m in content.manifest.media),
        tuple(p.id for p in content.manifest.playlists),
        out.tell(),
    )


def export_package(
    parts: Signage, target: Path, media_ids: Iterable[str], playlist_ids: Iterable[str]
) -> ExportedPackage:
    """Write a package to a file: under a temporary name first, so a failed export leaves
    nothing that looks like a package."""
    target = Path(target)
    partial = target.with_name(f".partial-{uuid.uuid4().hex}.tar")
    try:
        with partial.open("wb") as out:
            exported = build_package(parts, out, media_ids, playlist_ids)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return exported
