"""The media library: upload several files at once, follow their preparation, preview, delete.

Uploads, progress and deletion go to the media API from the page's script; this view lists,
renders one row (so a new upload joins the table at once and follows its progress there),
and changes a title.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.accounts.audit import audit
from signage.media import library
from signage.phrases import render_phrase
from signage.units import check_media
from signage.web.admin.base import bp
from signage.web.admin.layout import playlist_name
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts
from signage.web.forms import PublishedForm, TitleForm, TopicsForm, takes_form
from signage.web.media_json import describe_media


def _failures(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Why each failed row failed, in the page's language (rows failed before the error was
    kept as a phrase are left out: the page shows their English `error`)."""
    failures = {}
    for row in rows:
        phrase = library.failure_phrase(row) if row["status"] == library.FAILED else None
        if phrase is not None:
            failures[row["id"]] = render_phrase(phrase["template"], phrase.get("params") or {}, _)
    return failures


def _matches(row: dict[str, Any], words: str) -> bool:
    text = " ".join(str(row.get(k) or "") for k in ("id", "title", "original_name")).lower()
    return all(word in text for word in words.lower().split())


@bp.get("/media")
def media_page() -> Any:
    """Every clip and picture (filtered by ?q=), with status, size, use and preview."""
    instance = parts()
    query = request.args.get("q", "").strip()
    rows = [row for row in library.all_media(instance.store) if not query or _matches(row, query)]
    media = describe_media(instance, rows)
    return render_template(
        "admin/media.html",
        media=media,
        failures=_failures(rows),
        query=query,
        topic_names=_topic_names(),
        upload_url=url_for("api.upload_media"),
        review_on=instance.settings.review,
        # A refused delete names the playlists using the clip: by the names staff know.
        playlist_names={pid: playlist_name(pid) for pid in sorted(config.playlists)}
        if (config := instance.state.current)
        else {},
    )


@bp.get("/media/<media_id>/row")
def media_table_row(media_id: str) -> Any:
    """One row of the library table, as the page shows it (the page script follows uploads)."""
    instance = parts()
    row = library.media_row(instance.store, media_id)
    (item,) = describe_media(instance, [row])
    return render_template(
        "admin/media_row.html",
        item=item,
        failures=_failures([row]),
        topic_names=_topic_names(),
    )


def _topic_names() -> dict[str, str]:
    """The 普法 topics site.yaml declares (none while no configuration has loaded)."""
    config = parts().state.current
    return dict(config.site_file.topics) if config is not None else {}


@bp.post("/media/<media_id>/title")
@takes_form(TitleForm)
def media_title(media_id: str, form: TitleForm) -> Any:
    """Give a clip or picture the title staff will read in playlists and reports."""
    instance = parts()
    title = form.title
    check_media(staff_user(), instance.state.current, library.media_row(instance.store, media_id))
    library.set_title(instance.store, media_id, title)
    audit(instance.store, staff_user(), "media.title", media_id, {"title": title.strip()})
    flash(_("The title is saved."))
    return redirect(url_for("admin.media_page", q=request.args.get("q") or None))


@bp.post("/media/<media_id>/published")
@staff_required("admin")
@takes_form(PublishedForm)
def media_published(media_id: str, form: PublishedForm) -> Any:
    """Offer a clip or picture to subscribing courts in the feed, or stop offering it."""
    instance = parts()
    published = form.published == "on"
    library.set_published(instance.store, media_id, published)
    audit(instance.store, staff_user(), "media.publish", media_id, {"published": published})
    flash(_("Published for other courts.") if published else _("No longer published."))
    return redirect(url_for("admin.media_page", q=request.args.get("q") or None))


@bp.post("/media/<media_id>/topics")
@takes_form(TopicsForm)
def media_topics(media_id: str, form: TopicsForm) -> Any:
    """Give a clip or picture its 普法 topics (ticked among those site.yaml declares)."""
    instance = parts()
    library.media_row(instance.store, media_id)
    topics = library.checked_topics(form.topic, _topic_names())
    library.set_topics(instance.store, media_id, topics)
    instance.screens.invalidate()
    audit(instance.store, staff_user(), "media.topics", media_id, {"topics": topics})
    flash(_("The topics are saved."))
    return redirect(url_for("admin.media_page", q=request.args.get("q") or None))
