"""Court lobby signage: YAML-configured playlists for the screens of a court."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from signage.config.folder import ConfigState
from signage.revisions import record_disk_edits
from signage.screens import ScreenService
from signage.settings import load_settings
from signage.store import Store, create_store_engine, default_database_url

__version__ = "0.1.0"

API_BODY_LIMIT = 2 * 1024 * 1024  # bytes; uploads set their own, larger limit


@dataclass
class Signage:
    """The parts of one running instance, kept on the Flask app."""

    settings: dict[str, Any]
    store: Store
    state: ConfigState
    screens: ScreenService
    _checked_at: float = field(default=0.0)

    def refresh_config(self, force: bool = False) -> str:
        """Pick up hand edits, at most every CONFIG_CHECK_SECONDS unless forced."""
        moment = time.monotonic()
        if not force and moment - self._checked_at < self.settings["CONFIG_CHECK_SECONDS"]:
            return "unchanged"
        self._checked_at = moment
        outcome = self.state.refresh()
        log = logging.getLogger("signage")
        if outcome == "loaded" and self.state.current is not None:
            # Hand edits become revisions too; saves through the API are already recorded.
            record_disk_edits(self.store, self.state.current.sources)
            log.info(
                "configuration %s in effect (version %d)",
                self.state.current.digest,
                self.state.version,
            )
        elif outcome == "rejected":
            log.warning(
                "configuration rejected, still serving the last good one:\n%s",
                "\n".join(str(issue) for issue in self.state.errors),
            )
        return outcome


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web application: settings, store, configuration, screens, blueprints."""
    settings = load_settings(config)
    logging.basicConfig(
        level=settings["LOG_LEVEL"].upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    media_dir: Path = settings["MEDIA_DIR"]
    media_dir.mkdir(parents=True, exist_ok=True)
    database_url = settings["DATABASE_URL"] or default_database_url(media_dir)
    store = Store(create_store_engine(database_url))
    secret_key = settings["SECRET_KEY"] or store.secret_key()
    state = ConfigState(settings["PLAYLISTS_DIR"])
    signage = Signage(
        settings,
        store,
        state,
        ScreenService(state, store, secret_key, settings["MANIFEST_HOURS"]),
    )
    signage.refresh_config(force=True)

    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.secret_key = secret_key
    app.config.update(
        MAX_CONTENT_LENGTH=API_BODY_LIMIT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["signage"] = signage

    from signage.media import worker
    from signage.web import init_app

    init_app(app)
    worker.init_app(app)
    return app
