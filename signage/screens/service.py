"""Screens as the server sees them: their keys, their cached manifests, their reports."""

from __future__ import annotations

import datetime as dt
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any

from signage.config.folder import ConfigState
from signage.config.validate import Config
from signage.config.when import json_values
from signage.db import Store, digest
from signage.errors import Forbidden, NotFound, SignageError
from signage.hearings.board import HEARINGS_CHANGED, hearing_rows
from signage.media.library import MEDIA_CHANGED, ready_media
from signage.phrases import N_
from signage.programme.manifest import (
    Manifest,
    ManifestAlert,
    MediaLookup,
    MediaRef,
    build_manifest,
    manifest_etag,
)
from signage.programme.segments import (
    MediaFacts,
    facts_from_rows,
    programme_segments,
    split_at_midnights,
    walk_anchors,
)
from signage.screens.alerts import ALERTS_CHANGED, alerts_in_force
from signage.screens.keys import KEYS_CHANGED, all_screen_keys, screen_key_row

COUNTERS_TTL = 1.0  # seconds a process trusts its copy of the change counters
REBUILD_AT_LEAST_EVERY = dt.timedelta(hours=12)


@dataclass(frozen=True)
class CachedManifest:
    """A screen's manifest as it is served until something changes: its JSON, worded once."""

    body: dict[str, Any]
    etag: str
    stamp: tuple[Any, ...]  # what it was built from: config version and change counters
    valid_until: dt.datetime
    warnings: list[str]


