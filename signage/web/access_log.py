"""One line per answered request: method, path, status, milliseconds, client.

The path is logged without its query string, which is where screens send their keys.
Behind nginx the client is the real one (SIGNAGE_TRUSTED_PROXIES applies ProxyFix first).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("signage.access")


def _start_clock() -> None:
    g.access_started = time.perf_counter()


def log_request(response: Response) -> Response:
    """Write the request's access line."""
    started = g.get("access_started")
    elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "%s %s %d %.1fms %s",
        request.method,
        request.path,
        response.status_code,
        elapsed,
        request.remote_addr or "-",
    )
    return response


def init_app(app: Flask) -> None:
    """Time every request and log it when answered."""
    app.before_request(_start_clock)
    app.after_request(log_request)
