"""Chinese first, English on request: the language of the staff pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, redirect, request, url_for
from flask_babel import Babel

from signage.web.admin.base import bp
from signage.web.admin.issue_words import issue_place, issue_text

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "translations"


def select_locale() -> str:
    """The language chosen with the switch (a cookie), else Chinese."""
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_babel(app: Flask) -> None:
    """Flask-Babel with the catalogues in signage/translations."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, issue_text=issue_text, issue_place=issue_place
    )


@bp.get("/language/<code>")
def language(code: str) -> Any:
    """Switch the pages' language and go back where the person was."""
    target = request.referrer or url_for("admin.overview")
    if not target.startswith(request.host_url):
        target = url_for("admin.overview")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE,
            code,
            max_age=400 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
