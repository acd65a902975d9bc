"""Who is calling: staff by Bearer token or session cookie, screens by their key."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request, session

from signage.accounts.staff import Role, StaffUser
from signage.accounts.tokens import user_by_token
from signage.accounts.users import authenticate, user_by_name
from signage.errors import Forbidden, Unauthorized
from signage.phrases import N_
from signage.units import role_words
from signage.web.context import parts
from signage.web.csrf import check_csrf

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> StaffUser | None:
    """The staff user of this request (Bearer token or browser session), or None."""
    if "user" in g:
        return g.user
    store = parts().store
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_by_token(store, header.removeprefix("Bearer ").strip())
        if user is None:
            raise Unauthorized(
                N_(
                    "the token is wrong, expired or revoked; create a new one with "
                    "`signage token create <user>`"
                ),
                code="bad_token",
            )
    elif session.get("user"):
        user = _session_user()
        if user is not None:
            check_csrf()  # a cookie is ambient authority: state changes need the page's token
    g.user = user
    return user


def _session_user() -> StaffUser | None:
    """The session's user while the account is unchanged and the session not idle too long."""
    instance = parts()
    found = user_by_name(instance.store, session["user"])
    moment = time.time()
    idle_limit = instance.settings.session_idle_hours * 3600
    if (
        found is None
        or found.disabled
        # A password change or a disable gives the account a new stamp: older sessions end.
        or session.get("stamp") != (found.stamp or "")
        or moment - float(session.get("seen", 0)) > idle_limit
    ):
        session.clear()
        return None
    if moment - float(session.get("seen", 0)) > 60:  # re-sending the cookie once a minute is enough
        session["seen"] = moment
    return found


def staff_user() -> StaffUser:
    """The signed-in staff user of this request; 401 when nobody is signed in."""
    user = current_user()
    if user is None:
        raise Unauthorized(N_("sign in first, or send the header Authorization: Bearer <token>"))
    return user


def staff_required(role: Role | None = None) -> Callable[[F], F]:
    """Decorator: the request must come from a signed-in user (with this role, if given)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = staff_user()
            if role is not None and user.role != role:
                raise Forbidden(
                    N_("this needs the {role} role; ask an administrator"), role=role_words(role)
                )
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def sign_in(name: str, password: str) -> StaffUser:
    """Check the password (through the one limiter) and start a fresh session for the user."""
    instance = parts()
    user = authenticate(instance.store, instance.login_limiter, name, password, request.remote_addr)
    session.clear()  # a fresh session (and CSRF token): nothing carries over
    session["user"] = user.name
    session["stamp"] = user.stamp or ""
    session["seen"] = time.time()
    return user


def screen_key_from_request() -> str:
    """The key a screen sent: `?key=`, the X-Screen-Key header, or its cookie."""
    return (
        request.headers.get("X-Screen-Key")
        or request.args.get("key")
        or request.cookies.get("screen_key")
        or ""
    )
