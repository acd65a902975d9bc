"""Every setting in one table, `Settings`: name, type, default, help, and how its text is read.

Each can be set with the environment variable ``SIGNAGE_<NAME>`` or passed to
``create_app(config={"NAME": ...})``. A wrong value stops the start with one line naming it.
The code reads the values typed and frozen, as attributes (``parts.settings.media_dir``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from signage.errors import SettingsError
from signage.phrases import N_, Phrase, PhraseError

ENV_PREFIX = "SIGNAGE_"


def _text(raw: str) -> str:
    return raw.strip()


def _path(raw: str) -> Path:
    if not raw.strip():
        raise PhraseError(Phrase.of(N_("expected a folder path, got an empty value")))
    # Absolute from the start: a relative path would later be read against whatever folder
    # a library call assumes (Flask's send_file uses the package folder, not the CWD).
    return Path(raw.strip()).expanduser().resolve()


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value: int | None = int(str(raw).strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise PhraseError(
                Phrase.of(
                    N_("expected a whole number from {low} to {high}, got {raw}"),
                    low=low,
                    high=high,
                    raw=repr(raw) if value is None else value,
                )
            )
        return value

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = str(raw).strip().lower()
        if value not in options:
            raise PhraseError(
                Phrase.of(
                    N_("expected one of {options}, got {raw!r}"), options=list(options), raw=raw
                )
            )
        return value

    return parse


def _switch(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off"):
        raise PhraseError(Phrase.of(N_("expected on or off, got {raw!r}"), raw=raw))
    return value == "on"


def _url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PhraseError(
            Phrase.of(N_("expected an address like http://10.0.0.5:8000, got {raw!r}"), raw=raw)
        )
    return value


def _urls(raw: str) -> tuple[str, ...]:
    found = tuple(_url(part) for part in re.split(r"[\s,]+", raw) if part)
    if len(found) > 20:
        raise PhraseError(Phrase.of(N_("expected at most {count} addresses"), count=20))
    return found


def _time_of_day_or_off(raw: str) -> str:
    value = raw.strip().lower()
    if value != "off" and not re.fullmatch(r"(?:[01]\d|2[0-3]):[0-5]\d", value):
        raise PhraseError(
            Phrase.of(N_("expected a time of day like 04:00, or off, got {raw!r}"), raw=raw)
        )
    return value


def _setting(default: str | None, help: str, parse: Callable[[str], Any] = _text) -> Any:
    """One row of the table: the default as it would be typed, the help, and its parser."""
    return field(metadata={"default": default, "help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """The one table of settings, and the values in effect: each field is ``SIGNAGE_<NAME>``
    (upper case), read by its parser into the field's type."""

    playlists_dir: Path = _setting(
        "playlists", "Folder with site.yaml and one <id>.yaml per playlist.", _path
    )
    media_dir: Path = _setting(
        "media", "Folder of the media library (uploads and prepared files).", _path
    )
    database_url: str | None = _setting(
        None, "SQLAlchemy database URL; default a SQLite file signage.db inside MEDIA_DIR."
    )
    secret_key: str | None = _setting(
        None, "Key that signs sessions and derives screen keys; generated and kept when unset."
    )
    host: str = _setting("127.0.0.1", "Address `signage serve` listens on (0.0.0.0 for the LAN).")
    port: int = _setting("8000", "Port `signage serve` listens on.", _int_between(1, 65535))
    public_url: str | None = _setting(
        None,
        "Address screens use to reach this server, in display URLs; set it to the court LAN's "
        "address. Unset: the address the staff page was opened with (http://HOST:PORT on the "
        "command line).",
        _url,
    )
    ffmpeg: str | None = _setting(
        None, "Path of the ffmpeg program; default the one on PATH, else bundled."
    )
    ffprobe: str | None = _setting(
        None, "Path of the ffprobe program; default the one on PATH, else bundled."
    )
    max_upload_mb: int = _setting(
        "2048", "Largest upload accepted, in megabytes.", _int_between(1, 1024 * 1024)
    )
    max_clip_minutes: int = _setting(
        "60", "Longest clip accepted, in minutes.", _int_between(1, 24 * 60)
    )
    max_frame_rate: int = _setting(
        "30",
        "Highest frame rate of prepared clips; faster clips keep every other frame until under it.",
        _int_between(10, 120),
    )
    job_workers: int = _setting(
        "1", "How many media preparation jobs run at once.", _int_between(1, 16)
    )
    media_accel_redirect: str | None = _setting(
        None,
        "Behind nginx: an internal location (e.g. /protected-media/) mapped to MEDIA_DIR/files; "
        "media files are then sent by nginx through X-Accel-Redirect.",
    )
    manifest_hours: int = _setting(
        "36", "How many hours ahead each screen manifest covers.", _int_between(24, 24 * 14)
    )
    offline_after_polls: int = _setting(
        "3", "Missed polls after which a screen counts as offline.", _int_between(1, 100)
    )
    snapshot_minutes: int = _setting(
        "10",
        "How often each screen sends a picture of what it shows (0: only when staff ask).",
        _int_between(0, 1440),
    )
    keep_heartbeats_days: int = _setting(
        "1100",
        "How many days of the screens' on-hours (from their heartbeats, for the ledger) are "
        "kept; older ones are dropped by housekeeping.",
        _int_between(1, 36500),
    )
    keep_plays_days: int = _setting(
        "1096",
        "Days of proof-of-play records kept; housekeeping deletes older ones every hour "
        "(default three years, as court records of publicity are audited).",
        _int_between(1, 36525),
    )
    config_check_seconds: int = _setting(
        "2", "How often the YAML folder is checked for hand edits.", _int_between(1, 3600)
    )
    lease_seconds: int = _setting(
        "30",
        "How long one process holds the housekeeping; a stopped holder's share is taken over "
        "within this long (renewed every third of it).",
        _int_between(3, 3600),
    )
    display_reload_at: str = _setting(
        "04:00",
        "Time of day (site time zone) when screens reload their page to stay fresh; off: never.",
        _time_of_day_or_off,
    )
    review: bool = _setting(
        "off",
        "on: staff changes to playlists, site.yaml and media reach the screens only after a "
        "reviewer or admin other than their author approves them.",
        _switch,
    )
    urgent_messages_by: Literal["staff", "reviewers"] = _setting(
        "staff",
        "Who may put up urgent messages: staff (every signed-in user) or reviewers "
        "(reviewers and admins).",
        _choice("staff", "reviewers"),
    )
    session_idle_hours: int = _setting(
        "8",
        "Staff sessions unused for this many hours end; the person signs in again.",
        _int_between(1, 24 * 30),
    )
    trusted_proxies: int = _setting(
        "0",
        "How many reverse proxies (nginx) stand in front and set X-Forwarded-For/-Proto; "
        "0 when clients connect directly. Sign-in limits, heartbeats and the audit log "
        "then see the real client address.",
        _int_between(0, 5),
    )
    metrics_token: str | None = _setting(
        None,
        "Bearer token that lets a Prometheus scraper read /metrics without a staff account; "
        "unset: only signed-in staff and staff tokens may.",
    )
    alert_webhook: str | None = _setting(
        None,
        "Address that gets a JSON POST when a screen misses its polls during its scheduled "
        "hours, and when it is back (WeCom/DingTalk group robots accept it); unset: none.",
        _url,
    )
    hearings_url: str | None = _setting(
        None,
        "Address of today's hearings as CSV or JSON, exported by the case system; the "
        "scheduler fetches it every HEARINGS_FETCH_SECONDS. Unset: staff upload the list.",
        _url,
    )
    hearings_fetch_seconds: int = _setting(
        "300", "How often the hearing list at HEARINGS_URL is fetched.", _int_between(30, 86400)
    )
    trusted_publishers: Path | None = _setting(
        None,
        "File of the publishers whose content packages this server imports, one line each "
        "as printed by `signage package key` on the publishing server; unset: none.",
        _path,
    )
    subscribe: tuple[str, ...] | None = _setting(
        None,
        "Addresses of other courts' published feeds (…/api/v1/published), separated by "
        "spaces or commas; what they publish is fetched, checked against TRUSTED_PUBLISHERS "
        "and filed under its publisher. Unset: none.",
        _urls,
    )
    subscribe_minutes: int = _setting(
        "60", "How often the SUBSCRIBE feeds are checked.", _int_between(1, 7 * 24 * 60)
    )
    subscribe_quiet_hours: bool = _setting(
        "off",
        "on: files of the SUBSCRIBE feeds are downloaded only within the site's quiet hours "
        "(site.yaml prefetch, default 02:00-05:00), leaving a thin link to the working day.",
        _switch,
    )
    log_level: str = _setting(
        "info", "How much the server logs.", _choice("debug", "info", "warning", "error")
    )


@dataclass(frozen=True)
class Setting:
    """A row of the table as the command line and the docs list it."""

    name: str
    default: str | None
    help: str
    parse: Callable[[str], Any]
    field: str


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name.upper(), f.metadata["default"], f.metadata["help"], f.metadata["parse"], f.name)
    for f in fields(Settings)
)
SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


SECRET_SETTINGS = frozenset({"SECRET_KEY", "METRICS_TOKEN"})


def _resolve(
    overrides: Mapping[str, Any], environ: Mapping[str, str]
) -> Iterator[tuple[Setting, Any, str]]:
    """Each setting with its value in effect and where that value came from."""
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME))
    if unknown:
        raise SettingsError(
            N_("unknown setting {name}; known: {known}"),
            name=unknown[0],
            known=list(SETTINGS_BY_NAME),
        )
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
            problem = exc.phrase if isinstance(exc, PhraseError) else str(exc)
            raise SettingsError(
                N_("{setting}: {problem}"), setting=label, problem=problem
            ) from None


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read every setting from overrides (by NAME), then ``SIGNAGE_*`` variables, then defaults."""
    environ = os.environ if environ is None else environ
    return Settings(**{s.field: value for s, value, _ in _resolve(dict(overrides or {}), environ)})


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
