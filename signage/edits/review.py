"""Review before it goes live: what a draft changes, and approving or rejecting it.

Approving writes the draft through `editing.save_file`, the same safe path as any save; a
file that moved on since the draft's base is never overwritten (409 with three versions).
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signage.accounts.audit import audit
from signage.accounts.staff import Actor, StaffUser
from signage.accounts.users import may_review, user_by_name, user_units
from signage.config.folder import read_folder
from signage.config.history import get_revision
from signage.config.validate import Config, validate_files
from signage.db import Store
from signage.edits.drafts import (
    APPROVED,
    PENDING,
    REJECTED,
    ReviewSummary,
    decide,
    draft_version,
    review_row,
    review_rows,
    review_summary,
)
from signage.edits.saving import Approval, Saved, read_version, save_file
from signage.errors import Conflict, Forbidden, Invalid, NotFound, SignageError
from signage.media.library import approve_captions, approve_media, drop_held_captions, media_row
from signage.phrases import N_, Phrase
from signage.units import check_media, check_review, review_visible

if TYPE_CHECKING:
    from signage.parts import Signage

MAX_COMMENT = 1000
# A decided review's state, in words the catalogue translates.
STATE_WORDS = {APPROVED: N_("approved"), REJECTED: N_("rejected")}


def site_zone(signage: Signage) -> dt.tzinfo | None:
    """The zone staff read times in (None before any configuration loaded: UTC)."""
    return signage.state.current.site.zone if signage.state.current else None


def _current(folder: Path, name: str) -> tuple[str | None, str | None]:
    """The file's text and ETag on disk now (None, None: it does not exist)."""
    try:
        version = read_version(folder, name)
    except NotFound:
        return None, None
    return version.content.decode("utf-8", errors="replace"), version.etag


def _base_text(signage: Signage, row: dict[str, Any]) -> str | None:
    if row["base_revision"] is None or row["base_etag"] is None:
        return None
    return get_revision(signage.store, row["file"], row["base_revision"]).text


def draft_config(signage: Signage, row: dict[str, Any]) -> Config:
    """The configuration the folder would have with the draft in place of its file."""
    files: dict[str, bytes | str] = dict(read_folder(signage.settings.playlists_dir))
    files[row["file"]] = row["text"]
    config, issues = validate_files(files)
    if config is None:
        raise Invalid(
            N_("with this draft the configuration now has errors; the author must fix it"),
            code="invalid_config",
            details=[i.to_dict() for i in issues if i.severity == "error"],
        )
    return config


def visible_review(store: Store, user: StaffUser, review_id: int | str) -> dict[str, Any]:
    """A review this user may see: reviewers see every draft, others their own; 404 else."""
    missing = NotFound(
        N_("there is no review {review_id!r}; list them at /api/v1/reviews"),
        review_id=str(review_id)[:20],
    )
    try:
        number = int(review_id)
    except ValueError:
        raise missing from None
    if not 0 < number < 2**31:  # what the column holds; a larger number names no review
        raise missing
    row = review_row(store, number)
    author_unit = user_units(store).get(row["author"])
    if not review_visible(user, author_unit, row["author"], may_review(user)):
        raise missing
    return row


def visible_reviews(
    store: Store, user: StaffUser, state: str | None = None
) -> list[dict[str, Any]]:
    """The reviews a user may see, newest first: reviewers those of their unit's people (county
    reviewers all), others their own."""
    reviewer = may_review(user)
    rows = review_rows(store, state=state, author=None if reviewer else user.name)
    units = user_units(store)
    return [
        row
        for row in rows
        if review_visible(user, units.get(row["author"]), row["author"], reviewer)
    ]


class ReviewDetail(ReviewSummary):
    """A draft with its text, the diff from its base and the media it adds."""

    text: str
    base: str | None  # the file's text the draft was made on (None: a new file)
    diff: str
    file_moved_on: bool  # the file changed since the draft's base
    media_added: list[str]  # media its playlist names that the configuration in effect does not


def review_detail(signage: Signage, review_id: int) -> ReviewDetail:
    """A review with its text, the diff from its base, whether the file moved on since, and
    the media its playlist names that the configuration in effect does not."""
    row = review_row(signage.store, review_id)
    folder: Path = signage.settings.playlists_dir
    base = _base_text(signage, row)
    current_etag = _current(folder, row["file"])[1]
    diff = difflib.unified_diff(
        (base or "").splitlines(keepends=True),
        row["text"].splitlines(keepends=True),
        fromfile=f"{row['file']}@{row['base_revision']}" if base is not None else "/dev/null",
        tofile=f"{row['file']} (review {review_id})",
    )
    try:
        wanted = set(draft_config(signage, row).media_ids())
    except SignageError:
        wanted = set()
    in_effect = signage.state.current.media_ids() if signage.state.current else {}
    return ReviewDetail(
        **review_summary(row, site_zone(signage)).model_dump(),
        text=row["text"],
        base=base,
        diff="".join(line if line.endswith("\n") else line + "\n" for line in diff),
        file_moved_on=current_etag != row["base_etag"],
        media_added=sorted(wanted - set(in_effect)),
    )


