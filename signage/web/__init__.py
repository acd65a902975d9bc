"""HTTP edges: blueprints and the one place errors become responses."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from signage.errors import SignageError
from signage.parts import Signage
from signage.phrases import N_
from signage.web import (
    access_log,
    admin,
    api,
    display,
    health,
    media_files,
    metrics,
    security_headers,
)
from signage.web.admin.issue_words import error_text
from signage.web.context import attach, parts
from signage.web.request_limits import BODY_LIMIT, RowIdConverter, ShallowJSONProvider


def create_web_app(instance: Signage) -> Flask:
    """The Flask app around the parts: blueprints, hand-edit pickup, error handlers."""
    app = Flask("signage", static_folder="web/static", template_folder="web/templates")
    app.secret_key = instance.screens.secret_key
    app.config.update(
        MAX_CONTENT_LENGTH=BODY_LIMIT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    app.json = ShallowJSONProvider(app)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = RowIdConverter
    # A court reached over https never sends its session over plain http.
    app.config["SESSION_COOKIE_SECURE"] = (instance.settings.public_url or "").startswith(
        "https://"
    )
    proxies = instance.settings.trusted_proxies
    if proxies:
        # Behind nginx every request comes from 127.0.0.1: trust exactly that many proxies'
        # X-Forwarded-For/-Proto, so the limiter, heartbeats and audit see the real client.
        # The scheme too: a screen address derived from the request says https behind it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    attach(app, instance)
    access_log.init_app(app)  # first: its clock starts before the other hooks run
    metrics.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(display.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(media_files.bp)
    admin.init_app(app)
    security_headers.init_app(app)

    @app.get("/")
    def front_door() -> Any:
        """The bare address leads staff to the sign-in page (or the overview once signed in)."""
        return redirect(url_for("admin.overview"))

    @app.before_request
    def _pick_up_hand_edits() -> None:
        parts().refresh_config()

    @app.errorhandler(SignageError)
    def _domain_error(error: SignageError) -> Any:
        body = error.to_dict()
        if session.get("user"):  # a staff page's script: it shows the words as they are
            body["error"]["text"] = error_text(error)
        return body, error.status, error.headers()

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if not _wants_json():
            return error
        code = {
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            400: "bad_request",
            415: "unsupported_media_type",
        }.get(error.code or 500, "http_error")
        template = {
            404: N_("there is nothing at this address"),
            405: N_("{method} is not allowed here"),
            413: N_("the request body is too large"),
            400: N_("the request could not be read; reload the page and try again"),
            415: N_("the request body is not of a type this address takes; send JSON"),
        }.get(error.code or 500, N_("the request failed (HTTP {number}); try again"))
        refused = SignageError(
            template, code=code, status=error.code, method=request.method, number=error.code
        )
        return _domain_error(refused)

    return app


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz", "/metrics"))
