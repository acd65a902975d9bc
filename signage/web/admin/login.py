"""Signing in and out of the staff pages with a session cookie."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, render_template, request, session, url_for

from signage.accounts.audit import audit
from signage.accounts.users import count_users
from signage.errors import SignageError
from signage.web.admin.base import bp
from signage.web.admin.issue_words import error_text
from signage.web.auth import sign_in, staff_user
from signage.web.context import parts
from signage.web.forms import LoginForm, NoFields, takes_form

# A local path without spaces or control characters: no CR/LF can reach the Location
# header, no backslash or "//" can turn it into another site.
LOCAL_PAGE = re.compile(r"/(?:admin|display/)[^\s\x00-\x1f\x7f-\x9f]*")


def _safe_next(target: str | None) -> str:
    """Only local pages of the staff UI (or a player preview), never another site."""
    if target and LOCAL_PAGE.fullmatch(target) and "//" not in target and "\\" not in target:
        return target
    return url_for("admin.overview")


@bp.route("/login", methods=["GET", "POST"])
@takes_form(LoginForm)
def login(form: LoginForm | None = None) -> Any:
    """The sign-in form; tells how to make the first admin when nobody can sign in yet."""
    store = parts().store
    error, status, name, headers = None, 200, "", {}
    if form is not None:
        name = form.name.strip()
        try:
            sign_in(name, form.password)
        except SignageError as refused:
            # Retry-After too, as the API's 429 says, for whatever reads the answer.
            error, status, headers = error_text(refused), refused.status, refused.headers()
        else:
            return redirect(_safe_next(request.args.get("next")))
    return (
        render_template(
            "admin/login.html", error=error, name=name, no_users=count_users(store) == 0
        ),
        status,
        headers,
    )


@bp.post("/logout")
@takes_form(NoFields)
def logout() -> Any:
    """Sign out: the session is forgotten at once."""
    audit(parts().store, staff_user(), "logout", None)
    session.clear()
    return redirect(url_for("admin.login"))
