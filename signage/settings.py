"""Every setting in one table: name, default, help, and how its text is read.

Each can be set with the environment variable ``SIGNAGE_<NAME>`` or passed to
``create_app(config={...})``. A wrong value stops the start with one line naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from signage.errors import SettingsError

ENV_PREFIX = "SIGNAGE_"


def _text(raw: str) -> str:
    return raw.strip()


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("expected a folder path, got an empty value")
    # Absolute from the start: a relative path would later be read against whatever folder
    # a library call assumes (Flask's send_file uses the package folder, not the CWD).
    return Path(raw.strip()).expanduser().resolve()


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a whole number from {low} to {high}, got {raw!r}") from None
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}, got {value}")
        return value

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = str(raw).strip().lower()
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {raw!r}")
        return value

    return parse


def _switch(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"expected on or off, got {raw!r}")
    return value == "on"


def _url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an address like http://10.0.0.5:8000, got {raw!r}")
    return value


def _urls(raw: str) -> tuple[str, ...]:
    found = tuple(_url(part) for part in re.split(r"[\s,]+", raw) if part)
    if len(found) > 20:
        raise ValueError("expected at most 20 addresses")
    return found


def _time_of_day_or_off(raw: str) -> str:
    value = raw.strip().lower()
    if value != "off" and not re.fullmatch(r"(?:[01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"expected a time of day like 04:00, or off, got {raw!r}")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = _text


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "PLAYLISTS_DIR", "playlists", "Folder with site.yaml and one <id>.yaml per playlist.", _path
    ),
    Setting(
        "MEDIA_DIR", "media", "Folder of the media library (uploads and prepared files).", _path
    ),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy database URL; default a SQLite file signage.db inside MEDIA_DIR.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Key that signs sessions and derives screen keys; generated and kept when unset.",
    ),
    Setting("HOST", "127.0.0.1", "Address `signage serve` listens on (0.0.0.0 for the LAN)."),
    Setting("PORT", "8000", "Port `signage serve` listens on.", _int_between(1, 65535)),
    Setting(
        "PUBLIC_URL",
        None,
        "Address screens use to reach this server, in display URLs; set it to the court LAN's "
        "address. Unset: the address the staff page was opened with (http://HOST:PORT on the "
        "command line).",
        _url,
    ),
    Setting("FFMPEG", None, "Path of the ffmpeg program; default the one on PATH, else bundled."),
    Setting("FFPROBE", None, "Path of the ffprobe program; default the one on PATH, else bundled."),
    Setting(
        "MAX_UPLOAD_MB",
        "2048",
        "Largest upload accepted, in megabytes.",
        _int_between(1, 1024 * 1024),
    ),
    Setting(
        "MAX_CLIP_MINUTES", "60", "Longest clip accepted, in minutes.", _int_between(1, 24 * 60)
    ),
    Setting(
        "MAX_FRAME_RATE",
        "30",
        "Highest frame rate of prepared clips; faster clips keep every other frame until under it.",
        _int_between(10, 120),
    ),
    Setting(
        "JOB_WORKERS", "1", "How many media preparation jobs run at once.", _int_between(1, 16)
    ),
    Setting(
        "MEDIA_ACCEL_REDIRECT",
        None,
        "Behind nginx: an internal location (e.g. /protected-media/) mapped to MEDIA_DIR/files; "
        "media files are then sent by nginx through X-Accel-Redirect.",
    ),
    Setting(
        "MANIFEST_HOURS",
        "36",
        "How many hours ahead each screen manifest covers.",
        _int_between(24, 24 * 14),
    ),
    Setting(
        "OFFLINE_AFTER_POLLS",
        "3",
        "Missed polls after which a screen counts as offline.",
        _int_between(1, 100),
    ),
    Setting(
        "SNAPSHOT_MINUTES",
        "10",
        "How often each screen sends a picture of what it shows (0: only when staff ask).",
        _int_between(0, 1440),
    ),
    Setting(
        "KEEP_PLAYS_DAYS",
        "1096",
        "Days of proof-of-play records kept; housekeeping deletes older ones every hour "
        "(default three years, as court records of publicity are audited).",
        _int_between(1, 36525),
    ),
    Setting(
        "CONFIG_CHECK_SECONDS",
        "2",
        "How often the YAML folder is checked for hand edits.",
        _int_between(1, 3600),
    ),
    Setting(
        "DISPLAY_RELOAD_AT",
        "04:00",
        "Time of day (site time zone) when screens reload their page to stay fresh; off: never.",
        _time_of_day_or_off,
    ),
    Setting(
        "REVIEW",
        "off",
        "on: staff changes to playlists, site.yaml and media reach the screens only after a "
        "reviewer or admin other than their author approves them.",
        _switch,
    ),
    Setting(
        "URGENT_MESSAGES_BY",
        "staff",
        "Who may put up urgent messages: staff (every signed-in user) or reviewers "
        "(reviewers and admins).",
        _choice("staff", "reviewers"),
    ),
    Setting(
        "SESSION_IDLE_HOURS",
        "8",
        "Staff sessions unused for this many hours end; the person signs in again.",
        _int_between(1, 24 * 30),
    ),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "How many reverse proxies (nginx) stand in front and set X-Forwarded-For/-Proto; "
        "0 when clients connect directly. Sign-in limits, heartbeats and the audit log "
        "then see the real client address.",
        _int_between(0, 5),
    ),
    Setting(
        "METRICS_TOKEN",
        None,
        "Bearer token that lets a Prometheus scraper read /metrics without a staff account; "
        "unset: only signed-in staff and staff tokens may.",
    ),
    Setting(
        "ALERT_WEBHOOK",
        None,
        "Address that gets a JSON POST when a screen misses its polls during its scheduled "
        "hours, and when it is back (WeCom/DingTalk group robots accept it); unset: none.",
        _url,
    ),
    Setting(
        "HEARINGS_URL",
        None,
        "Address of today's hearings as CSV or JSON, exported by the case system; the "
        "scheduler fetches it every HEARINGS_FETCH_SECONDS. Unset: staff upload the list.",
        _url,
    ),
    Setting(
        "HEARINGS_FETCH_SECONDS",
        "300",
        "How often the hearing list at HEARINGS_URL is fetched.",
        _int_between(30, 86400),
    ),
    Setting(
        "TRUSTED_PUBLISHERS",
        None,
        "File of the publishers whose content packages this server imports, one line each "
        "as printed by `signage package key` on the publishing server; unset: none.",
        _path,
    ),
    Setting(
        "SUBSCRIBE",
        None,
        "Addresses of other courts' published feeds (…/api/v1/published), separated by "
        "spaces or commas; what they publish is fetched, checked against TRUSTED_PUBLISHERS "
        "and filed under its publisher. Unset: none.",
        _urls,
    ),
    Setting(
        "SUBSCRIBE_MINUTES",
        "60",
        "How often the SUBSCRIBE feeds are checked.",
        _int_between(1, 7 * 24 * 60),
    ),
    Setting(
        "SUBSCRIBE_QUIET_HOURS",
        "off",
        "on: files of the SUBSCRIBE feeds are downloaded only within the site's quiet hours "
        "(site.yaml prefetch, default 02:00-05:00), leaving a thin link to the working day.",
        _switch,
    ),
    Setting(
        "LOG_LEVEL",
        "info",
        "How much the server logs.",
        _choice("debug", "info", "warning", "error"),
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


SECRET_SETTINGS = frozenset({"SECRET_KEY", "METRICS_TOKEN"})


def _resolve(
    overrides: Mapping[str, Any], environ: Mapping[str, str]
) -> Iterator[tuple[Setting, Any, str]]:
    """Each setting with its value in effect and where that value came from."""
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]}; known: {', '.join(SETTINGS_BY_NAME)}")
    for setting in SETTINGS:
        env_name = ENV_PREFIX + setting.name
        if setting.name in overrides:
            raw, source, label = overrides[setting.name], "given", setting.name
        elif env_name in environ:
            raw, source, label = environ[env_name], "environment", env_name
        else:
            raw, source, label = setting.default, "default", f"{env_name} (default)"
        if raw is None or (isinstance(raw, str) and raw == "" and setting.default is None):
            yield setting, None, source
            continue
        try:
            yield setting, setting.parse(raw if isinstance(raw, str) else str(raw)), source
        except ValueError as exc:
            raise SettingsError(f"{label}: {exc}") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Read every setting from overrides, then ``SIGNAGE_*`` variables, then defaults."""
    environ = os.environ if environ is None else environ
    return {s.name: value for s, value, _ in _resolve(dict(overrides or {}), environ)}


def settings_in_effect(environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Every setting's value in effect and its source (default or environment); secrets hidden."""
    environ = os.environ if environ is None else environ
    rows = []
    for setting, value, source in _resolve({}, environ):
        if setting.name in SECRET_SETTINGS and value is not None:
            shown: Any = "(hidden)"
        elif isinstance(value, Path):
            shown = str(value)
        else:
            shown = value
        rows.append(
            {
                "name": ENV_PREFIX + setting.name,
                "value": shown,
                "source": source,
                "help": setting.help,
            }
        )
    return rows


def describe_settings() -> list[dict[str, str | None]]:
    """The table as rows for the docs: name, default and help."""
    return [{"name": ENV_PREFIX + s.name, "default": s.default, "help": s.help} for s in SETTINGS]