def _check_decider(signage: Signage, row: dict[str, Any], reviewer: StaffUser) -> None:
    if not may_review(reviewer):
        raise Forbidden(N_("only a reviewer or an administrator may decide on a change"))
    author_unit = user_units(signage.store).get(row["author"])
    check_review(reviewer, signage.state.current, author_unit)
    if row["author"] == reviewer.name:
        raise Forbidden(
            N_("nobody decides on their own change; ask another reviewer"), code="own_change"
        )
    if row["state"] != PENDING:
        raise Conflict(
            N_("review {review} is already {state}; reload the page"),
            code="decided",
            review=row["id"],
            state=Phrase(STATE_WORDS.get(row["state"], row["state"])),
        )


def _comment(comment: str | None, *, required: bool) -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid(
            N_("the comment is longer than {count} characters"), code="too_long", count=MAX_COMMENT
        )
    if required and not text:
        raise Invalid(N_("say why, so that the author can fix it"), code="comment_required")
    return text or None


def _check_version(row: dict[str, Any], version: str | None) -> None:
    """The reviewer approves the version they saw, never one saved after they opened it."""
    if not version:
        raise Invalid(
            N_(
                'name the version of review {review} you approve (its "version"), so that '
                "a draft saved again after you read it is not approved unseen"
            ),
            code="version_required",
            review=row["id"],
        )
    if version != draft_version(row):
        raise Conflict(
            N_(
                "review {review} was saved again after you opened it; nothing was approved; "
                "read the new version, then approve or reject it"
            ),
            code="review_changed",
            details={"version": draft_version(row)},
            review=row["id"],
        )


def approve(
    signage: Signage,
    review_id: int,
    reviewer: StaffUser,
    comment: str | None,
    version: str | None,
) -> Saved:
    """Write the draft on its author's behalf when it is still the `version` the reviewer
    saw (409 otherwise); 409 with the three versions when the file changed since the
    draft's base, nothing overwritten."""
    row = review_row(signage.store, review_id)
    _check_decider(signage, row, reviewer)
    _check_version(row, version)
    note = _comment(comment, required=False)
    # An author without an account (a package `signage package import` held for review)
    # counts as a county-wide editor.
    author = user_by_name(signage.store, row["author"]) or Actor(name=row["author"], role="editor")
    try:
        saved = save_file(
            signage,
            row["file"],
            row["text"].encode(),
            if_match={row["base_etag"]} if row["base_etag"] else None,
            author=author,
            action=row["action"],
            restored_from=row["restored_from"],
            approval=Approval(review_id, reviewer, note, row["text"]),
        )
    except SignageError as error:
        if error.code == "decided":  # or saved again between reading it and writing it
            _check_version(review_row(signage.store, review_id), version)
        if error.code not in ("edit_conflict", "exists", "not_found"):
            raise
        folder: Path = signage.settings.playlists_dir
        raise Conflict(
            N_(
                "{file} changed after this draft was made; nothing was overwritten; "
                "compare the three versions, then ask the author to redo the change"
            ),
            code="review_conflict",
            file=row["file"],
            details={
                "base": _base_text(signage, row),
                "current": _current(folder, row["file"])[0],
                "draft": row["text"],
            },
        ) from None
    assert isinstance(saved, Saved), "an approval is written, never held for review again"
    return saved


def approve_upload(signage: Signage, media_id: str, reviewer: StaffUser) -> dict[str, Any]:
    """Let screens play an upload held for review (a reviewer or admin, not its uploader)."""
    if not may_review(reviewer):
        raise Forbidden(N_("only a reviewer or an administrator may approve media"))
    check_media(reviewer, signage.state.current, media_row(signage.store, media_id))
    row = approve_media(signage.store, media_id, reviewer.name)
    signage.screens.invalidate()
    audit(signage.store, reviewer, "media.approve", media_id)
    return row


def decide_captions(
    signage: Signage,
    media_id: str,
    reviewer: StaffUser,
    version: str | None,
    *,
    approved: bool,
) -> None:
    """Put held captions on the screens, or turn them down: the `version` (the held file's
    name) the reviewer read, by a reviewer or admin who did not upload them."""
    if not may_review(reviewer):
        raise Forbidden(N_("only a reviewer or an administrator may decide on captions"))
    check_media(reviewer, signage.state.current, media_row(signage.store, media_id))
    if approved:
        approve_captions(signage.store, media_id, reviewer.name, version)
        signage.screens.invalidate()
    else:
        drop_held_captions(signage.store, media_id, version)
    action = "media.captions_approve" if approved else "media.captions_reject"
    audit(signage.store, reviewer, action, media_id)


def reject(
    signage: Signage, review_id: int, reviewer: StaffUser, comment: str | None
) -> ReviewSummary:
    """Turn a draft down with a comment for its author; the file stays as it is."""
    row = review_row(signage.store, review_id)
    _check_decider(signage, row, reviewer)
    note = _comment(comment, required=True)
    if not decide(signage.store, review_id, REJECTED, reviewer.name, note):
        raise Conflict(
            N_("review {review} was decided meanwhile; reload the page"),
            code="decided",
            review=review_id,
        )
    audit(signage.store, reviewer, "review.reject", row["file"], {"review": review_id})
    return review_summary(review_row(signage.store, review_id), site_zone(signage))
