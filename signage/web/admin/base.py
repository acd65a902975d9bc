"""The staff pages' blueprint: sign-in required, CSRF checked, errors shown as pages."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l

from signage.errors import SignageError, Unauthorized
from signage.web.auth import current_user
from signage.web.csrf import check_csrf

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Endpoints a visitor may open before signing in.
PUBLIC = {"admin.login", "admin.language"}

# Plain Chinese (via the catalogue) for the domain errors staff meet most; others show the
# domain's own message.
ERROR_TEXT = {
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
}


def user() -> dict[str, Any]:
    """The signed-in staff member (pages are only reached signed in)."""
    return current_user() or {}


def error_text(error: SignageError) -> str:
    """The error in the reader's language where we have words for it."""
    return str(ERROR_TEXT.get(error.code, error.message))


def wants_json() -> bool:
    """Whether the page's script (fetch) rather than a form made the request."""
    return request.accept_mimetypes.best == "application/json" or request.is_json


@bp.before_request
def _guard() -> Any:
    check_csrf()
    if request.endpoint not in PUBLIC and current_user() is None:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    return None


@bp.errorhandler(SignageError)
def _page_error(error: SignageError) -> Any:
    if isinstance(error, Unauthorized) and not wants_json():
        return redirect(url_for("admin.login"))
    if wants_json():
        body = error.to_dict()
        body["error"]["text"] = error_text(error)
        return jsonify(body), error.status
    if request.method == "POST" and error.status in (400, 409, 412, 422):
        flash(error_text(error), "error")
        return redirect(request.referrer or url_for("admin.overview"))
    return render_template("admin/error.html", error=error, text=error_text(error)), error.status
