"""Drafts under review: a checked change to a YAML file kept aside until a reviewer decides.

Only the queries live here; `edits.review` approves and rejects, `edits.saving` holds a
save as a draft when review is on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.config.history import latest_revision
from signage.db import Store, now, reviews
from signage.errors import NotFound
from signage.phrases import N_

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)
MAX_LIST = 200


def draft_version(row: Mapping[str, Any]) -> str:
    """What a reviewer saw: a hash of the draft's text and the file it was made on. An
    approval names it, so a draft saved again after the reviewer opened it is not approved."""
    seen = f"{row['base_etag'] or ''}\n{row['text']}".encode()
    return hashlib.sha256(seen).hexdigest()[:20]


def hold_draft(
    store: Store,
    file: str,
    text: str,
    *,
    author: str,
    action: str,
    restored_from: int | None,
    base_etag: str | None,
) -> int:
    """Keep a checked change as a draft on the file as it is now (`base_etag` and its newest
    revision): the author's pending draft of the file is updated, anyone else's stays a
    separate review. The review's number."""
    moment = now()
    base_revision = latest_revision(store, file) if base_etag else None
    values = {
        "text": text,
        "action": action,
        "restored_from": restored_from,
        "base_etag": base_etag,
        "base_revision": base_revision,
        "updated_at": moment,
    }
    with store.engine.begin() as conn:
        mine = conn.scalar(
            sa.select(reviews.c.id).where(
                reviews.c.file == file, reviews.c.author == author, reviews.c.state == PENDING
            )
        )
        if mine is not None:
            conn.execute(reviews.update().where(reviews.c.id == mine).values(**values))
            return mine
        return conn.execute(
            reviews.insert().values(
                file=file, author=author, state=PENDING, created_at=moment, **values
            )
        ).inserted_primary_key[0]


def review_row(store: Store, review_id: int) -> dict[str, Any]:
    """One review with its text; 404 when there is none of that number."""
    found = review_rows(store, review_id=review_id)
    if not found:
        raise NotFound(
            N_("there is no review {review_id!r}; list them at /api/v1/reviews"),
            review_id=review_id,
        )
    return found[0]


def review_rows(
    store: Store,
    *,
    state: str | None = None,
    file: str | None = None,
    author: str | None = None,
    review_id: int | None = None,
) -> list[dict[str, Any]]:
    """Reviews, newest first, optionally of one state, file, author or number."""
    query = sa.select(reviews).order_by(reviews.c.id.desc()).limit(MAX_LIST)
    if review_id is not None:
        query = query.where(reviews.c.id == review_id)
    if state:
        query = query.where(reviews.c.state == state)
    if file:
        query = query.where(reviews.c.file == file)
    if author:
        query = query.where(reviews.c.author == author)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def count_pending(store: Store) -> int:
    """How many drafts wait for a reviewer (the navigation's badge)."""
    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(reviews.c.state == PENDING)
        return conn.scalar(query.select_from(reviews)) or 0


def decide(
    store: Store,
    review_id: int,
    state: str,
    reviewer: str,
    comment: str | None,
    revision: int | None = None,
    text: str | None = None,
) -> bool:
    """Mark a pending review approved or rejected; False when it was no longer pending, or
    (given `text`) when its draft is no longer that text."""
    where = [reviews.c.id == review_id, reviews.c.state == PENDING]
    if text is not None:
        where.append(reviews.c.text == text)
    with store.engine.begin() as conn:
        return bool(
            conn.execute(
                reviews.update()
                .where(*where)
                .values(
                    state=state,
                    decided_by=reviewer,
                    decided_at=now(),
                    comment=comment,
                    revision=revision,
                )
            ).rowcount
        )


class ReviewSummary(BaseModel):
    """A draft under review, without its text; times in the site's zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    file: str
    action: Literal["save", "create", "restore"]
    author: str
    state: Literal["pending", "approved", "rejected"]
    comment: str | None  # the reviewer's
    decided_by: str | None
    decided_at: dt.datetime | None
    base_revision: int | None  # the file's revision the draft was made on
    revision: int | None  # the revision its approval wrote
    version: str  # what a reviewer approves: see draft_version
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


def review_url(review_id: int) -> str:
    """Where the API answers one draft."""
    return f"/api/v1/reviews/{review_id}"


def review_summary(row: Mapping[str, Any], zone: dt.tzinfo | None = None) -> ReviewSummary:
    """A review as the API lists it (without its text), times in the site's `zone` (UTC
    when None)."""
    shown = zone or dt.UTC
    return ReviewSummary(
        id=row["id"],
        file=row["file"],
        action=row["action"],
        author=row["author"],
        state=row["state"],
        comment=row["comment"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"].astimezone(shown) if row["decided_at"] else None,
        base_revision=row["base_revision"],
        revision=row["revision"],
        version=draft_version(row),
        created_at=row["created_at"].astimezone(shown),
        updated_at=row["updated_at"].astimezone(shown),
        url=review_url(row["id"]),
    )


def reopen(store: Store, review_id: int, revision: int) -> None:
    """Undo an approval whose file could not be written: the draft waits again."""
    with store.engine.begin() as conn:
        conn.execute(
            reviews.update()
            .where(reviews.c.id == review_id, reviews.c.revision == revision)
            .values(state=PENDING, decided_by=None, decided_at=None, comment=None, revision=None)
        )


def approvers(store: Store, file: str) -> dict[int, str]:
    """Revision -> who approved the draft that wrote it, for the file's approved drafts."""
    query = sa.select(reviews.c.revision, reviews.c.decided_by).where(
        reviews.c.file == file, reviews.c.state == APPROVED, reviews.c.revision.is_not(None)
    )
    with store.engine.connect() as conn:
        return {row.revision: row.decided_by for row in conn.execute(query)}
