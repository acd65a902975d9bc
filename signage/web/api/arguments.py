"""Reading query arguments, with a plain 422 when one is not what it should be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from flask import request

from signage.config.when import parse_day
from signage.errors import Invalid
from signage.phrases import N_

T = TypeVar("T")


def query_arg(name: str, parse: Callable[[str], T], template: str, default: T) -> T:
    """The argument ?name= read by `parse`; `default` when absent; 422 worded by `template`
    (with `name` and `raw`, the value sent) when it cannot be read."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError:
        raise Invalid(template, code="bad_argument", name=name, raw=raw[:40]) from None


def _row_number(raw: str) -> int:
    value = int(raw)
    if not 0 <= value < 2**31:  # what a database INTEGER column holds
        raise ValueError(raw)
    return value


def int_arg(name: str, default: int | None = None) -> int | None:
    """A whole-number query argument (0 to 2^31-1, as ids and counts are)."""
    return query_arg(
        name,
        _row_number,
        N_("?{name}= must be a whole number from 0 to 2147483647, not {raw!r}"),
        default,
    )


def date_arg(name: str, default: dt.date) -> dt.date:
    """A date query argument like 2026-12-01."""
    return query_arg(
        name,
        parse_day,
        N_("?{name}= must be a date like 2026-12-01 (years 2000-2099), not {raw!r}"),
        default,
    )
