"""Headers that tell browsers what staff pages, API answers and screens may do.

Staff pages and API answers: no inline script, nothing loaded from other sites, never
framed by another site (the users page has password forms). The lobby player keeps its own
rules (it is framed by the staff preview); it still never sends its key-bearing address on.
"""

from __future__ import annotations

from flask import Flask, Response, request

STAFF_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Bars of the week view are placed with style attributes; no script can hide there.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The player runs inside the staff preview's frame: only pages of this site may frame it.
DISPLAY_POLICY = "frame-ancestors 'self'; object-src 'none'; base-uri 'none'"


def add_security_headers(response: Response) -> Response:
    """Add the headers to every answer (a view's own value wins)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/display/"):
        headers.setdefault("Content-Security-Policy", DISPLAY_POLICY)
    else:
        headers.setdefault("Content-Security-Policy", STAFF_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    return response


def init_app(app: Flask) -> None:
    """Send the headers with every answer of the app."""
    app.after_request(add_security_headers)
