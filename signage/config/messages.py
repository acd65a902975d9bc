"""pydantic's validation errors told in words a staff member understands."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from signage.config.loader import Path_
from signage.config.when import suggest


def explain_error(model: type[BaseModel], error: Any) -> tuple[Path_, str, bool]:
    """A pydantic error in words a staff member understands, and where to point."""
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return (
            loc,
            (f"unknown key {name!r}{suggest(name, allowed)}. Allowed here: {', '.join(allowed)}"),
            True,
        )
    if kind == "missing":
        return loc[:-1], f"{name}: is missing here; add it", False
    messages = {
        "value_error": lambda: str(ctx.get("error", error["msg"])),
        "string_type": lambda: "expected text (put it in quotes if it looks like a number)",
        "int_type": lambda: "expected a whole number",
        "int_parsing": lambda: "expected a whole number",
        "int_from_float": lambda: "expected a whole number, without decimals",
        "dict_type": lambda: "expected keys and values indented under it",
        "model_type": lambda: "expected keys and values indented under it",
        "model_attributes_type": lambda: "expected keys and values indented under it",
        "tuple_type": lambda: "expected a list (lines starting with - )",
        "list_type": lambda: "expected a list (lines starting with - )",
        "literal_error": lambda: f"expected one of {ctx.get('expected')}",
        "string_too_short": lambda: "must not be empty",
        "string_too_long": lambda: f"is too long (at most {ctx.get('max_length')} characters)",
        "greater_than_equal": lambda: f"must be at least {ctx.get('ge')}",
        "less_than_equal": lambda: f"must be at most {ctx.get('le')}",
    }
    text = messages.get(kind, lambda: error["msg"])()
    return loc, (f"{name}: {text}" if name and kind != "value_error" else text), False


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp


def _fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            current = current.model_fields[str(part)].annotation
        else:
            args = typing.get_args(current)
            current = args[-1] if typing.get_origin(current) is dict else args[0]
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []
