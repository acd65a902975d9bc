"""/api/v1/openapi.json: the description of this API, public like any API reference."""

from __future__ import annotations

from typing import Any

from signage.web.api.base import bp
from signage.web.openapi import openapi_document


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 document of every /api/v1 endpoint."""
    return openapi_document()
