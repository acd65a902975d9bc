"""The one way web code reaches the running instance's parts."""

from __future__ import annotations

from flask import Flask, current_app, request

from signage.parts import Signage

EXTENSION = "signage"


def attach(app: Flask, parts: Signage) -> None:
    """Keep the parts on the app (done once, by create_web_app)."""
    app.extensions[EXTENSION] = parts


def parts() -> Signage:
    """The parts of the instance serving this request."""
    return current_app.extensions[EXTENSION]


def public_url() -> str:
    """The address screens reach this server at: SIGNAGE_PUBLIC_URL, else the one this request
    came in on (its scheme and host as the trusted proxies forwarded them)."""
    return parts().settings.public_url or request.host_url.rstrip("/")
