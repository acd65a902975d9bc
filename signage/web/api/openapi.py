"""/api/v1/openapi.json: the description of this API, public like any API reference."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from signage.web.api.base import bp
from signage.web.openapi import openapi_document, route_views


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 document of every /api/v1 endpoint this server has."""
    return openapi_document(route_views(current_app), served=True)


def served_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, "/path/{param}") of every /api/v1 route of the app."""
    return set(route_views(app))
