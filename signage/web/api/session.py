"""Browser sign-in: a session cookie for staff, as an alternative to a Bearer token."""

from __future__ import annotations

from typing import Any

from flask import session
from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.accounts.staff import Role, StaffUser
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.auth import sign_in, staff_required, staff_user
from signage.web.bodies import Login
from signage.web.context import parts
from signage.web.csrf import csrf_token


class Who(BaseModel):
    """The signed-in user and their role; by session, the token to send as X-CSRF-Token."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    csrf_token: str | None = None  # left out for a Bearer token


class SignedOut(BaseModel):
    """The session is over."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signed_out: bool


def _who(user: StaffUser) -> Who:
    if session.get("user"):
        # A script signed in by session must send this as X-CSRF-Token to change anything.
        return Who(name=user.name, role=user.role, csrf_token=csrf_token())
    return Who(name=user.name, role=user.role)


@bp.post("/session")
@answers(Who)
def login() -> Any:
    """Sign in with name and password; the answer sets the session cookie."""
    body = parse_body(Login)
    return _who(sign_in(body.name, body.password))


@bp.get("/session")
@staff_required()
@answers(Who)
def who_am_i() -> Any:
    """The signed-in user (by session or token) and their role."""
    return _who(staff_user())


@bp.delete("/session")
@staff_required()
@answers(SignedOut)
def logout() -> Any:
    """Sign out of the browser session."""
    audit(parts().store, staff_user(), "logout", None)
    session.clear()
    return SignedOut(signed_out=True)
