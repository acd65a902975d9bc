"""The staff web UI under /admin: server-rendered pages, Chinese first, one module per page."""

from __future__ import annotations

from flask import Flask

from signage.web.admin import (
    alerts,
    calendar,
    change_words,
    hearings,
    i18n,
    layout,
    ledger,
    login,
    media,
    overview,
    people,
    playlists,
    records,
    reviews,
    schedule,
    usb,
)
from signage.web.admin.base import bp
from signage.web.csrf import csrf_token

__all__ = [
    "alerts",
    "bp",
    "calendar",
    "change_words",
    "hearings",
    "init_app",
    "layout",
    "ledger",
    "login",
    "media",
    "overview",
    "people",
    "playlists",
    "records",
    "reviews",
    "schedule",
    "usb",
]


def init_app(app: Flask) -> None:
    """Register the pages, the language catalogues and the CSRF token for templates."""
    i18n.init_babel(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.register_blueprint(bp)
