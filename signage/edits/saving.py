"""Changing the YAML files safely: validate the whole folder first, refuse lost updates,
write atomically, record a revision, and put the change in effect at once.

The text a person sends is the text stored, byte for byte, so comments and layout survive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import tempfile
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.accounts.staff import Actor, StaffUser
from signage.config.folder import (
    MAX_FILE_BYTES,
    Signature,
    link_issues,
    read_folder,
    signature,
    yaml_files,
)
from signage.config.history import forget_revision, get_revision, record_revision
from signage.config.loader import YamlError, decode
from signage.config.model import SLUG, SLUG_HELP
from signage.config.validate import SITE_FILE, Config, Issue, IssueReport, validate_files
from signage.edits.drafts import APPROVED, decide, hold_draft, reopen, review_url
from signage.errors import Conflict, Forbidden, Invalid, NotFound, SignageError
from signage.phrases import N_, Phrase
from signage.units import check_file_change, check_playlist_delete, stamp_new_playlist

try:  # other processes (a worker beside the web server) take the same lock
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from signage.parts import Signage

_THREAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class FileVersion:
    """A YAML file as it is on disk now."""

    name: str
    content: bytes
    etag: str


class Saved(BaseModel):
    """Saved: the file's new ETag, its revision and the warnings about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    etag: str
    revision: int
    warnings: list[IssueReport]


class PendingReview(BaseModel):
    """The review a held change waits in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    state: Literal["pending"]
    url: str


class Held(BaseModel):
    """Kept as a draft for a reviewer: the file and its ETag unchanged, the review to follow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    etag: str | None  # None: the file does not exist yet
    review: PendingReview
    warnings: list[IssueReport]


class PlaylistSummary(BaseModel):
    """A playlist file with its display name, item count and unit (None: it did not load)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    file: str
    name: str | None
    items: int | None
    unit: str | None


@dataclass(frozen=True)
class Approval:
    """A reviewer approving a draft: the save writes it on its author's behalf."""

    review: int
    reviewer: StaffUser
    comment: str | None
    text: str  # the draft the reviewer saw: the decision holds only while it is unchanged


def file_etag(content: bytes) -> str:
    """The ETag of a file: a hash of its bytes, so any change gives a new one."""
    return hashlib.sha256(content).hexdigest()[:32]


def playlist_file(playlist_id: str) -> str:
    """The file name of a playlist id; refuses anything that is not a plain id."""
    if not SLUG.fullmatch(playlist_id) or playlist_id == "site":
        raise Invalid(
            N_("{playlist_id!r} is not a playlist id; {help}; site is taken by the site settings"),
            code="bad_id",
            status=400,
            playlist_id=playlist_id[:80],
            help=Phrase(SLUG_HELP),
        )
    return f"{playlist_id}.yaml"


def config_file(name: str) -> str:
    """A file name of the configuration (site.yaml or <playlist-id>.yaml), checked."""
    if name == SITE_FILE:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix != "yaml":
        raise Invalid(
            N_("{name!r} is not a file of the configuration; use site.yaml or <playlist-id>.yaml"),
            code="bad_id",
            status=400,
            name=name[:80],
        )
    return playlist_file(stem)


