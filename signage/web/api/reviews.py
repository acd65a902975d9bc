"""Review before it goes live: drafts waiting for a second person, approve and reject."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel, ConfigDict

from signage.edits.drafts import STATES, ReviewSummary, review_summary
from signage.edits.review import (
    ReviewDetail,
    approve,
    reject,
    review_detail,
    site_zone,
    visible_review,
    visible_reviews,
)
from signage.edits.saving import Saved
from signage.errors import Invalid
from signage.media import library
from signage.media.listing import Media
from signage.phrases import N_
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.api.documents import saved_answer
from signage.web.auth import staff_required, staff_user
from signage.web.bodies import Decision
from signage.web.context import parts
from signage.web.media_json import describe_media


class ReviewPage(ReviewDetail):
    """A draft with its diff from its base and the media it adds, described."""

    media: list[Media]


class ReviewList(BaseModel):
    """Drafts, newest first."""

    model_config = ConfigDict(extra="forbid")

    reviews: list[ReviewSummary]


@bp.get("/reviews")
@staff_required()
@answers(ReviewList)
def list_reviews() -> Any:
    """Drafts, newest first, ?state=pending|approved|rejected; editors see their own."""
    state = request.args.get("state") or None
    if state is not None and state not in STATES:
        raise Invalid(
            N_("?state= must be one of {states}"), code="bad_argument", states=list(STATES)
        )
    rows = visible_reviews(parts().store, staff_user(), state)
    zone = site_zone(parts())
    return ReviewList(reviews=[review_summary(row, zone) for row in rows])


@bp.get("/reviews/<int:review_id>")
@staff_required()
@answers(ReviewPage)
def get_review(review_id: int) -> Any:
    """One draft: author, times, file, base revision, its text, the diff and the media it adds."""
    instance = parts()
    visible_review(instance.store, staff_user(), review_id)
    detail = review_detail(instance, review_id)
    rows = [
        library.media_row(instance.store, media_id)
        for media_id in detail.media_added
        if library.media_exists(instance.store, media_id)
    ]
    media = describe_media(instance, rows)
    return ReviewPage(**detail.model_dump(exclude_unset=True), media=media)


@bp.post("/reviews/<int:review_id>/approve")
@staff_required()
@answers(Saved)
def approve_review(review_id: int) -> Any:
    """Write the draft (reviewers and admins, never its author) when it is still the
    `version` the reviewer read; 409 when the draft or the file moved on."""
    body = parse_body(Decision)
    saved = approve(parts(), review_id, staff_user(), body.comment, body.version)
    return saved_answer(saved)


@bp.post("/reviews/<int:review_id>/reject")
@staff_required()
@answers(ReviewSummary)
def reject_review(review_id: int) -> Any:
    """Turn the draft down with a comment for its author; nothing is written."""
    body = parse_body(Decision)
    return reject(parts(), review_id, staff_user(), body.comment)
