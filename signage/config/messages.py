"""pydantic's validation errors told in words a staff member understands."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from signage.config.loader import Path_
from signage.config.when import did_you_mean
from signage.phrases import N_, Phrase, PhraseError

_EXPECTED_KEYS = N_("expected keys and values indented under it")
_EXPECTED_LIST = N_("expected a list (lines starting with - )")
_WHOLE_NUMBER = N_("expected a whole number")
_YES_OR_NO = N_("expected true or false")

# pydantic's error type -> our template; ctx values fill its parameters.
_TEMPLATES = {
    "string_type": N_("expected text (put it in quotes if it looks like a number)"),
    "int_type": _WHOLE_NUMBER,
    "int_parsing": _WHOLE_NUMBER,
    "int_from_float": N_("expected a whole number, without decimals"),
    "bool_type": _YES_OR_NO,
    "bool_parsing": _YES_OR_NO,
    "dict_type": _EXPECTED_KEYS,
    "model_type": _EXPECTED_KEYS,
    "model_attributes_type": _EXPECTED_KEYS,
    "tuple_type": _EXPECTED_LIST,
    "list_type": _EXPECTED_LIST,
    "literal_error": N_("expected one of {expected}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {max_length} characters)"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
}


def explain_error(model: type[BaseModel], error: Any) -> tuple[Path_, Phrase, bool]:
    """A pydantic error in words a staff member understands, and where to point."""
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return (
            loc,
            Phrase.of(
                N_("unknown key {key!r}{hint}. Allowed here: {allowed}"),
                key=name,
                # A key of another level is mis-indented, not misspelt: say so, guess nothing.
                hint=_other_level(model, loc, name) or did_you_mean(name, allowed),
                allowed=allowed,
            ),
            True,
        )
    if kind == "missing":
        return loc[:-1], Phrase.of(N_("{name}: is missing here; add it"), name=name), False
    if kind == "value_error":
        cause = ctx.get("error")
        if isinstance(cause, PhraseError):
            return loc, cause.phrase, False
        return loc, Phrase(str(cause if cause is not None else error["msg"])), False
    template = _TEMPLATES.get(kind)
    params: dict[str, Any] = {k: str(v) for k, v in ctx.items()}
    if kind == "literal_error":
        # pydantic says "'a', 'b' or 'c'": as a list, each language joins it its own way.
        params["expected"] = re.findall(r"'[^']*'", params.get("expected", "")) or params.get(
            "expected", ""
        )
    text = Phrase(template, params) if template else Phrase(error["msg"])
    if not name:
        return loc, text, False
    return loc, Phrase.of(N_("{name}: {problem}"), name=name, problem=text), False


def _other_level(model: type[BaseModel], loc: Path_, name: str) -> Phrase | None:
    """Where a key that is unknown here belongs, when it is a key of the level just below
    (under which key) or of a level above."""
    here = loc[:-1]
    for field in _fields_at(model, here):
        if name in _fields_at(model, (*here, field)):
            return Phrase.of(
                N_(" (it belongs under {parent!r}: indent it under that key)"), parent=field
            )
    for depth in range(len(here) - 1, -1, -1):
        if name in _fields_at(model, here[:depth]):
            return Phrase(N_(" (it belongs to the level above: indent it less)"))
    return None


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
