"""Top-level alias of `signage.wsgi:app` for checkouts that run `gunicorn server:app`."""

from signage.wsgi import app

__all__ = ["app"]
