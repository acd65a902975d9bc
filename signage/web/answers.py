"""What a JSON view answers: the response models it declares, and the one way they are worded.

A view says `@answers(Alert, status=201)` beside its route. It then returns the domain's
model (with real datetimes), and this module turns it into JSON once: datetimes become
ISO-8601 with their offset, to the second (`config.when.json_values`, through `iso`, the
form SPEC shows; a `PreciseTime` a screen sets its clock by, to the millisecond; the
manifest's cache words its model the same way, once per build). The OpenAPI document
(signage/web/openapi.py) reads the same declarations, so each declared answer's schema is
generated from its model, closed (no key the model lacks, none missing).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from signage.config.when import json_values

F = TypeVar("F", bound=Callable[..., Any])

# The attribute a declared view carries (functools.wraps copies it onto outer decorators).
DECLARED = "__answers__"


def answers(model: type[BaseModel], status: int = 200) -> Callable[[F], F]:
    """Decorator: the view answers `status` with this model (returned as the model itself,
    or as (model, status, headers) like any Flask view); declared for the OpenAPI document."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            answer = view(*args, **kwargs)
            if isinstance(answer, tuple):
                return (json_values(answer[0]), *answer[1:])
            return json_values(answer) if isinstance(answer, BaseModel) else answer

        declared = {**getattr(view, DECLARED, {}), status: model}
        setattr(wrapper, DECLARED, declared)
        return wrapper  # type: ignore[return-value]

    return decorate


def declared_answers(view: Callable[..., Any]) -> dict[int, type[BaseModel]]:
    """The models a view declared, by status (empty for a view not declared yet)."""
    return dict(getattr(view, DECLARED, {}))
