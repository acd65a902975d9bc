"""Browser sign-in: a session cookie for staff, as an alternative to a Bearer token."""

from __future__ import annotations

from typing import Any

from flask import session

from signage.accounts.audit import audit
from signage.web.api.base import bp, parse_body
from signage.web.auth import current_user, sign_in, staff_required
from signage.web.bodies import Login
from signage.web.context import parts
from signage.web.csrf import csrf_token


def _who(user: dict[str, Any]) -> dict[str, Any]:
    who = {"name": user["name"], "role": user["role"]}
    if session.get("user"):
        # A script signed in by session must send this as X-CSRF-Token to change anything.
        who["csrf_token"] = csrf_token()
    return who


@bp.post("/session")
def login() -> Any:
    """Sign in with name and password; the answer sets the session cookie."""
    body = parse_body(Login)
    return _who(sign_in(body.name, body.password))


@bp.get("/session")
@staff_required()
def who_am_i() -> Any:
    """The signed-in user (by session or token) and their role."""
    return _who(current_user() or {})


@bp.delete("/session")
@staff_required()
def logout() -> Any:
    """Sign out of the browser session."""
    audit(parts().store, current_user(), "logout", None)
    session.clear()
    return {"signed_out": True}
