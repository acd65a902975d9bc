"""WSGI entry: `waitress-serve server:app` or `gunicorn server:app` (run `signage worker` too)."""

from signage import create_app

app = create_app()
