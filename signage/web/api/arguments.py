"""Reading query arguments, with a plain 422 when one is not what it should be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from flask import request

from signage.errors import Invalid

T = TypeVar("T")


def query_arg(name: str, parse: Callable[[str], T], expected: str, default: T) -> T:
    """The argument ?name= read by `parse`; `default` when absent; 422 naming `expected`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError:
        raise Invalid(
            f"?{name}= must be {expected}, not {raw[:40]!r}", code="bad_argument"
        ) from None


def int_arg(name: str, default: int | None = None) -> int | None:
    """A whole-number query argument."""
    return query_arg(name, int, "a whole number", default)


def date_arg(name: str, default: dt.date) -> dt.date:
    """A date query argument like 2026-12-01."""
    return query_arg(name, dt.date.fromisoformat, "a date like 2026-12-01", default)
