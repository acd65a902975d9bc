"""What gunicorn runs: `gunicorn -c deploy/gunicorn.conf.py signage.wsgi:app`.

The web edge only: run `signage worker` beside it for media preparation and housekeeping.
"""

from __future__ import annotations

from signage import create_app

app = create_app()
