"""From the YAML files' text to a validated Config, or every problem with its position."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from signage.config.layouts import check_layouts
from signage.config.loader import Document, Mark, Path_, YamlError, decode, parse_yaml
from signage.config.messages import explain_error
from signage.config.model import (
    SLUG,
    SLUG_HELP,
    Hours,
    Playlist,
    Rule,
    Screen,
    Site,
    SiteCalendar,
    SiteFile,
    Strict,
)
from signage.config.units import check_units
from signage.config.when import did_you_mean
from signage.phrases import N_, Phrase

SITE_FILE = "site.yaml"
# How long before a year the installed calendar does not know staff are warned.
CALENDAR_NOTICE = dt.timedelta(days=60)
CALENDAR_EXAMPLE = (
    "calendar:\n"
    "  holidays: [{year}-01-01, {year}-MM-DD..{year}-MM-DD]   # 放假日期或日期段\n"
    "  workdays: [{year}-MM-DD]                              # 调休上班日"
)


class IssueReport(BaseModel):
    """A problem in the configuration: where, how serious, and its message (also as phrase)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int | None
    column: int | None
    severity: Literal["error", "warning"]
    code: str
    message: str
    # The message as an English template and its parameters, for clients that translate.
    template: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Issue:
    """One problem in the configuration, placed as an editor shows it."""

    file: str
    line: int | None
    column: int | None
    message: str
    code: str = "invalid"
    severity: Literal["error", "warning"] = "error"
    # The message as template and parameters, for the staff pages to show in their language.
    phrase: Phrase | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        file: str,
        mark: Mark | None,
        phrase: Phrase,
        code: str = "invalid",
        severity: Literal["error", "warning"] = "error",
    ) -> Issue:
        """An issue at a position (or none), its message told by a phrase."""
        line, column = (mark.line, mark.column) if mark else (None, None)
        return cls(file, line, column, str(phrase), code, severity, phrase)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message}"

    def report(self) -> IssueReport:
        """The issue as `signage check --json`, the API and /healthz report it."""
        phrase = (self.phrase or Phrase(self.message)).to_dict()
        return IssueReport(
            file=self.file,
            line=self.line,
            column=self.column,
            severity=self.severity,
            code=self.code,
            message=self.message,
            template=phrase["template"],
            params=phrase["params"],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form of `report`, for error details and other plain JSON."""
        return self.report().model_dump()


@dataclass(frozen=True)
class Config:
    """A configuration that passed validation: what the schedule engine works from."""

    site_file: SiteFile
    playlists: dict[str, Playlist]
    digest: str
    sources: dict[str, str] = field(repr=False)
    # Memo of values derived from this immutable configuration (groups, plans, rules).
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def site(self) -> Site:
        return self.site_file.site

    @property
    def calendar(self) -> SiteCalendar:
        return self.site_file.calendar

    @property
    def screens(self) -> dict[str, Screen]:
        return self.site_file.screens

    def groups(self) -> dict[str, set[str]]:
        """Group name -> screen ids."""
        if "groups" not in self.memo:
            groups: dict[str, set[str]] = {}
            for screen_id, screen in self.screens.items():
                for group in screen.groups:
                    groups.setdefault(group, set()).add(screen_id)
            self.memo["groups"] = groups
        return self.memo["groups"]

    def group_name(self, group: str) -> str:
        """What staff call a group: its name from `groups:` in site.yaml, else its id."""
        named = self.site_file.groups.get(group)
        return (named.name if named else "") or group

    def hours_for(self, screen_id: str) -> tuple[Hours, ...]:
        """The hours a screen keeps: its own, else those of each of its groups that has
        some (awake while any holds); empty when it never sleeps."""
        screen = self.screens[screen_id]
        if screen.hours is not None:
            return (screen.hours,)
        named = self.site_file.groups
        return tuple(
            hours
            for group in screen.groups
            if group in named and (hours := named[group].hours) is not None
        )

    def is_synced(self, screen_id: str) -> bool:
        """Whether the screen is part of a wall: in a group declared with `sync: true`."""
        named = self.site_file.groups
        return any(group in named and named[group].sync for group in self.screens[screen_id].groups)

    def target_name(self, target: str) -> str:
        """What staff call a screen or group named in a rule or an alert."""
        screen = self.screens.get(target)
        if screen is not None:
            return screen.name or target
        return self.group_name(target)

    def targets(self, names: Iterable[str] | None) -> set[str]:
        """Screen ids named directly or through a group; None means every screen."""
        if names is None:
            return set(self.screens)
        groups = self.groups()
        found: set[str] = set()
        for name in names:
            found |= groups.get(name, {name} if name in self.screens else set())
        return found

    def rules_for(self, screen_id: str) -> list[tuple[int, Rule]]:
        """(index in schedule, rule) for every rule that reaches this screen."""
        key = ("rules", screen_id)
        if key not in self.memo:
            self.memo[key] = [
                (index, rule)
                for index, rule in enumerate(self.site_file.schedule)
                if screen_id in self.targets(rule.screens)
            ]
        return self.memo[key]

    def media_ids(self) -> dict[str, set[str]]:
        """Media id -> playlists that use it."""
        used: dict[str, set[str]] = {}
        for playlist_id, playlist in self.playlists.items():
            for item in playlist.items:
                media = item.clip or item.image
                if media:
                    used.setdefault(media, set()).add(playlist_id)
        return used


class _Collector:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(
        self,
        file: str,
        mark: Mark | None,
        template: str,
        code: str = "invalid",
        severity: Literal["error", "warning"] = "error",
        **params: Any,
    ) -> None:
        self.issues.append(Issue.of(file, mark, Phrase(template, params), code, severity))

    def add_phrase(self, file: str, mark: Mark | None, phrase: Phrase, code: str) -> None:
        self.issues.append(Issue.of(file, mark, phrase, code))

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


def validate_files(
    files: Mapping[str, bytes | str], today: dt.date | None = None
) -> tuple[Config | None, list[Issue]]:
    """Validate the whole folder's files (name -> content); the Config only when error-free.
    `today` (default: the real one) decides which calendar years must be known."""
    out = _Collector()
    if SITE_FILE not in files:
        out.add(
            SITE_FILE,
            None,
            N_("site.yaml is missing; it names the site, screens and schedule"),
            code="missing_file",
        )
        return None, out.issues
    texts: dict[str, str] = {}
    documents: dict[str, Document] = {}
    for name in sorted(files):
        content = files[name]
        try:
            text = decode(content) if isinstance(content, bytes) else content
            texts[name] = text
            documents[name] = parse_yaml(text)
        except YamlError as exc:
            out.add_phrase(name, exc.mark, exc.phrase, exc.code)
    site_file = _model(SiteFile, SITE_FILE, documents.get(SITE_FILE), out)
    playlists: dict[str, Playlist] = {}
    for name in sorted(documents):
        if name == SITE_FILE:
            continue
        playlist_id = PurePath(name).stem
        if not SLUG.match(playlist_id):
            out.add(
                name,
                None,
                N_("the file name {name!r} cannot be a playlist id; {help}"),
                code="bad_id",
                name=name,
                help=Phrase(SLUG_HELP),
            )
            continue
        playlist = _model(Playlist, name, documents[name], out)
        if playlist is not None:
            playlists[playlist_id] = playlist
    if site_file is not None:
        # A playlist whose own file is broken still exists: report it there, not here too.
        present = {PurePath(name).stem for name in files if name != SITE_FILE}
        _check_references(site_file, present, documents[SITE_FILE], out)
        _check_playlists(playlists, documents, out)
        for layout_id in site_file.layouts:
            _check_slug(
                documents[SITE_FILE],
                "layouts",
                layout_id,
                N_("{id!r} cannot be a layout id; {help}"),
                out,
            )
        check_layouts(
            site_file,
            present,
            documents[SITE_FILE],
            lambda mark, template, code, **params: out.add(
                SITE_FILE, mark, template, code=code, **params
            ),
        )
        _check_topics(site_file, playlists, documents, out)
        check_units(
            site_file,
            playlists,
            documents[SITE_FILE],
            documents,
            lambda file, mark, template, code, **params: out.add(
                file, mark, template, code=code, **params
            ),
        )
    out.issues.sort(key=lambda i: (i.file != SITE_FILE, i.file, i.line or 0, i.column or 0))
    if out.has_errors or site_file is None:
        return None, out.issues
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    config = Config(site_file, playlists, digest.hexdigest()[:16], texts)
    _check_coverage(config, documents[SITE_FILE], out, today or dt.date.today())
    return config, out.issues


def _model(model: type[Strict], name: str, document: Document | None, out: _Collector) -> Any:
    if document is None:
        return None
    if not isinstance(document.data, dict):
        out.add(
            name,
            document.mark_for(()),
            N_("the file must be a set of keys (like `name:` and `items:`), not a list or text"),
            code="wrong_type",
        )
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path, phrase, on_key = explain_error(model, error)
            out.add_phrase(name, document.mark_for(path, key=on_key), phrase, error["type"])
    return None


def _check_slug(document: Document, section: str, key: str, template: str, out: _Collector) -> None:
    """An id of site.yaml (a key under `section:`) is a slug, or an error at the key."""
    if not SLUG.match(key):
        out.add(
            SITE_FILE,
            document.mark_for((section, key), key=True),
            template,
            code="bad_id",
            id=key,
            help=Phrase(SLUG_HELP),
        )


def _check_references(
    site_file: SiteFile, playlists: set[str], document: Document, out: _Collector
) -> None:
    screens = site_file.screens
    groups = {g for s in screens.values() for g in s.groups}
    for screen_id in screens:
        _check_slug(document, "screens", screen_id, N_("{id!r} cannot be a screen id; {help}"), out)
        if screen_id in groups:
            out.add(
                SITE_FILE,
                document.mark_for(("screens", screen_id), key=True),
                N_("{id!r} is both a screen and a group; rename one of them"),
                code="ambiguous_name",
                id=screen_id,
            )
    names = sorted(set(screens) | groups)

    def check_targets(path: Path_, targets: tuple[str, ...] | None) -> None:
        for index, target in enumerate(targets or ()):
            if target not in screens and target not in groups:
                out.add(
                    SITE_FILE,
                    document.mark_for((*path, index)),
                    N_("{target!r} is neither a screen nor a group{hint}"),
                    code="unknown_screen",
                    target=target,
                    hint=did_you_mean(target, names),
                )

    def check_playlist(path: Path_, playlist_id: str) -> None:
        if playlist_id not in playlists:
            hint = did_you_mean(playlist_id, list(playlists))
            if not hint.template:
                hint = Phrase.of(
                    N_("; create playlists/{id}.yaml or name an existing playlist"), id=playlist_id
                )
            out.add(
                SITE_FILE,
                document.mark_for(path),
                N_("there is no playlist {id!r}{hint}"),
                code="unknown_playlist",
                id=playlist_id,
                hint=hint,
            )

    for group in site_file.groups:
        if group not in groups:
            out.add(
                SITE_FILE,
                document.mark_for(("groups", group), key=True),
                N_("no screen is in the group {id!r}{hint}; add it to a screen's groups"),
                code="unknown_group",
                severity="warning",
                id=group,
                hint=did_you_mean(group, sorted(groups)),
            )
    for index, rule in enumerate(site_file.schedule):
        check_playlist(("schedule", index, "playlist"), rule.playlist)
        check_targets(("schedule", index, "screens"), rule.screens)
    for index, line in enumerate(site_file.ticker):
        check_targets(("ticker", index, "screens"), line.screens)
    for key in ("requirements", "campaigns"):
        for index, entry in enumerate(getattr(site_file, key)):
            check_targets((key, index, "screens"), entry.screens)
    if site_file.default_playlist is not None:
        check_playlist(("default_playlist",), site_file.default_playlist)


def _check_playlists(
    playlists: dict[str, Playlist], documents: dict[str, Document], out: _Collector
) -> None:
    for playlist_id, playlist in playlists.items():
        name = f"{playlist_id}.yaml"
        if not playlist.items:
            out.add(
                name,
                documents[name].mark_for(()),
                N_("this playlist has no items yet"),
                code="empty_playlist",
                severity="warning",
            )


def _check_topics(
    site_file: SiteFile,
    playlists: dict[str, Playlist],
    documents: dict[str, Document],
    out: _Collector,
) -> None:
    """Every topic named by an item or a campaign is declared under `topics:`."""
    declared = site_file.topics
    site = documents[SITE_FILE]
    for topic in declared:
        _check_slug(site, "topics", topic, N_("{id!r} cannot be a topic id; {help}"), out)

    def check(name: str, document: Document, path: Path_, topic: str) -> None:
        if topic not in declared:
            out.add(
                name,
                document.mark_for(path),
                N_("{id!r} is not a topic declared under topics: in site.yaml (declared: {known})"),
                code="unknown_topic",
                id=topic,
                known=", ".join(sorted(declared)) or "-",
            )

    for index, campaign in enumerate(site_file.campaigns):
        check(SITE_FILE, site, ("campaigns", index, "topic"), campaign.topic)
    for playlist_id, playlist in playlists.items():
        name = f"{playlist_id}.yaml"
        for index, item in enumerate(playlist.items):
            for position, topic in enumerate(item.topics):
                check(name, documents[name], ("items", index, "topics", position), topic)


def _check_coverage(config: Config, document: Document, out: _Collector, today: dt.date) -> None:
    used = {rule.playlist for rule in config.site_file.schedule}
    used.add(config.site_file.default_playlist or "")
    for playlist_id in sorted(set(config.playlists) - used):
        out.add(
            f"{playlist_id}.yaml",
            None,
            N_("this playlist is not used by the schedule or default_playlist"),
            code="unused_playlist",
            severity="warning",
        )
    if config.site_file.default_playlist is None:
        for screen_id in config.screens:
            if not config.rules_for(screen_id):
                out.add(
                    SITE_FILE,
                    document.mark_for(("screens", screen_id), key=True),
                    N_(
                        "no rule reaches screen {id!r} and there is no default_playlist;"
                        " it will show only the clock"
                    ),
                    code="idle_screen",
                    severity="warning",
                    id=screen_id,
                )
    uses_calendar = any(
        when.days.uses_official_calendar
        for when in (
            *config.site_file.schedule,
            *config.site_file.ticker,
            *(i for p in config.playlists.values() for i in p.items),
        )
    )
    horizon = today + CALENDAR_NOTICE
    unknown = [
        year for year in range(today.year, horizon.year + 1) if not config.calendar.knows_year(year)
    ]
    if uses_calendar and unknown:
        out.add(
            SITE_FILE,
            document.key_marks.get(("calendar",)),
            N_(
                "the installed Chinese holiday calendar does not know {year} yet; from "
                "{year}-01-01 workdays/holidays fall back to Monday-Friday. Once the State "
                "Council publishes the year's holidays, add them to site.yaml:\n{yaml}"
            ),
            code="calendar_unknown",
            severity="warning",
            year=unknown[0],
            yaml=CALENDAR_EXAMPLE.format(year=unknown[0]),
        )


def media_issues(config: Config, known: set[str]) -> list[Issue]:
    """Warnings for playlist items whose media is missing or not ready yet."""
    issues = []
    for media_id, playlist_ids in sorted(config.media_ids().items()):
        if media_id not in known:
            for playlist_id in sorted(playlist_ids):
                phrase = Phrase.of(
                    N_(
                        "media {id!r} is not in the library or not ready yet; "
                        "it is skipped until it is"
                    ),
                    id=media_id,
                )
                issues.append(
                    Issue.of(f"{playlist_id}.yaml", None, phrase, "media_missing", "warning")
                )
    return issues
