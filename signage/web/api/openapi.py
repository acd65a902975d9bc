"""/api/v1/openapi.json: the description of this API, public like any API reference."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app

from signage.web.api.base import bp
from signage.web.openapi import openapi_document

SKIP = {"HEAD", "OPTIONS"}


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 document of every /api/v1 endpoint this server has."""
    return openapi_document(served_routes(current_app))


def served_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, "/path/{param}") of every /api/v1 route of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(bp.url_prefix or ""):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            path = path.removeprefix(bp.url_prefix or "")
            found |= {(method, path) for method in rule.methods or () if method not in SKIP}
    return found
