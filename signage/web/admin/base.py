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
from flask_babel import get_locale
from werkzeug.exceptions import RequestEntityTooLarge

from signage.errors import SignageError, Unauthorized
from signage.phrases import N_, Phrase
from signage.web.admin.issue_words import error_text
from signage.web.auth import current_user
from signage.web.csrf import check_csrf
from signage.web.forms import unreadable_form

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Endpoints a visitor may open before signing in.
PUBLIC = {"admin.login", "admin.language"}


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
