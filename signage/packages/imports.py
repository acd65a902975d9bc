"""Importing a content package: verified whole first (`verify.open_package`), then its media
queued like uploads under their publisher's name and its playlists saved as new files
through the validated save path. Ids that clash get a suffix; an item imported before (the
same publisher, id and bytes) is left as it is, so a package imported twice changes nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from ruamel.yaml.comments import CommentedMap

from signage.accounts.audit import audit
from signage.accounts.staff import Actor, StaffUser
from signage.config.loader import YamlError
from signage.config.roundtrip import dump_document, load_document
from signage.edits.saving import Held, check_file, playlist_file, save_file
from signage.errors import Invalid
from signage.media import library
from signage.media.captions import attach_captions
from signage.media.library import worker_name
from signage.media.uploads import stored_name
from signage.packages.keys import trusted_publishers
from signage.packages.manifest import PackedMedia, PackedPlaylist
from signage.packages.origins import imported_as, record_import
from signage.packages.verify import VerifiedPackage, open_package
from signage.parts import Signage
from signage.phrases import N_

MEDIA, PLAYLIST = "media", "playlist"
# The command line is trusted like a hand edit; with review on its playlists still wait.
COMMAND_LINE = Actor(name="signage package import", role="admin")


class ImportedPackage(BaseModel):
    """What an import did: the new items, those already here, the reviews holding playlists."""

    model_config = ConfigDict(extra="forbid")

    publisher: str
    media: dict[str, str]  # each new item's id here, by its publisher's id
    playlists: dict[str, str]
    unchanged: list[str]  # items imported before, left as they are
    reviews: list[int]  # the reviews holding new playlists (review on)
    # Topics the publisher gave its media that this court's site.yaml does not declare:
    # left off (a topic is this court's word for its duty list), and said so.
    topics_left_off: list[str]


def import_package(
    parts: Signage,
    path: Path,
    author: StaffUser | None,
    prepare: Callable[[Signage, dict[str, Any]], Any] | None = None,
) -> ImportedPackage:
    """Verify a package whole, then bring its media and playlists into this installation.

    ``prepare``, when given, prepares each claimed media row at once (the command line);
    otherwise the rows wait for the scheduler like uploads."""
    media_dir = Path(parts.settings.media_dir)
    scratch = library.uploads_folder(media_dir)
    package = open_package(
        path,
        trusted_publishers(parts.settings.trusted_publishers),
        scratch,
        parts.settings.max_upload_mb * 1024 * 1024,
    )
    try:
        return bring_in(parts, package, author, prepare)
    finally:
        for copy in package.files.values():
            copy.unlink(missing_ok=True)


def _sha(package: VerifiedPackage, item: PackedMedia | PackedPlaylist) -> str:
    return package.manifest.files[item.file].sha256


def already_here(
    parts: Signage, publisher_key: str, kind: str, origin_id: str, sha256: str
) -> str | None:
    """Where this exact item (publisher, id, bytes) was imported before and still is."""
    for local in imported_as(parts.store, publisher_key, kind, origin_id, sha256):
        if kind == PLAYLIST or library.media_exists(parts.store, local):
            return local  # a playlist imported once stays imported, deleted or held for review
    return None


def _local_media_ids(
    parts: Signage, package: VerifiedPackage, result: ImportedPackage
) -> dict[str, str]:
    """Each packaged media's id here: where it was imported before, else a free one."""
    store, key = parts.store, package.publisher.key
    chosen: dict[str, str] = {}

    def taken(candidate: str) -> bool:
        return candidate in chosen.values() or library.media_exists(store, candidate)

    for packed in package.manifest.media:
        earlier = already_here(parts, key, MEDIA, packed.id, _sha(package, packed))
        if earlier:
            chosen[packed.id] = earlier
            result.unchanged.append(earlier)
            continue
        chosen[packed.id] = library.free_id(packed.id, taken)
        result.media[packed.id] = chosen[packed.id]
    return chosen


def _as_received(text: str, ids: dict[str, str]) -> str:
    """The playlist text with its media ids changed to their local ones and without the
    publisher's ``published:`` (whether to offer it again is this court's decision);
    comments and the rest as the publisher wrote them."""
    document = load_document(text)
    if not isinstance(document, CommentedMap):
        return text  # not a playlist at all: the check that follows says so, with its line
    changed = document.pop("published", None) is not None
    for item in document.get("items") or []:
        for kind in ("clip", "image"):
            media_id = item.get(kind) if isinstance(item, CommentedMap) else None
            if media_id in ids and ids[media_id] != media_id:
                item[kind], changed = ids[media_id], True
    return dump_document(document) if changed else text


