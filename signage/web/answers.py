"""What a JSON view answers: the response models it declares, and the one way they are worded.

A view says `@answers(Alert, status=201)` beside its route. It then returns the domain's
model (with real datetimes), and this module turns it into JSON once: datetimes become
ISO-8601 with their offset, to the second (`config.when.iso`, the form SPEC shows). The
OpenAPI document (signage/web/openapi.py) reads the same declarations, so each declared
answer's schema is generated from its model, closed (no key the model lacks, none missing).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from signage.config.when import iso

F = TypeVar("F", bound=Callable[..., Any])

# The attribute a declared view carries (functools.wraps copies it onto outer decorators).
DECLARED = "__answers__"


def wire(value: Any) -> Any:
    """A model, or JSON-like data holding models and datetimes, as plain JSON values."""
    if isinstance(value, BaseModel):  # a field left at its default is a key left out
        return wire(value.model_dump(by_alias=True, exclude_unset=True))
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [wire(item) for item in value]
    return value


def answers(model: type[BaseModel], status: int = 200) -> Callable[[F], F]:
    """Decorator: the view answers `status` with this model (returned as the model itself,
    or as (model, status, headers) like any Flask view); declared for the OpenAPI document."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            answer = view(*args, **kwargs)
            if isinstance(answer, tuple):
                return (wire(answer[0]), *answer[1:])
            return wire(answer) if isinstance(answer, BaseModel) else answer

        declared = {**getattr(view, DECLARED, {}), status: model}
        setattr(wrapper, DECLARED, declared)
        return wrapper  # type: ignore[return-value]

    return decorate


def declared_answers(view: Callable[..., Any]) -> dict[int, type[BaseModel]]:
    """The models a view declared, by status (empty for a view not declared yet)."""
    return dict(getattr(view, DECLARED, {}))
