"""Signing in and out of the staff pages with a session cookie."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from signage.auth import authenticate
from signage.errors import SignageError, Unauthorized
from signage.login_limit import LoginLimiter
from signage.revisions import audit
from signage.users import count_users
from signage.web.admin.base import bp, error_text, signage, user

LIMITER = "signage.login_limiter"


def limiter() -> LoginLimiter:
    """The app's sign-in limiter (one per process; see signage.login_limit)."""
    return current_app.extensions.setdefault(LIMITER, LoginLimiter())


def _safe_next(target: str | None) -> str:
    """Only local pages of the staff UI (or a player preview), never another site."""
    if target and target.startswith(("/admin", "/display/")) and not target.startswith("//"):
        return target
    return url_for("admin.overview")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; tells how to make the first admin when nobody can sign in yet."""
    store = signage().store
    error, status, name = None, 200, ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:64]
        keys = (f"user:{name.lower()}", f"addr:{request.remote_addr}")
        try:
            limiter().check(*keys)
            found = authenticate(store, name, request.form.get("password", "")[:256])
        except Unauthorized as refused:
            limiter().failed(*keys)
            error, status = error_text(refused), refused.status
        except SignageError as refused:
            error, status = error_text(refused), refused.status
        else:
            limiter().succeeded(keys[0])
            session.clear()  # a fresh session (and CSRF token): nothing carries over
            session["user"] = found["name"]
            return redirect(_safe_next(request.args.get("next")))
    return (
        render_template(
            "admin/login.html", error=error, name=name, no_users=count_users(store) == 0
        ),
        status,
    )


@bp.post("/logout")
def logout() -> Any:
    """Sign out: the session is forgotten at once."""
    audit(signage().store, user(), "logout", None)
    session.clear()
    return redirect(url_for("admin.login"))
