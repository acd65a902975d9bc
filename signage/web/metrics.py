"""/metrics in Prometheus text format, and the request counter behind it.

What screens and media are doing is read from the database at each scrape, so every web
process answers the same. Requests are counted per process; under gunicorn the processes
share their counts through PROMETHEUS_MULTIPROC_DIR (set by deploy/gunicorn.conf.py).
Who may read it: signed-in staff, staff tokens, or a scraper with SIGNAGE_METRICS_TOKEN.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from signage.db import now
from signage.errors import Unauthorized
from signage.media.library import preparation_totals, status_counts
from signage.parts import Signage
from signage.phrases import N_
from signage.screens.status import screen_overview, screen_statuses
from signage.web.auth import current_user
from signage.web.context import parts

bp = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "signage_http_requests",
    "HTTP requests answered, by route (the URL rule, never the keys) and status.",
    ["route", "method", "status"],
    registry=None,  # registered below, once per process, on the registry /metrics reads
)


class DatabaseCollector:
    """Screens and media as the database has them, read at each scrape."""

    def __init__(self, signage: Signage) -> None:
        self.signage = signage

    def collect(self) -> Iterator[Metric]:
        """The gauges and counters Prometheus reads."""
        signage, moment = self.signage, now()
        screens = GaugeMetricFamily(
            "signage_screens", "Configured screens by state.", labels=["state"]
        )
        config = signage.state.current
        overview = (
            screen_overview(config, signage.store, moment, signage.settings.offline_after_polls)
            if config
            else []
        )
        for state in ("online", "offline", "never"):
            screens.add_metric([state], sum(1 for s in overview if s.status == state))
        yield screens
        silence = GaugeMetricFamily(
            "signage_screen_seconds_since_poll",
            "Seconds since each screen last reported in.",
            labels=["screen"],
        )
        for screen_id, seen in sorted(screen_statuses(signage.store).items()):
            silence.add_metric([screen_id], (moment - seen["last_seen"]).total_seconds())
        yield silence
        jobs = GaugeMetricFamily("signage_media", "Media items by state.", labels=["state"])
        for state, count in status_counts(signage.store).items():
            jobs.add_metric([state], count)
        yield jobs
        prepared, seconds = preparation_totals(signage.store)
        yield CounterMetricFamily(
            "signage_media_prepared", "Media preparations finished.", value=prepared
        )
        yield CounterMetricFamily(
            "signage_media_preparation_seconds",
            "Seconds spent preparing media, all workers together.",
            value=seconds,
        )


def _registry(signage: Signage) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(signage))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
    return registry


def _may_read() -> bool:
    expected = parts().settings.metrics_token
    header = request.headers.get("Authorization", "")
    if expected and hmac.compare_digest(header.encode(), f"Bearer {expected}".encode()):
        return True
    return current_user() is not None


@bp.get("/metrics")
def metrics() -> Any:
    """Prometheus text format, for staff or a scraper holding SIGNAGE_METRICS_TOKEN."""
    if not _may_read():
        raise Unauthorized(
            N_("sign in, or send the token set in SIGNAGE_METRICS_TOKEN"),
            code="metrics_need_token",
        )
    registry = _registry(parts())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def count_request(response: Response) -> Response:
    """Count the answered request by its route template and status."""
    route = request.url_rule.rule if request.url_rule else "(no route)"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    return response


def init_app(app: Flask) -> None:
    """Serve /metrics and count every request."""
    app.register_blueprint(bp)
    app.after_request(count_request)