class ScreenService:
    """Builds and caches manifests; a poll is answered from memory unless something changed."""

    def __init__(
        self,
        state: ConfigState,
        store: Store,
        secret_key: str,
        hours: int,
        media_url: str = "/media/files/",
    ) -> None:
        self.state = state
        self.store = store
        self.secret_key = secret_key
        self.hours = hours
        self.media_url = media_url
        self._manifests: dict[str, CachedManifest] = {}
        self._keys: dict[str, dict[str, Any]] = {}
        self._key_hashes: set[str] | None = None
        self._counters: dict[str, str] = {}
        self._counters_read = 0.0
        self._lock = threading.Lock()

    # -- state every request depends on ---------------------------------------------------

    def config(self) -> Config:
        """The configuration being served; 503 while none has ever loaded."""
        config = self.state.current
        if config is None:
            raise SignageError(
                N_(
                    "the configuration has errors and none has loaded yet; the administrator "
                    "sees them with `signage check`"
                ),
                code="config_unavailable",
                status=503,
                details=[i.to_dict() for i in self.state.errors],
            )
        return config

    def counters(self) -> dict[str, str]:
        """Change counters of media, alerts and keys, re-read at most once a second."""
        moment = time.monotonic()
        if moment - self._counters_read > COUNTERS_TTL:
            counters = self.store.counters()
            if counters.get(KEYS_CHANGED) != self._counters.get(KEYS_CHANGED):
                self._keys, self._key_hashes = {}, None
            self._counters, self._counters_read = counters, moment
        return self._counters

    def invalidate(self) -> None:
        """Re-read the change counters at the next request (after this process changed one)."""
        self._counters_read = 0.0

    def screen(self, screen_id: str) -> Config:
        """The configuration, after checking that it has this screen (404 otherwise)."""
        config = self.config()
        if screen_id not in config.screens:
            raise NotFound(
                N_("there is no screen {screen_id!r} in site.yaml"),
                code="unknown_screen",
                screen_id=screen_id,
            )
        return config

    def verify_key(self, screen_id: str, key: str) -> None:
        """403 unless the key is the screen's current one."""
        self.screen(screen_id)
        self.counters()
        record = self._keys.get(screen_id)
        if record is None:
            record = screen_key_row(self.store, screen_id) or {"key_hash": None}
            self._keys[screen_id] = record
        if (
            not key
            or not record["key_hash"]
            or not hmac.compare_digest(digest(key), record["key_hash"])
        ):
            raise Forbidden(
                N_(
                    "this screen is not authorised: its key is missing or wrong; ask an "
                    "administrator to set it up again"
                ),
                code="bad_screen_key",
            )

    def is_some_screens_key(self, key: str) -> bool:
        """Whether the key is the current key of a configured screen (media requests do not
        say which screen they are for)."""
        if not key:
            return False
        self.counters()
        if self._key_hashes is None:
            screens = self.config().screens
            self._key_hashes = {
                row["key_hash"]
                for screen_id, row in all_screen_keys(self.store).items()
                if row["key_hash"] and screen_id in screens
            }
        return digest(key) in self._key_hashes

    # -- manifests --------------------------------------------------------------------------

    def manifest(self, screen_id: str, moment: dt.datetime) -> CachedManifest:
        """The screen's manifest, rebuilt only when the inputs changed or a boundary passed."""
        config = self.screen(screen_id)
        counters = self.counters()
        # The digest of the configuration built from, not the state's version: a reload
        # landing between the two reads would cache the old programme under the new version.
        stamp = (
            config.digest,
            counters.get(MEDIA_CHANGED),
            counters.get(ALERTS_CHANGED),
            counters.get(HEARINGS_CHANGED),
        )
        cached = self._manifests.get(screen_id)
        if cached and cached.stamp == stamp and moment < cached.valid_until:
            return cached
        with self._lock:
            cached = self._manifests.get(screen_id)
            if cached and cached.stamp == stamp and moment < cached.valid_until:
                return cached
            cached = self._build(config, screen_id, moment, stamp)
            self._manifests[screen_id] = cached
            return cached

    def preview_manifest(
        self, screen_id: str, moment: dt.datetime, config: Config | None = None
    ) -> Manifest:
        """The manifest the screen would get at `moment` (from `config` instead of the one in
        effect: a draft under review), for staff; never cached, so a preview cannot change
        what the live screen is served."""
        config = config or self.screen(screen_id)
        if screen_id not in config.screens:
            raise NotFound(N_("there is no screen {screen_id!r} in site.yaml"), screen_id=screen_id)
        return self._programme(config, screen_id, moment)[0]

    def _build(
        self, config: Config, screen_id: str, moment: dt.datetime, stamp: tuple[Any, ...]
    ) -> CachedManifest:
        manifest, warnings, valid_until = self._programme(config, screen_id, moment)
        body = json_values(manifest)  # worded once: every poll until the next build sends it
        return CachedManifest(body, manifest_etag(body), stamp, valid_until, warnings)

    def _programme(
        self, config: Config, screen_id: str, moment: dt.datetime
    ) -> tuple[Manifest, list[str], dt.datetime]:
        """The screen's manifest at `moment`, the items skipped, and until when it holds."""
        start = moment.astimezone(dt.UTC).replace(second=0, microsecond=0)
        end = start + dt.timedelta(hours=self.hours)
        facts = self.media_facts()
        segments = split_at_midnights(
            config, programme_segments(config, screen_id, start, end, facts)
        )
        anchors = walk_anchors(config, screen_id, segments, facts)
        alerts = self._alerts_for(config, screen_id, moment)
        zone = config.site.zone
        rows = hearing_rows(self.store, start.astimezone(zone).date(), end.astimezone(zone).date())
        manifest, warnings = build_manifest(
            config, screen_id, segments, self._media_lookup(), alerts, start, end, rows, anchors
        )
        valid_until = min(
            [segments[0].end if segments else end, start + REBUILD_AT_LEAST_EVERY]
            + [alert.until for alert in alerts]
        )
        return manifest, warnings, valid_until

    def _alerts_for(
        self, config: Config, screen_id: str, moment: dt.datetime
    ) -> list[ManifestAlert]:
        return [
            ManifestAlert(id=row["id"], text=row["text"], until=row["until"])
            for row in alerts_in_force(self.store, moment)
            if screen_id in config.targets(row["screens"])
        ]

    def _media_lookup(self) -> MediaLookup:
        ready = ready_media(self.store)

        def lookup(media_id: str) -> MediaRef | None:
            row = ready.get(media_id)
            if row is None or not row["file"]:
                return None
            poster = self.media_url + row["thumbnail"] if row["thumbnail"] else None
            return MediaRef(
                row["kind"],
                self.media_url + row["file"],
                row["duration"],
                row["title"] or media_id,
                poster,
                row["width"],
                row["height"],
                row["approved"],
                row["size"],
                self.media_url + row["captions"] if row["captions"] else None,
            )

        return lookup

    def media_facts(self) -> MediaFacts:
        """Length, kind and topics of the media screens can play (ready and approved)."""
        return facts_from_rows(ready_media(self.store).values())

    def warnings(self) -> list[str]:
        """Items skipped in the manifests built so far (missing or unready media)."""
        return sorted({w for cached in self._manifests.values() for w in cached.warnings})

    def refresh_due(self, moment: dt.datetime) -> int:
        """Rebuild every screen's manifest whose boundary passed; the count rebuilt."""
        if self.state.current is None:
            return 0
        rebuilt = 0
        for screen_id in self.state.current.screens:
            before = self._manifests.get(screen_id)
            if self.manifest(screen_id, moment) is not before:
                rebuilt += 1
        return rebuilt