def read_version(folder: Path, name: str) -> FileVersion:
    """The file's bytes and ETag; 404 when it does not exist, 409 when it is a link."""
    try:
        # O_NOFOLLOW: a link could point at any file the server can read; it is refused.
        descriptor = os.open(folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if name == SITE_FILE:
            raise NotFound(N_("there is no site.yaml in the playlists folder")) from None
        raise NotFound(
            N_(
                "there is no playlist {playlist_id!r} in the playlists folder; "
                "it may have been deleted or renamed"
            ),
            playlist_id=name.removesuffix(".yaml"),
        ) from None
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise Conflict(
            N_("{name} is a symbolic link; put the file itself in the playlists folder"),
            code="symlink",
            name=name,
        ) from None
    with os.fdopen(descriptor, "rb") as handle:
        content = handle.read()
    return FileVersion(name, content, file_etag(content))


@contextlib.contextmanager
def edit_lock(folder: Path) -> Iterator[None]:
    """One save at a time, across threads and processes: check-then-write stays atomic.

    The lock is taken on the playlists folder itself, so every process that edits these
    files shares it, wherever its media and database are, and no lock file is left there.
    """
    with _THREAD_LOCK:
        if fcntl is None:  # pragma: no cover
            yield
            return
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing the descriptor releases the lock


def write_atomically(path: Path, content: bytes) -> None:
    """Temp file in the same folder, fsync, rename over the old one, fsync the folder."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or deletion in the folder survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def check_precondition(
    current: FileVersion | None, if_match: Collection[str] | None, *, required: bool
) -> None:
    """Refuse a lost update: 428 without If-Match (when required), 412 when it is stale."""
    if if_match is None:
        if required:
            raise SignageError(
                N_(
                    "send the header If-Match with the ETag you got when you opened the file, "
                    "so that nobody's changes are overwritten"
                ),
                code="if_match_required",
                status=428,
            )
        return
    if current is None or current.etag not in if_match:
        raise SignageError(
            N_(
                "someone saved this file after you opened it; open it again, redo your change "
                "and save"
            ),
            code="edit_conflict",
            status=412,
            details={"current_etag": current.etag if current else None},
        )


def _validate(folder: Path, name: str, content: bytes | None) -> list[Issue]:
    """The folder's issues as it would be with this file replaced (None: removed)."""
    return _validate_config(folder, name, content)[1]


def _validate_config(
    folder: Path, name: str, content: bytes | None, today: dt.date | None = None
) -> tuple[Config | None, list[Issue], Signature]:
    """The folder as it would be with this file replaced: its configuration (None when it has
    errors), its issues, and the fingerprint of the files as they were read."""
    before = signature(folder)
    files: dict[str, bytes | str] = dict(read_folder(folder))
    if content is None:
        files.pop(name, None)
    else:
        files[name] = content
    config, issues = validate_files(files, today)
    # A save replaces a link by a file; other links still stop the folder from loading.
    links = [issue for issue in link_issues(folder) if issue.file != name]
    return (None if links else config), links + issues, before


def playlist_summaries(signage: Signage) -> list[PlaylistSummary]:
    """Every playlist file with its display name and item count (when it loaded)."""
    loaded = signage.state.current.playlists if signage.state.current else {}
    playlists = []
    for path in yaml_files(signage.settings.playlists_dir):
        if path.name == SITE_FILE:
            continue
        playlist = loaded.get(path.stem)
        playlists.append(
            PlaylistSummary(
                id=path.stem,
                file=path.name,
                name=playlist.name if playlist else None,
                items=len(playlist.items) if playlist else None,
                unit=playlist.unit if playlist else None,
            )
        )
    return playlists


def check_file(folder: Path, name: str, content: bytes) -> tuple[Config | None, list[Issue]]:
    """The configuration (None with errors) and every issue the folder would have with this
    file's new text; nothing is written.

    The staff pages call it as people type, so they see errors before saving.
    """
    config, issues, _ = _validate_config(folder, name, content)
    return config, issues


def _errors(issues: list[Issue], name: str) -> list[dict[str, Any]]:
    """The errors, those in the file being saved first (the rest often follow from them)."""
    errors = [i for i in issues if i.severity == "error"]
    return [i.to_dict() for i in sorted(errors, key=lambda i: i.file != name)]


def decode_upload(name: str, content: bytes) -> str:
    """The body as text: refuses too large or non-UTF-8 files with their position."""
    if len(content) > MAX_FILE_BYTES:
        raise SignageError(
            N_("the file is larger than 1 MB; split it into several playlists"),
            code="too_large",
            status=413,
        )
    try:
        return decode(content)
    except YamlError as exc:
        issue = Issue.of(name, exc.mark, exc.phrase, exc.code)
        raise Invalid(
            N_("the file was not saved: it is not UTF-8 text"), details=[issue.to_dict()]
        ) from None


def _check_screens_role(before: Config | None, after: Config, author: Actor) -> None:
    """Only admins add, remove, rename or regroup screens, whichever way site.yaml is saved."""
    if author.role == "admin" or before is None:
        return

    def screens(config: Config) -> dict[str, Any]:
        return {key: screen.model_dump() for key, screen in config.site_file.screens.items()}

    if screens(before) != screens(after):
        raise Forbidden(
            N_(
                "only an administrator may add, remove, rename or regroup screens; "
                "undo the changes under screens: or ask an administrator"
            ),
            code="screens_admin_only",
        )


def save_file(
    signage: Signage,
    name: str,
    content: bytes,
    *,
    if_match: Collection[str] | None,
    author: Actor,
    action: str,
    restored_from: int | None = None,
    approval: Approval | None = None,
) -> Saved | Held:
    """Validate, then write one YAML file and record it (action save, create or restore).

    With review on, a change that is not an approval is kept as a draft instead (Held)."""
    if action == "create" and name != SITE_FILE:
        content = stamp_new_playlist(author, content)  # a unit editor's playlist is the unit's
    text = decode_upload(name, content)
    folder: Path = signage.settings.playlists_dir
    with edit_lock(folder):
        try:
            current: FileVersion | None = read_version(folder, name)
        except NotFound:
            if action == "save":
                raise
            current = None
        if action == "create" and current is not None:
            raise Conflict(
                N_("{name} already exists; open it and save your changes there"),
                code="exists",
                name=name,
            )
        check_precondition(current, if_match, required=action == "save")
        config, issues, before = _validate_config(folder, name, content, signage.state.today())
        errors = _errors(issues, name)
        if errors:
            raise Invalid(
                N_("{name} was not saved: the configuration would have {count} error(s)"),
                code="invalid_config",
                details=errors,
                name=name,
                count=len(errors),
            )
        assert config is not None
        _check_screens_role(signage.state.current, config, author)
        on_disk = current.content if current else None
        check_file_change(author, signage.state.current, config, name, on_disk)
        warnings = [i.report() for i in issues if i.severity == "warning" and i.file == name]
        if approval is None and signage.settings.review:
            review = hold_draft(
                signage.store,
                name,
                text,
                author=author.name,
                action=action,
                restored_from=restored_from,
                base_etag=current.etag if current else None,
            )
            audit(signage.store, author, "review.submit", name, {"review": review})
            return Held(
                file=name,
                etag=current.etag if current else None,
                review=PendingReview(id=review, state="pending", url=review_url(review)),
                warnings=warnings,
            )
        revision = record_revision(
            signage.store,
            name,
            text,
            author.name,
            "approve" if approval else action,
            restored_from,
        )
        if approval and not decide(
            signage.store,
            approval.review,
            APPROVED,
            approval.reviewer.name,
            approval.comment,
            revision,
            approval.text,
        ):
            forget_revision(signage.store, revision)
            raise Conflict(
                N_("review {review} was decided or saved again meanwhile; reload the page"),
                code="decided",
                review=approval.review,
            )
        try:
            write_atomically(folder / name, content)
        except OSError as exc:
            forget_revision(signage.store, revision)
            if approval:
                reopen(signage.store, approval.review, revision)
            raise SignageError(
                N_("{name} could not be written: {reason}; ask the administrator"),
                code="write_failed",
                status=500,
                name=name,
                reason=exc.strerror,
            ) from None
        details: dict[str, Any] = {"revision": revision}
        if restored_from:
            details["restored_from"] = restored_from
        if approval:
            details.update(review=approval.review, author=author.name)
        audit(
            signage.store,
            approval.reviewer if approval else author,
            "review.approve" if approval else action,
            name,
            details,
        )
        # Validated a moment ago: serve it without validating the whole folder a second time.
        if not signage.state.adopt(config, issues, name, before):
            signage.refresh_config(force=True)  # another file changed too: read them all
    return Saved(file=name, etag=file_etag(content), revision=revision, warnings=warnings)


def delete_playlist(
    signage: Signage, playlist_id: str, *, if_match: Collection[str] | None, author: StaffUser
) -> int:
    """Remove a playlist file; refused (409) while site.yaml still names it. Its revision."""
    name = playlist_file(playlist_id)
    check_playlist_delete(author, signage.state.current, playlist_id)
    folder: Path = signage.settings.playlists_dir
    with edit_lock(folder):
        current = read_version(folder, name)
        check_precondition(current, if_match, required=False)
        errors = [i for i in _validate(folder, name, None) if i.severity == "error"]
        uses = [i for i in errors if i.code == "unknown_playlist"]
        if uses:
            raise Conflict(
                N_(
                    "playlist {playlist_id!r} was not deleted: site.yaml still uses it "
                    "({lines}: the schedule or default_playlist); take it out there first"
                ),
                code="in_use",
                details=[i.to_dict() for i in uses],
                playlist_id=playlist_id,
                lines=[Phrase.of(N_("line {line}"), line=i.line) for i in uses if i.line],
            )
        if errors:
            raise Invalid(
                N_("the configuration has errors; fix them before deleting"),
                code="invalid_config",
                details=[i.to_dict() for i in errors],
            )
        revision = record_revision(signage.store, name, None, author.name, "delete")
        (folder / name).unlink()
        fsync_folder(folder)
        audit(signage.store, author, "delete", name, {"revision": revision})
    signage.refresh_config(force=True)
    return revision


def restore_revision(
    signage: Signage,
    name: str,
    revision: int,
    *,
    if_match: Collection[str] | None,
    author: StaffUser,
) -> Saved | Held:
    """Write an old revision again, validated like any save; it becomes a new revision."""
    found = get_revision(signage.store, name, revision)
    if found.text is None:
        raise Conflict(
            N_(
                "revision {revision} records the deletion of {name}; "
                "restore an earlier revision instead"
            ),
            code="deleted_revision",
            revision=revision,
            name=name,
        )
    return save_file(
        signage,
        name,
        found.text.encode(),
        if_match=if_match,
        author=author,
        action="restore",
        restored_from=revision,
    )
