"""What a content package says it holds: the manifest, and the bounds a package must keep.

A package is an uncompressed tar: ``manifest.json`` (this model), ``manifest.sig`` (the
publisher's Ed25519 signature of the manifest's bytes), then every file the manifest lists
with its SHA-256 and size. The names inside are the publisher's generated ones, checked
against fixed patterns; a receiver never uses them as paths on its disk.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from signage.phrases import N_, Phrase, PhraseError

FORMAT = "court-signage-package/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MANIFEST_LIMIT = 1024 * 1024  # bytes; a list of a few hundred items
SIGNATURE_LIMIT = 1024
MAX_ITEMS = 500  # media or playlists in one package
MAX_MEMBERS = 2 * MAX_ITEMS + 2  # every media with its captions, the two manifest files
# Prepared files and captions are content-named (16 hex digits); playlists by their id.
FILE_PATH = re.compile(
    r"^(?:media/[0-9a-f]{16}\.(?:mp4|jpg|png|vtt)|playlists/[a-z0-9][a-z0-9_-]{0,63}\.yaml)$"
)

SUFFIXES = {"video": ("mp4",), "image": ("jpg", "png")}

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
FilePath = Annotated[str, StringConstraints(pattern=FILE_PATH.pattern)]


class Packed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackedFile(Packed):
    sha256: Sha256
    size: Annotated[int, Field(ge=0)]


class PackedMedia(Packed):
    id: Slug
    kind: Literal["video", "image"]
    title: Annotated[str, Field(max_length=200)]
    file: FilePath
    captions: FilePath | None = None
    # 普法 topic ids as the publisher declared them; the receiver keeps the ones it declares.
    topics: Annotated[tuple[Slug, ...], Field(max_length=20)] = ()


class PackedPlaylist(Packed):
    id: Slug
    file: FilePath


class PublisherName(Packed):
    name: Annotated[str, Field(max_length=200)]
    key: Annotated[str, Field(max_length=64)]


class PackageManifest(Packed):
    """The signed list of a package's media, playlists and files."""

    format: Literal["court-signage-package/1"]
    publisher: PublisherName
    created_at: Annotated[str, Field(max_length=40)]
    files: Annotated[dict[FilePath, PackedFile], Field(max_length=MAX_MEMBERS - 2)]
    media: Annotated[tuple[PackedMedia, ...], Field(max_length=MAX_ITEMS)] = ()
    playlists: Annotated[tuple[PackedPlaylist, ...], Field(max_length=MAX_ITEMS)] = ()

    @model_validator(mode="after")
    def _files_listed(self) -> PackageManifest:
        named = [m.file for m in self.media] + [m.captions for m in self.media if m.captions]
        named += [p.file for p in self.playlists]
        missing = sorted(set(named) - set(self.files))
        if missing:
            raise PhraseError(
                Phrase.of(N_("the manifest names files it does not list: {files}"), files=missing)
            )
        for media in self.media:
            suffix = media.file.rsplit(".", 1)[1]
            if suffix not in SUFFIXES[media.kind] or (media.captions or ".vtt")[-4:] != ".vtt":
                raise PhraseError(
                    Phrase.of(
                        N_("the media {media_id!r} has files of another kind than it says"),
                        media_id=media.id,
                    )
                )
            if media.captions and media.kind != "video":
                raise PhraseError(
                    Phrase.of(
                        N_("the picture {media_id!r} cannot have captions"), media_id=media.id
                    )
                )
        for twice, ids in (
            (N_("the manifest lists a media id twice"), [m.id for m in self.media]),
            (N_("the manifest lists a playlist id twice"), [p.id for p in self.playlists]),
        ):
            if len(set(ids)) != len(ids):
                raise PhraseError(Phrase(twice))
        return self
