"""The blueprint of the JSON API and how its views read request bodies."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError

from signage.errors import Invalid
from signage.phrases import N_

bp = Blueprint("api", __name__, url_prefix="/api/v1")

M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M]) -> M:
    """The JSON body validated against a model; 422 listing each problem otherwise."""
    payload: Any = request.get_json(silent=True)
    if payload is None:
        raise Invalid(
            N_("the request body must be JSON (Content-Type: application/json)"), code="bad_json"
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in error["loc"]), "message": error["msg"]}
            for error in exc.errors(include_url=False)
        ]
        raise Invalid(N_("the request body has problems; see details"), details=details) from None
