"""Court lobby signage: YAML-configured playlists for the screens of a court."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing the package must not import Flask: the pure modules live here
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web application: the typed parts once, then the web edge around them."""
    from signage.parts import build_parts
    from signage.web import create_web_app

    return create_web_app(build_parts(config))
