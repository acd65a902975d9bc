"""The parts of one running instance, built once from the settings: no Flask here, so the
command line, the scheduler's jobs and the web edge all share the same typed object."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.accounts.login_limit import LoginLimiter
from signage.config.folder import ConfigState
from signage.config.history import record_disk_edits
from signage.db import Store, create_store_engine, default_database_url
from signage.migrations import ensure_schema
from signage.screens.service import ScreenService
from signage.settings import Settings, load_settings

log = logging.getLogger("signage")


@dataclass
class Signage:
    """Settings, database, configuration, screens and sign-in limiter of one instance."""

    settings: Settings
    store: Store
    state: ConfigState
    screens: ScreenService
    login_limiter: LoginLimiter
    scheduler: Any = None  # the APScheduler instance, once this process runs one
    preparation: Any = None  # its media preparation threads
    housekeeper: bool = False  # whether this process holds the housekeeping lease
    _checked_at: float = field(default=0.0)

    def refresh_config(self, force: bool = False) -> str:
        """Pick up hand edits, at most every CONFIG_CHECK_SECONDS unless forced."""
        moment = time.monotonic()
        if not force and moment - self._checked_at < self.settings.config_check_seconds:
            return "unchanged"
        self._checked_at = moment
        outcome = self.state.refresh()
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


def build_parts(config: dict[str, Any] | None = None) -> Signage:
    """Read the settings, open the database, load the configuration."""
    settings = load_settings(config)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    media_dir: Path = settings.media_dir
    media_dir.mkdir(parents=True, exist_ok=True)
    database_url = settings.database_url or default_database_url(media_dir)
    store = Store(create_store_engine(database_url))
    try:
        ensure_schema(store.engine)
    except BaseException:
        store.engine.dispose()  # a refused start leaves no connection open
        raise
    secret_key = settings.secret_key or store.secret_key()
    state = ConfigState(settings.playlists_dir)
    parts = Signage(
        settings,
        store,
        state,
        ScreenService(state, store, secret_key, settings.manifest_hours),
        LoginLimiter(store),
    )
    parts.refresh_config(force=True)
    return parts