def _new_playlists(
    parts: Signage, package: VerifiedPackage, media_ids: dict[str, str], result: ImportedPackage
) -> list[tuple[PackedPlaylist, str, bytes]]:
    """The playlists to save (packaged item, local id, text), each checked as it would be
    saved; Invalid naming the first problem, before anything is written."""
    folder: Path = parts.settings.playlists_dir
    key, planned = package.publisher.key, []
    taken: set[str] = set()
    for packed in package.manifest.playlists:
        if already_here(parts, key, PLAYLIST, packed.id, _sha(package, packed)):
            result.unchanged.append(packed.id)
            continue
        local = library.free_id(
            packed.id, lambda c: c in taken or (folder / playlist_file(c)).exists()
        )
        taken.add(local)
        try:
            text = _as_received(package.files[packed.file].read_text("utf-8"), media_ids)
        except (UnicodeDecodeError, YamlError):
            raise Invalid(
                N_(
                    "the playlist {playlist_id!r} in the package is not readable YAML; "
                    "nothing was imported"
                ),
                playlist_id=packed.id,
            ) from None
        content = text.encode("utf-8")
        _config, issues = check_file(folder, playlist_file(local), content)
        errors = [issue for issue in issues if issue.severity == "error"]
        if errors:
            raise Invalid(
                N_(
                    "the playlist {playlist_id!r} in the package does not fit this server's "
                    "configuration: {problem}; nothing was imported"
                ),
                code="invalid_config",
                details=[issue.to_dict() for issue in errors],
                playlist_id=packed.id,
                problem=errors[0].phrase or errors[0].message,
            )
        planned.append((packed, local, content))
    return planned


def bring_in(
    parts: Signage,
    package: VerifiedPackage,
    author: Actor | None,
    prepare: Callable[[Signage, dict[str, Any]], Any] | None,
    feed: str | None = None,
) -> ImportedPackage:
    """Add a verified package's new items (those of ``feed``, when it came from one)."""
    store, publisher = parts.store, package.publisher
    result = ImportedPackage(
        publisher=publisher.name,
        media={},
        playlists={},
        unchanged=[],
        reviews=[],
        topics_left_off=[],
    )
    media_ids = _local_media_ids(parts, package, result)
    playlists = _new_playlists(parts, package, media_ids, result)
    media_dir = Path(parts.settings.media_dir)
    by_name = author.name if author else None
    declared = parts.state.current.site_file.topics if parts.state.current else {}
    for packed in package.manifest.media:
        local = result.media.get(packed.id)
        if local is None:
            continue
        topics = [topic for topic in packed.topics if topic in declared]
        result.topics_left_off += [t for t in packed.topics if t not in declared]
        staged = package.files[packed.file]
        upload = library.uploads_folder(media_dir) / stored_name(staged.name)
        _place(staged, upload)
        row = library.enqueue(
            store,
            local,
            upload=upload.name,
            original_name=None,
            title=packed.title,
            created_by=by_name,
            claimed_by=worker_name() if prepare else None,
            approved=not parts.settings.review,
            publisher=publisher.name,
            topics=topics,
        )
        if packed.captions:
            raw = package.files[packed.captions].read_bytes()
            attach_captions(store, media_dir, local, raw, Path(packed.captions).name)
        record_import(
            store, publisher.key, MEDIA, packed.id, _sha(package, packed), local, by_name, feed
        )
        if prepare:
            prepare(parts, library.media_row(store, row["id"]))
    for packed, local, content in playlists:
        saved = save_file(
            parts,
            playlist_file(local),
            content,
            if_match=None,
            author=author or COMMAND_LINE,
            action="create",
        )
        if isinstance(saved, Held):
            result.reviews.append(saved.review.id)
        result.playlists[packed.id] = local
        record_import(
            store, publisher.key, PLAYLIST, packed.id, _sha(package, packed), local, by_name, feed
        )
    parts.screens.invalidate()
    audit(
        store,
        author,
        "feed.import" if feed else "package.import",
        publisher.name,
        {"media": result.media, "playlists": result.playlists, "unchanged": result.unchanged},
    )
    return result


def _place(staged: Path, upload: Path) -> None:
    """The verified copy as an upload; linked, as two media may share one file."""
    try:
        os.link(staged, upload)
    except OSError:  # a filesystem without hard links
        shutil.copyfile(staged, upload)
