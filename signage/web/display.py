"""The page a lobby screen opens: /display/<screen-id>?key=<screen-key>."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from signage.auth import screen_key_from_request
from signage.errors import Forbidden, NotFound

bp = Blueprint("display", __name__, url_prefix="/display")


@bp.get("/<screen_id>")
def page(screen_id: str) -> Any:
    """The player page; a plain full-screen refusal when the key is wrong."""
    service = current_app.extensions["signage"].screens
    key = screen_key_from_request()
    try:
        service.verify_key(screen_id, key)
    except (Forbidden, NotFound) as error:
        return render_template("display_refused.html", message=error.message), error.status
    config = service.config()
    return render_template(
        "display.html", screen_id=screen_id, screen=config.screens[screen_id],
        site=config.site, key=key,
    )
