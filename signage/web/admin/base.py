"""The staff pages' blueprint: sign-in required, CSRF checked, errors shown as pages."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from signage.accounts.users import MAX_PASSWORD, MIN_PASSWORD
from signage.errors import SignageError, Unauthorized
from signage.media.library import TITLE_LIMIT
from signage.phrases import N_, Phrase
from signage.web.admin.issue_words import error_text as phrase_text
from signage.web.auth import current_user
from signage.web.csrf import check_csrf
from signage.web.forms import unreadable_form

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Endpoints a visitor may open before signing in.
PUBLIC = {"admin.login", "admin.language"}

# Plain Chinese (via the catalogue) for every code the package raises (the API and the
# command line keep the domain's English message); tests/admin/test_every_error_code.py
# fails when a raised code has no words here.
ERROR_TEXT = {
    "nothing_to_export": _l("Nothing of this playlist plays in those days from a USB stick."),
    "bad_days": _l("Write the days as a number from 1 to 366."),
    "bad_height": _l("Choose one of the picture sizes offered."),
    "bad_login": _l("The user name or password is wrong."),
    "too_many_logins": _l("Too many failed sign-ins. Wait a few minutes and try again."),
    "csrf_failed": _l("This form has expired. Reload the page and try again."),
    "forbidden": _l("This page is for administrators. Ask an administrator for help."),
    "edit_conflict": _l("Someone else saved this file after you opened it."),
    "invalid_config": _l("Not saved: the configuration would have errors."),
    "in_use": _l("Not deleted: it is still in use."),
    "screens_admin_only": _l(
        "Only an administrator may add, remove, rename or regroup screens. "
        "Undo your changes under screens:, or ask an administrator."
    ),
    "weak_password": _l(
        "This password is too common or contains the user name. Choose a longer phrase."
    ),
    "short_password": _l(
        "The password is too short: it needs at least %(count)s characters.", count=MIN_PASSWORD
    ),
    "long_password": _l(
        "The password is too long: it may have at most %(count)s characters.", count=MAX_PASSWORD
    ),
    "bad_form": _l(
        "This form could not be read: it may be incomplete or out of date. Reload the page "
        "and try again."
    ),
    "bad_user_name": _l(
        "A user name is 1 to 64 letters, digits or Chinese characters (and . - _), no spaces."
    ),
    "bad_role": _l("Choose one of the roles offered."),
    "user_exists": _l("There is already an account with this name."),
    "last_admin": _l("This is the only administrator. Make someone else an administrator first."),
    "own_change": _l("Nobody approves their own change. Ask another reviewer."),
    "decided": _l("Someone else decided on this change meanwhile. Reload the page."),
    "comment_required": _l("Say why, so that the author can fix it."),
    "review_conflict": _l(
        "The file changed after this draft was made; nothing was overwritten. Compare the "
        "three versions, then ask the author to redo the change."
    ),
    "review_changed": _l(
        "The author saved this change again after you opened it; nothing was approved. "
        "Read the new version below, then approve or reject it."
    ),
    "version_required": _l("Approve from the review page, where you see the change."),
    "exists": _l("A playlist with this id exists already. Open it and change it there."),
    "same_revision": _l("Choose two different versions to compare."),
    "deleted_revision": _l(
        "This version records that the file was deleted; restore an earlier one."
    ),
    "urgent_by_reviewers": _l(
        "Here urgent messages are put up by reviewers and administrators. Ask one of them."
    ),
    "unknown_screen": _l("There is no such screen (any more) in the configuration."),
    "screen_exists": _l("There is already a screen with this id. Choose another id."),
    "media_exists": _l("There is already a clip or poster with this id. Choose another id."),
    "bad_title": _l("Write a title of at most %(count)s characters.", count=TITLE_LIMIT),
    "media_busy": _l("It is being prepared. Delete it once it is ready or refused."),
    "bad_day_kind": _l("Choose holiday, court closed or make-up workday."),
    "bad_calendar_day": _l("Choose the dates in the calendar (years 2000 to 2099)."),
    "calendar_backwards": _l("The last day comes before the first day."),
    "calendar_too_long": _l("A stretch of days is at most two months long; check the year."),
    "calendar_listed": _l("These days are listed already."),
    "calendar_not_listed": _l("These days are not listed any more; reload the page."),
    "not_found": _l("It was not found: it may have been deleted or renamed. Reload the page."),
    "bad_id": _l(
        "This id cannot be used: write lowercase letters, digits, - and _ (for example "
        "lobby-east); site is taken by the site settings."
    ),
    "bad_date": _l("This date cannot be used. Write a date from 2000 to 2099, like 2026-12-01."),
    "not_ready": _l("Approve it once it is prepared, after watching the prepared file."),
    "no_screen_name": _l("Write the screen's name, as staff will read it."),
    "bad_time": _l(
        "This time cannot be used. Write it like 2026-12-04 10:00, and not too far off."
    ),
    # The media preparation's refusals (stable codes), also shown by the media page's script.
    "empty_file": _l("The file is empty (0 bytes): the copy did not finish. Try again."),
    "not_media": _l("This is not a video or picture, or the file is damaged."),
    "no_video_stream": _l("The file has sound but no picture. Upload a video or a picture."),
    "damaged": _l("The file is damaged: it breaks off before the end. Copy it again."),
    "too_long": _l("The clip is longer than the longest allowed."),
    "unknown_duration": _l(
        "The length of the clip cannot be told. Convert it to MP4 and upload it again."
    ),
    "not_video": _l("This is a picture, not a video."),
    "not_image": _l("This is a video, not a picture."),
    "disk_full": _l("The server's disk is full. Ask the administrator."),
    "too_large": _l("The file is larger than the upload limit."),
    "bad_upload": _l("The upload broke off. Try again."),
    "bad_captions": _l(
        "The captions file could not be read. Upload an .srt or .vtt file (UTF-8 or GBK)."
    ),
    "not_a_clip": _l("Only clips take captions."),
    # The rest of what the package raises (tests/error_codes.py finds every code).
    "bad_argument": _l(
        "This address asks for something that cannot be shown. Go back and choose again."
    ),
    "bad_backup": _l("This is not a backup of this system, or it is damaged."),
    "bad_hearings": _l(
        "The hearing list could not be read: "
        "export it with its column titles (案号, 开庭时间) as an Excel or CSV file."
    ),
    "bad_json": _l(
        "The page sent something the server cannot read. Reload the page and try again."
    ),
    "bad_media_id": _l(
        "This id cannot be used for a clip or poster: write lowercase letters, digits, - and _."
    ),
    "bad_package": _l(
        "The content package is damaged or incomplete; nothing was imported. "
        "Copy it again from the publisher."
    ),
    "bad_range": _l("Choose a shorter stretch of days."),
    "bad_request": _l(
        "The page sent something the server cannot read. Reload the page and try again."
    ),
    "bad_screen_key": _l(
        "This screen is not authorised: its key is missing or wrong. "
        "Ask an administrator to set it up again."
    ),
    "bad_setting": _l("A server setting has a wrong value. Ask the administrator."),
    "bad_signature": _l(
        "The package's signature does not match; nothing was imported. "
        "Copy it again from the publisher."
    ),
    "bad_token": _l("The access token is wrong, expired or revoked. Create a new one."),
    "bad_trusted_publishers": _l(
        "The list of trusted publishers has a wrong line. Ask the administrator."
    ),
    "bad_unit": _l(
        "A unit id is lowercase letters, digits, - and _, as under units: in site.yaml."
    ),
    "config_unavailable": _l(
        "The configuration has errors and none has loaded yet. Ask the administrator to check it."
    ),
    "conflict": _l("Someone else changed this meanwhile. Reload the page and try again."),
    "duplicate_play": _l("The play records were not stored: some appear twice."),
    "empty_package": _l("Choose the clips, posters or playlists to export."),
    "error": _l("This did not work. Try again; if it fails again, ask the administrator."),
    "feed_unreachable": _l(
        "The subscribed content could not be fetched. Check the network, or try again later."
    ),
    "ffmpeg_failed": _l(
        "Preparing the file failed. Ask the administrator to look at the server log."
    ),
    "ffmpeg_missing": _l(
        "The video tools (ffmpeg) are missing on the server. Ask the administrator."
    ),
    "ffmpeg_timeout": _l(
        "Preparing the file took too long and was stopped. Try a shorter or smaller file."
    ),
    "folder_not_empty": _l("Choose a new or empty folder; nothing already there is overwritten."),
    "font_missing": _l("A Chinese font is missing on the server. Ask the administrator."),
    "future_play": _l(
        "The play records were not stored: some start in the future. Check the screen's clock."
    ),
    "hearings_unreachable": _l(
        "The hearing list could not be fetched from the court's system. Try again later."
    ),
    "http_error": _l("The request failed. Reload the page and try again."),
    "if_match_required": _l(
        "Open the file again before saving, so that nobody's changes are overwritten."
    ),
    "internal_error": _l(
        "Preparing the file failed. Ask the administrator to look at the server log."
    ),
    "interrupted": _l(
        "Preparing the file was interrupted several times. Upload it again, or try a smaller file."
    ),
    "invalid": _l("This cannot be saved as it is. Check what you wrote and try again."),
    "media_in_use": _l("Not deleted: playlists still use it. Remove it from them first."),
    "media_needs_key": _l("Media files are for screens and signed-in staff. Sign in first."),
    "media_refused": _l("This file cannot be shown on the screens."),
    "method_not_allowed": _l(
        "This address cannot be used this way. Go back and use the page's buttons."
    ),
    "metrics_need_token": _l("Sign in, or use the monitoring token."),
    "missing_id": _l("Give the new playlist an id."),
    "no_file": _l("Choose a file to upload."),
    "no_snapshot": _l("This screen has sent no picture of itself yet."),
    "not_empty": _l("Restore only into an empty installation."),
    "not_jpeg": _l("The screen's picture is not a JPEG picture, or it is too large."),
    "not_multipart": _l("The file was not sent as an upload. Reload the page and try again."),
    "schema_out_of_date": _l("The database needs an upgrade. Ask the administrator."),
    "symlink": _l(
        "This file is a link, not the file itself. Put the file itself in the playlists folder."
    ),
    "too_many": _l("Too many at once. Choose fewer and try again."),
    "too_many_rules": _l("The schedule has too many rules. Remove some first."),
    "unauthorized": _l("Sign in first."),
    "unknown_publisher": _l(
        "The package is signed by a publisher this server does not trust. Ask the administrator."
    ),
    "unknown_topic": _l(
        "This topic is not declared in the site settings. Choose one of the topics offered."
    ),
    "unknown_unit": _l("There is no such unit in the site settings."),
    "unsupported_media_type": _l(
        "The page sent something the server cannot read. Reload the page and try again."
    ),
    "upload_missing": _l("The uploaded file is gone from the server. Upload it again."),
    "write_failed": _l("The file could not be written on the server. Ask the administrator."),
}


# A unit's people meet these: what was refused, and what they may change instead. Filled from
# the error's details (unit_name, part).
UNIT_ERROR_TEXT = {
    "unit_playlist": _l(
        "Playlist %(part)s is not %(unit_name)s's. You may change only your unit's playlists "
        "(they say unit: in their text); the county's playlists you may use in your rules."
    ),
    "unit_site": _l(
        "In site.yaml you may change only the rules of %(unit_name)s; %(part)s is not yours. "
        "Undo that change, or ask an administrator."
    ),
    "unit_screens": _l(
        "%(part)s: not the screens of %(unit_name)s. Your rules and urgent messages may name "
        "only your unit's screens."
    ),
    "unit_hearings": _l(
        "The courtrooms %(part)s are not %(unit_name)s's. Import only your unit's hearings."
    ),
    "unit_media": _l(
        "%(part)s was not uploaded by %(unit_name)s. You may rename or delete only your unit's "
        "uploads; everyone may use the whole library."
    ),
    "unit_review": _l(
        "This draft is not by the people of %(unit_name)s; you review only your unit's drafts."
    ),
    "unit_unknown": _l(
        "Your unit %(unit_name)s is not in site.yaml any more. Ask an administrator."
    ),
}


def error_text(error: SignageError) -> str:
    """TRANSITION: the phrase's words where the catalogue has them, else ERROR_TEXT."""
    if error.code in UNIT_ERROR_TEXT and isinstance(error.details, dict):
        details = dict(error.details)
        rule = str(details.get("part", "")).removeprefix("schedule ")
        if rule.isdigit():  # "schedule 5": the fifth rule of site.yaml
            details["part"] = _("rule #%(number)s", number=rule)
        return str(UNIT_ERROR_TEXT[error.code]) % details
    worded = phrase_text(error)
    if str(get_locale()) != "en" and gettext(error.phrase.template) == error.phrase.template:
        own = error.phrase.render(gettext)
        return worded.replace(own, str(ERROR_TEXT.get(error.code, own)), 1)
    return worded


