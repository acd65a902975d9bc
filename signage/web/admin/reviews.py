"""待审核: drafts and uploads waiting for a second person, and urgent messages to look over.

Reviewers and admins approve or reject here; editors see their own drafts' state and the
reviewer's comment. An approve refused because the file moved on shows the three versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.accounts.users import may_review
from signage.config.validate import SITE_FILE
from signage.config.when import json_values
from signage.db import now
from signage.edits.drafts import PENDING, review_rows, review_summary
from signage.edits.review import (
    approve,
    approve_upload,
    decide_captions,
    draft_config,
    reject,
    review_detail,
    site_zone,
    visible_reviews,
)
from signage.edits.saving import Held, Saved
from signage.errors import Conflict, SignageError
from signage.media.library import media_titles
from signage.programme.preview import PREVIEW_REACH
from signage.programme.unplayed import first_play
from signage.screens.alerts import alerts_posted_since
from signage.web.admin.base import bp
from signage.web.admin.change_words import file_changes
from signage.web.admin.waiting import waiting_captions, waiting_media
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import DecisionForm, NoFields, takes_form

URGENT_DAYS = 7
DECIDED_SHOWN = 20


def my_draft(file: str, etag: str) -> dict[str, Any] | None:
    """The signed-in author's newest draft of this file while it still applies (made on the
    file as it is now, and pending or rejected), so the editor reopens it with its state."""
    instance = parts()
    if not instance.settings.review:  # saves go live: the file is what to edit
        return None
    rows = review_rows(instance.store, file=file, author=staff_user().name)
    if not rows or rows[0]["state"] == "approved" or rows[0]["base_etag"] != etag:
        return None
    # The editor's script reads it as the API words it.
    return {**json_values(review_summary(rows[0], site_zone(parts()))), "text": rows[0]["text"]}


def flash_saved(saved: Saved | Held, done: str) -> None:
    """Tell staff what their save did: `done`, or that it now waits for a reviewer."""
    if isinstance(saved, Saved):
        flash(done)
    else:
        flash(
            _(
                "Sent for review (number %(id)s): screens show it once a reviewer approves it.",
                id=saved.review.id,
            )
        )


def _page(conflict: dict[str, Any] | None = None, status: int = 200) -> Any:
    instance = parts()
    who = staff_user()
    reviewer = may_review(who)
    pending = [  # as dicts: the page adds each draft's media, changes and preview
        review_detail(instance, row["id"]).model_dump()
        for row in visible_reviews(instance.store, who, PENDING)
    ]
    decided = [
        review_summary(row, site_zone(instance))
        for row in visible_reviews(instance.store, who)
        if row["state"] != PENDING
    ][:DECIDED_SHOWN]
    config = instance.screens.config()
    screens = {screen_id: config.target_name(screen_id) for screen_id in sorted(config.screens)}
    media = waiting_media() if reviewer else []
    moment = now()
    for draft in pending:
        draft["media"] = [m for m in media if m.id in draft["media_added"]]
        draft["changes"], draft["others"] = file_changes(
            draft["file"], draft["base"], draft["text"]
        )
        draft["preview"] = preview_place(draft, moment)
    since = moment - dt.timedelta(days=URGENT_DAYS)
    return (
        render_template(
            "admin/reviews.html",
            reviewer=reviewer,
            review_on=instance.settings.review,
            pending=pending,
            decided=decided,
            media=media,
            captions=waiting_captions() if reviewer else [],
            screens=screens,
            urgent=alerts_posted_since(instance.screens, since) if reviewer else [],
            conflict=conflict,
        ),
        status,
    )


def preview_place(draft: dict[str, Any], moment: dt.datetime) -> dict[str, Any]:
    """Where and when to preview a draft: the first screen and time (within the preview's
    reach) its first changed item plays, and that item's key to jump to; now on the first
    screen when it plays nowhere soon or cannot be worked out."""
    instance = parts()
    config = instance.screens.config()
    place = {"screen": next(iter(sorted(config.screens)), ""), "at": moment, "item": None}
    playlist_id = draft["file"].removesuffix(".yaml")
    if draft["file"] != SITE_FILE:
        changed = [c.index for c in draft["changes"] or () if c.index is not None]
        index = changed[0] if changed else None
        try:
            found = first_play(
                draft_config(instance, draft), playlist_id, index, moment, PREVIEW_REACH.days - 1
            )
        except SignageError:
            found = None
        if found is not None:
            place = {
                "screen": found.screen,
                "at": found.at,
                "item": f"{playlist_id}#{index}" if index is not None else None,
            }
    place["at"] = place["at"].astimezone(config.site.zone).strftime("%Y-%m-%dT%H:%M")
    return place


@bp.get("/reviews")
def reviews_page() -> Any:
    """Drafts with their diff, media and a player preview; approve or reject with a comment."""
    return _page()


@bp.get("/reviews/<int:review_id>/preview")
def reviews_preview(review_id: int) -> Any:
    """The player preview of ?screen= at ?at= with this draft applied."""
    return redirect(
        url_for(
            "display.preview",
            screen_id=request.args.get("screen", ""),
            at=request.args.get("at") or None,
            item=request.args.get("item") or None,
            review=review_id,
        )
    )


@bp.post("/reviews/<int:review_id>/approve")
@takes_form(DecisionForm)
def reviews_approve(review_id: int, form: DecisionForm) -> Any:
    """Write the draft; when the file moved on, the page again with the three versions."""
    try:
        approve(parts(), review_id, staff_user(), form.comment, form.version)
    except Conflict as error:
        if error.code != "review_conflict":
            raise
        return _page({"id": review_id, **error.details}, 409)
    flash(_("Approved: screens show the change from their next poll."))
    return redirect(url_for("admin.reviews_page"))


@bp.post("/reviews/<int:review_id>/reject")
@takes_form(DecisionForm)
def reviews_reject(review_id: int, form: DecisionForm) -> Any:
    """Turn the draft down; its author reads the comment on this page and in the editor."""
    reject(parts(), review_id, staff_user(), form.comment)
    flash(_("Rejected; the author sees your comment."))
    return redirect(url_for("admin.reviews_page"))


@bp.post("/reviews/media/<media_id>/approve")
@takes_form(NoFields)
def reviews_approve_media(media_id: str) -> Any:
    """Let screens play an upload held for review."""
    approve_upload(parts(), media_id, staff_user())
    title = media_titles(parts().store, [media_id]).get(media_id, media_id)
    flash(_("Approved: screens play %(id)s from their next poll.", id=title))
    return redirect(url_for("admin.reviews_page"))


@bp.post("/reviews/media/<media_id>/captions/<any(approve, reject):verdict>")
@takes_form(DecisionForm)
def reviews_decide_captions(media_id: str, verdict: str, form: DecisionForm) -> Any:
    """Approve held captions (the version read on this page) or turn them down."""
    approved = verdict == "approve"
    decide_captions(parts(), media_id, staff_user(), form.version, approved=approved)
    if approved:
        flash(_("Approved: screens show the captions of %(id)s from their next poll.", id=media_id))
    else:
        flash(_("Rejected: the captions of %(id)s stay as they were.", id=media_id))
    return redirect(url_for("admin.reviews_page"))
