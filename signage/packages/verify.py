"""Reading a content package without trusting it: the signature against the trusted
publishers, every file's size and SHA-256, and bounds on everything, all before the library
is touched. Files are copied out under generated names into a scratch folder that the
caller removes; a name inside the tar is only ever compared, never used as a path."""

from __future__ import annotations

import hashlib
import json
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from signage.errors import SignageError
from signage.media.files import PARTIAL_PREFIX
from signage.packages.keys import Publisher, trusted_publisher, verify
from signage.packages.manifest import (
    MANIFEST,
    MANIFEST_LIMIT,
    MAX_MEMBERS,
    SIGNATURE,
    SIGNATURE_LIMIT,
    PackageManifest,
)
from signage.phrases import N_, Phrase, PhraseError

CHUNK = 1 << 20


class PackageRefused(SignageError):
    code = "bad_package"
    status = 422


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose signature and files all checked out: its manifest, its publisher
    (as the trusted file names it) and each file's copy in the scratch folder."""

    manifest: PackageManifest
    publisher: Publisher
    files: dict[str, Path]


def _damaged(template: str, **params: Any) -> PackageRefused:
    """The refusal of a damaged package; the template (with its parameters) says what broke."""
    return PackageRefused(
        N_(
            "the package is damaged or incomplete ({what}); nothing was imported. "
            "Copy it again from the publisher"
        ),
        what=Phrase(template, params),
    )


def _members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members: dict[str, tarfile.TarInfo] = {}
    while True:
        member = archive.next()
        if member is None:
            return members
        if len(members) >= MAX_MEMBERS:
            raise PackageRefused(
                N_("the package has more than {count} files; nothing was imported"),
                count=MAX_MEMBERS,
            )
        if not member.isreg():
            # Links, devices and folders have no place in a package.
            raise PackageRefused(
                N_("the package holds {name!r}, which is not a file; nothing was imported"),
                name=member.name[:80],
            )
        if member.name in members:
            raise PackageRefused(
                N_("the package holds {name!r} twice; nothing was imported"),
                name=member.name[:80],
            )
        members[member.name] = member


def _small(
    archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str, limit: int
) -> bytes:
    member = members.get(name)
    if member is None:
        raise PackageRefused(
            N_("this is not a content package: it has no {name}; nothing was imported"),
            name=name,
        )
    if member.size > limit:
        raise PackageRefused(
            N_("the package's {name} is too large; nothing was imported"), name=name
        )
    content = _read(archive, member).read(limit + 1)
    if len(content) != member.size:
        raise _damaged(N_("{name} is cut off"), name=name)
    return content


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    extracted = archive.extractfile(member)
    assert extracted is not None  # regular files always extract
    return extracted


def read_manifest(content: bytes) -> PackageManifest:
    """The manifest's model, or PackageRefused saying why it cannot be read."""
    try:
        return PackageManifest.model_validate(json.loads(content.decode("utf-8")))
    except (ValueError, ValidationError) as exc:
        first: str | Phrase = str(exc)[:200]
        if isinstance(exc, ValidationError):
            cause = (exc.errors()[0].get("ctx") or {}).get("error")
            first = cause.phrase if isinstance(cause, PhraseError) else exc.errors()[0]["msg"][:200]
        raise PackageRefused(
            N_("the package's manifest cannot be read: {reason}; nothing was imported"),
            reason=first,
        ) from None


def _copy_checked(
    archive: tarfile.TarFile, member: tarfile.TarInfo, expected: str, target: Path
) -> None:
    digest, written = hashlib.sha256(), 0
    source = _read(archive, member)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            written += len(chunk)
    if written != member.size:
        raise _damaged(N_("{name} is cut off"), name=member.name)
    if digest.hexdigest() != expected:
        raise _damaged(N_("{name} differs from what was signed"), name=member.name)


def open_package(
    path: Path, trusted: dict[str, Publisher], scratch: Path, limit_bytes: int
) -> VerifiedPackage:
    """Check a package whole and copy its files into ``scratch`` (as ``.partial-`` files the
    caller removes); PackageRefused or SignatureRefused naming what is wrong, with no copy
    left behind, before anything is imported."""
    scratch.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    try:
        return _checked(path, trusted, scratch, limit_bytes, files)
    except BaseException:
        for copy in files.values():
            copy.unlink(missing_ok=True)
        raise


def _checked(
    path: Path,
    trusted: dict[str, Publisher],
    scratch: Path,
    limit_bytes: int,
    files: dict[str, Path],
) -> VerifiedPackage:
    try:
        with tarfile.open(path, mode="r:") as archive:
            members = _members(archive)
            manifest_bytes = _small(archive, members, MANIFEST, MANIFEST_LIMIT)
            signature = _small(archive, members, SIGNATURE, SIGNATURE_LIMIT)
            manifest = read_manifest(manifest_bytes)
            publisher = trusted_publisher(trusted, manifest.publisher.key)
            verify(publisher, manifest_bytes, signature.decode("ascii", errors="replace"))
            listed = set(manifest.files)
            extra = sorted(set(members) - listed - {MANIFEST, SIGNATURE})
            if extra:
                raise PackageRefused(
                    N_(
                        "the package holds files its manifest does not list: {name!r}; "
                        "nothing was imported"
                    ),
                    name=extra[0][:80],
                )
            missing = sorted(listed - set(members))
            if missing:
                raise _damaged(N_("{name} is missing"), name=missing[0])
            if sum(packed.size for packed in manifest.files.values()) > limit_bytes:
                raise PackageRefused(
                    N_(
                        "the package is larger than the upload limit of {limit_mb} MB "
                        "(the setting {setting})"
                    ),
                    code="too_large",
                    status=413,
                    limit_mb=limit_bytes // (1 << 20),
                    setting="SIGNAGE_MAX_UPLOAD_MB",
                )
            for name, packed in manifest.files.items():
                member = members[name]
                if member.size != packed.size:
                    raise _damaged(N_("{name} has another size than was signed"), name=name)
                files[name] = scratch / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}{Path(name).suffix}"
                _copy_checked(archive, member, packed.sha256, files[name])
    except (tarfile.TarError, EOFError) as exc:
        if str(exc):
            raise _damaged(
                N_("the archive cannot be read: {reason}"), reason=str(exc)[:120]
            ) from None
        raise _damaged(N_("not a tar file")) from None
    return VerifiedPackage(manifest, publisher, files)
