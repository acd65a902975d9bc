"""What a request may be: small bodies except uploads, JSON a few levels deep, row-sized ids.

Each limit is enforced where it costs least: the body size before the body is read (in the
embedded server's parser, which otherwise spools a whole body to disk before the app runs),
the JSON depth while decoding, the ids while routing.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider
from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from signage.errors import SignageError
from signage.phrases import N_

BODY_LIMIT = 2 * 1024 * 1024  # bytes: YAML files (1 MB at most) and JSON bodies
UPLOAD_PATH = "/api/v1/media"  # the only route that takes large bodies (its own limit)
MAX_JSON_DEPTH = 32


def is_upload(method: str, path: str) -> bool:
    """Whether this request may carry an upload's large body."""
    return method == "POST" and path.rstrip("/") == UPLOAD_PATH


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes: ids a database column can hold; larger numbers are 404."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)  # what an INTEGER column holds in every database
        super().__init__(*args, **kwargs)


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value (walked without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            pending.extend(
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: the JSON itself is fine, the number is not
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON may carry; send a plain number")


class ShallowJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than any of ours, and NaN, Infinity and
    numbers too large for a float (a ValueError: 4xx), so none is stored and served again."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Decode JSON; deep nesting is a ValueError, never a RecursionError."""
        kwargs.setdefault("parse_constant", _no_constant)
        kwargs.setdefault("parse_float", _finite)
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
        return value


class _TooLargeAsJson(RequestEntityTooLarge):
    """waitress's own 413, in the API's one error shape."""

    def to_response(self, ident: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status, headers and body of the answer."""
        error = SignageError(N_("the request body is too large"), code="too_large", status=413)
        body = json.dumps(error.to_dict()).encode()
        return f"{self.code} {self.reason}", [("Content-Type", "application/json")], body


class _SmallBodyParser(HTTPRequestParser):
    """waitress reads a whole body before calling the app; cut all but uploads short."""

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if type(self.error) is RequestEntityTooLarge:
            self.error = _TooLargeAsJson(self.error.body)
        return consumed

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if not is_upload(self.command, self.path):
            # The parser checks Content-Length (and chunked bodies) against its adjustments
            # right after the headers: a private copy with the small limit refuses them there.
            self.adj = copy.copy(self.adj)
            self.adj.max_request_body_size = min(self.adj.max_request_body_size, BODY_LIMIT + 1)


class _SmallBodyChannel(HTTPChannel):
    parser_class = _SmallBodyParser


def serve_embedded(app: Any, *, upload_limit: int, **options: Any) -> None:
    """Run waitress: bodies up to `upload_limit` for uploads, BODY_LIMIT for the rest."""
    server = create_server(app, max_request_body_size=upload_limit, **options)
    server.channel_class = _SmallBodyChannel  # type: ignore[union-attr]
    server.run()
