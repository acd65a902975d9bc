"""Cross-site request forgery defence for browser sessions: one secret token per session.

Every state-changing request that a session cookie authorises must carry the token, as the
form field `csrf_token` or the header `X-CSRF-Token`. Requests with a Bearer token or a
screen key carry no ambient authority, so they need none. SameSite=Lax cookies already stop
most cross-site posts; the token also covers old browsers and same-site subdomains.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from signage.errors import Forbidden
from signage.phrases import N_

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token() -> str:
    """This session's token, made on first use (templates put it in every form)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """403 unless a state-changing request carries this session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_KEY) or ""
    sent = request.headers.get(HEADER) or ""
    # A multipart body is an upload streamed to disk by its view: parsing it here for a form
    # field would read the whole file first. Uploads send the header instead.
    if not sent and request.mimetype != "multipart/form-data":
        sent = request.form.get(FORM_FIELD) or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            N_(
                "the form has expired or did not come from this site; reload the page and try again"
            ),
            code="csrf_failed",
        )