def refusal_texts() -> dict[str, str]:
    """ERROR_TEXT in the reader's language, for a page's script to word an API refusal."""
    return {code: str(text) for code, text in ERROR_TEXT.items()}


def wants_json() -> bool:
    """Whether the page's script (fetch) rather than a form made the request."""
    return request.accept_mimetypes.best == "application/json" or request.is_json


@bp.before_request
def _guard() -> Any:
    check_csrf()
    if request.endpoint not in PUBLIC and current_user() is None:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    return None


@bp.errorhandler(RequestEntityTooLarge)
def _form_too_large(error: RequestEntityTooLarge) -> Any:
    # The pages post small forms (uploads go to the API): one past the size limits was
    # tampered with, and is told as any form that could not be read.
    refused = unreadable_form([Phrase.of(N_("the whole form, too large"))])
    # Rendered without the pages' context (it asks who is signed in, which reads the form).
    page = current_app.jinja_env.get_template("admin/form_too_large.html")
    return page.render(text=error_text(refused), lang=get_locale()), 400


@bp.errorhandler(SignageError)
def _page_error(error: SignageError) -> Any:
    if isinstance(error, Unauthorized) and not wants_json():
        return redirect(url_for("admin.login"))
    if wants_json():
        body = error.to_dict()
        body["error"]["text"] = error_text(error)
        return jsonify(body), error.status
    # A form that could not be read is not worth another try from the same page: the page
    # says so with its 400, rather than a flash on a page that would post it again.
    if (
        request.method == "POST"
        and error.status in (400, 409, 412, 422)
        and error.code != "bad_form"
    ):
        flash(error_text(error), "error")
        return redirect(request.referrer or url_for("admin.overview"))
    return render_template("admin/error.html", error=error, text=error_text(error)), error.status
