"""gunicorn for court signage: `gunicorn -c deploy/gunicorn.conf.py signage.wsgi:app`.

Read by the systemd unit signage-web.service; every value can be changed with the
GUNICORN_* variables below in /etc/signage/signage.env without editing this file.
"""

from __future__ import annotations

import os
import shutil
import tempfile

# nginx forwards to this address; only local processes reach it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# gthread: each process serves several requests at once in threads. An upload streams
# through one thread for as long as the client needs while the process's main loop keeps
# reporting to the arbiter, so a 2 GB upload on a slow LAN is not cut by `timeout`.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# Seconds a process may stay silent before the arbiter replaces it (a hung process), not a
# limit on one request. Uploads are bounded by nginx's client_body_timeout instead: the
# time between two reads of the body, not the whole transfer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Seconds an idle connection from nginx stays open. nginx reuses its upstream connections
# (deploy/nginx.conf `keepalive`) and drops idle ones after its `keepalive_timeout` (60 s);
# gunicorn must wait longer, or a screen's POST sent on a connection gunicorn is just closing
# gets a 502 (seen once among 200 screens, 7 December). tests/deploy/test_nginx.py checks it.
keepalive = 75

# The application writes one access line per request itself (without screen keys), so
# gunicorn's own access log stays off; errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Each process builds its own app; nothing is shared through a fork.
preload_app = False
# Bodies are read by the app in chunks (uploads stream to disk): no gunicorn-side limit.
limit_request_line = 8190

# /metrics adds up the request counts of every process from files in this folder; a new
# one each start, so counts begin at zero as a restarted counter should.
metrics_dir = tempfile.mkdtemp(prefix="signage-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def child_exit(server: object, worker: object) -> None:
    """A process that ended keeps its counts but no live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    """Remove the counts folder when gunicorn stops."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
