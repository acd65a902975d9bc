"""Who may change what when the court has units (tribunals): the one place every edge asks.

A user with a `unit` (never an admin) changes only what belongs to it: playlists saying
`unit: <id>`, the rules of site.yaml saying `unit: <id>` that reach only the unit's screens,
alerts and hearings for those screens, the unit's own uploads, the drafts of its people.
Users without a unit, and sites without `units:`, work county-wide. Every refusal is a 403
`Forbidden` whose phrase names the unit and the part refused and says what the user may do
instead; its `details` carry the unit and the part for scripts. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from signage.config.loader import YamlError, decode, parse_yaml
from signage.config.model import SiteFile
from signage.config.units import rule_reach, screen_units, unit_screens
from signage.config.validate import SITE_FILE, Config
from signage.errors import Forbidden, Invalid
from signage.phrases import N_, Phrase

if TYPE_CHECKING:  # saving checks changes with this module; the accounts define who acts
    from signage.accounts.staff import Actor
    from signage.edits.saving import PlaylistSummary


# The roles as staff read them (the catalogue words them as the people page does).
ROLE_WORDS = {"admin": N_("admin"), "reviewer": N_("reviewer"), "editor": N_("editor")}


def role_words(role: str) -> Phrase:
    """A role named in a refusal, in the reader's language."""
    return Phrase.of(ROLE_WORDS.get(role, role))


def unit_of(user: Actor | None) -> str | None:
    """The unit a user works in; None for admins and users without one (county-wide)."""
    if user is None or user.role == "admin":
        return None
    return user.unit or None


def unit_name(config: Config | None, unit: str) -> str:
    """What staff call a unit: its name in site.yaml, else its id."""
    found = config.site_file.units.get(unit) if config else None
    return found.name if found else unit


def _refuse(
    config: Config | None, unit: str, code: str, refused: str, template: str, **params: Any
) -> Forbidden:
    """A unit user's change refused (403): `refused` names the part in the details, the
    template words it with `unit_name` and `part` (`refused`, unless `params` give the part
    as the words name it: a schedule rule as `_rule`, screens or rooms as a list)."""
    name = unit_name(config, unit)
    return Forbidden(
        template,
        code=code,
        details={"unit": unit, "unit_name": name, "part": refused},
        **{"unit_name": name, "part": refused, **params},
    )


def _not_your_playlist(config: Config | None, unit: str, playlist_id: str) -> Forbidden:
    """The refusal of a change to a playlist of another unit (or of the county)."""
    return _refuse(
        config,
        unit,
        "unit_playlist",
        playlist_id,
        N_(
            "playlist {part!r} is not {unit_name}'s; you may change only your unit's "
            "playlists (they say unit: in their text), and use the county's in your rules"
        ),
    )


def _rule(number: int) -> Phrase:
    """A rule of site.yaml's schedule by its place (from 1), as staff see it numbered."""
    return Phrase.of(N_("rule #{number}"), number=number)


def _own_screens(config: Config, unit: str) -> set[str]:
    return unit_screens(config.site_file, unit)


def _written_unit(content: bytes) -> Any:
    """The `unit:` a file's text says (None when it says none or does not parse)."""
    try:
        data = parse_yaml(decode(content)).data
    except YamlError:
        return None
    return data.get("unit") if isinstance(data, dict) else None


def check_file_change(
    user: Actor, before: Config | None, after: Config, name: str, on_disk: bytes | None = None
) -> None:
    """A save of site.yaml or a playlist, as `after` would be: refused (403) when it changes
    anything that is not the user's unit's. `on_disk`: the file's text now, which tells whose
    it is when the configuration in effect lacks it (a file broken by hand)."""
    unit = unit_of(user)
    if unit is None:
        return
    if unit not in after.site_file.units:
        raise _refuse(
            after,
            unit,
            "unit_unknown",
            "units",
            N_("your unit {unit_name} is not in site.yaml any more; ask an administrator"),
        )
    if name == SITE_FILE:
        if before is None:
            raise _refuse(
                after,
                unit,
                "unit_site",
                "site.yaml",
                N_("site.yaml is created by an administrator, not by {unit_name}; ask one"),
            )
        _check_site_change(unit, before, after)
        return
    playlist_id = name.removesuffix(".yaml")
    old = before.playlists.get(playlist_id) if before else None
    owner = old.unit if old is not None else None
    if old is None and on_disk is not None:
        owner = _written_unit(on_disk)
    if (old is not None or on_disk is not None) and owner != unit:
        raise _not_your_playlist(after, unit, playlist_id)
    new = after.playlists.get(playlist_id)
    if new is not None and new.unit != unit:
        raise _refuse(
            after,
            unit,
            "unit_playlist",
            playlist_id,
            N_(
                "playlist {part!r} must say `unit: {unit_id}`: you may save only playlists of "
                "{unit_name}"
            ),
            unit_id=unit,
        )


def _others(site_file: SiteFile, unit: str) -> list[Any]:
    return [rule for rule in site_file.schedule if rule.unit != unit]


def _check_site_change(unit: str, before: Config, after: Config) -> None:
    old, new = before.site_file, after.site_file
    for key in SiteFile.model_fields:
        if key != "schedule" and getattr(old, key) != getattr(new, key):
            raise _refuse(
                after,
                unit,
                "unit_site",
                key,
                N_(
                    "{part}: in site.yaml is not {unit_name}'s; you may change only its rules "
                    "there: undo that change, or ask an administrator"
                ),
            )
    theirs_before, theirs_after = _others(old, unit), _others(new, unit)
    if theirs_before != theirs_after:
        pairs = enumerate(zip(theirs_before, theirs_after, strict=False))
        index = next(
            (n for n, (a, b) in pairs if a != b), min(len(theirs_before), len(theirs_after))
        )
        # Named by its place in the file as saved, as the editor sees it.
        places = [n for n, rule in enumerate(new.schedule) if rule.unit != unit]
        place = places[index] if index < len(places) else len(new.schedule)
        raise _refuse(
            after,
            unit,
            "unit_site",
            f"schedule {place + 1}",
            N_(
                "{part} of site.yaml is the county's or another unit's; you may change only "
                "the rules of {unit_name}: undo that change, or ask an administrator"
            ),
            part=_rule(place + 1),
        )
    own = _own_screens(after, unit)
    for index, rule in enumerate(new.schedule):
        if rule.unit == unit and not rule_reach(new, rule.screens) <= own:
            raise _refuse(
                after,
                unit,
                "unit_screens",
                f"schedule {index + 1}",
                N_(
                    "{part} reaches screens of other units or of the county; the rules of "
                    "{unit_name} may name only its own screens"
                ),
                part=_rule(index + 1),
            )


def check_playlist_delete(user: Actor, config: Config | None, playlist_id: str) -> None:
    """Deleting a playlist: only the unit's own (403 otherwise)."""
    unit = unit_of(user)
    playlist = config.playlists.get(playlist_id) if config else None
    if unit is not None and (playlist is None or playlist.unit != unit):
        raise _not_your_playlist(config, unit, playlist_id)


def check_readable(user: Actor, config: Config | None, name: str) -> None:
    """Reading a file or its history: another unit's playlist is not theirs to see."""
    unit = unit_of(user)
    if unit is None or name == SITE_FILE or config is None:
        return
    playlist = config.playlists.get(name.removesuffix(".yaml"))
    if playlist is not None and playlist.unit not in (None, unit):
        raise _refuse(
            config,
            unit,
            "unit_playlist",
            name,
            N_(
                "{part} belongs to another unit; {unit_name} sees only its own playlists and "
                "the county's"
            ),
        )


def readable_files(user: Actor, config: Config | None, names: Iterable[str]) -> list[str]:
    """The file names a user may read: all but other units' playlists."""
    readable = []
    for name in names:
        try:
            check_readable(user, config, name)
        except Forbidden:
            continue
        readable.append(name)
    return readable


def visible_playlists(
    user: Actor, config: Config | None, summaries: list[PlaylistSummary]
) -> list[PlaylistSummary]:
    """The playlist list a user sees: the county's and their unit's (everyone's for county
    users)."""
    files = set(readable_files(user, config, [row.file for row in summaries]))
    return [row for row in summaries if row.file in files]


def stamp_new_playlist(user: Actor, content: bytes) -> bytes:
    """A unit editor's new playlist belongs to their unit: `unit:` is added when it is not
    written (a text that does not parse is left for validation to report)."""
    unit = unit_of(user)
    if unit is None:
        return content
    try:
        data = parse_yaml(decode(content)).data
    except YamlError:
        return content
    if not isinstance(data, dict) or "unit" in data:
        return content
    return f"unit: {unit}\n".encode() + decode(content).encode()


def check_screens(user: Actor, config: Config, targets: Iterable[str] | None) -> None:
    """Alerts and other messages for screens: a unit's people reach only its screens
    (`targets` None: every screen)."""
    unit = unit_of(user)
    if unit is None:
        return
    own = _own_screens(config, unit)
    reached = config.targets(None if targets is None else list(targets))
    outside = sorted(reached - own)
    if outside:
        raise _refuse(
            config,
            unit,
            "unit_screens",
            ", ".join(outside),
            N_(
                "screens {part} are not {unit_name}'s; your rules and urgent messages may "
                "name only your unit's screens"
            ),
            part=outside,
        )
    if not reached:
        raise _refuse(
            config,
            unit,
            "unit_screens",
            "all",
            N_(
                "these targets reach no screen of {unit_name}; your rules and urgent messages "
                "may name only your unit's screens"
            ),
        )


def unit_rooms(user: Actor, config: Config) -> set[str] | None:
    """The courtrooms whose hearings a user may replace (None: every room)."""
    unit = unit_of(user)
    if unit is None:
        return None
    return {
        room
        for screen_id in _own_screens(config, unit)
        if (room := config.screens[screen_id].courtroom)
    }


def check_rooms(user: Actor, config: Config, rooms: Iterable[str]) -> None:
    """Hearings for rooms: refused unless every room is one of the unit's screens' rooms."""
    allowed = unit_rooms(user, config)
    unit = unit_of(user)
    if allowed is None or unit is None:
        return
    outside = sorted(set(rooms) - allowed)
    if outside:
        raise _refuse(
            config,
            unit,
            "unit_hearings",
            ", ".join(outside),
            N_("the courtrooms {part} are not {unit_name}'s; import only your unit's hearings"),
            part=outside,
        )


def upload_unit(user: Actor | None) -> str | None:
    """The unit an upload is marked with."""
    return unit_of(user)


def check_media(user: Actor, config: Config | None, row: Mapping[str, Any]) -> None:
    """Deleting or retitling media: a unit's people only their unit's uploads."""
    unit = unit_of(user)
    if unit is not None and row.get("unit") != unit:
        raise _refuse(
            config,
            unit,
            "unit_media",
            str(row.get("id")),
            N_(
                "media {part!r} was not uploaded by {unit_name}; you may rename or delete only "
                "your unit's uploads, and use the whole library"
            ),
        )


def check_media_delete(
    user: Actor, config: Config | None, row: Callable[[], Mapping[str, Any]]
) -> None:
    """Deleting media: admins any; a unit's people their unit's uploads; others nothing
    (refused before `row` looks the media up, so they learn nothing of what exists)."""
    if user.role == "admin":
        return
    if unit_of(user) is None:
        raise Forbidden(
            N_("this needs the {role} role; ask an administrator"), role=role_words("admin")
        )
    check_media(user, config, row())


def review_visible(user: Actor, author_unit: str | None, author: str, reviewer: bool) -> bool:
    """Whether a user sees a draft: reviewers of their unit's people (county reviewers: all),
    anyone their own."""
    if author == user.name:
        return True
    if not reviewer:
        return False
    unit = unit_of(user)
    return unit is None or author_unit == unit


def check_review(user: Actor, config: Config | None, author_unit: str | None) -> None:
    """Deciding on a draft: a reviewer with a unit decides on their unit's drafts only."""
    unit = unit_of(user)
    if unit is not None and author_unit != unit:
        raise _refuse(
            config,
            unit,
            "unit_review",
            "review",
            N_("this draft is not by the people of {unit_name}; you review only their drafts"),
        )


def visible_screens(user: Actor | None, config: Config, asked: str | None) -> set[str] | None:
    """The screens a list shows: a unit user's own; a county user's `?unit=` or all (None)."""
    unit = unit_of(user) or asked
    if unit is None:
        return None
    if unit not in config.site_file.units:
        raise Invalid(
            N_("there is no unit {unit!r} in site.yaml"), code="unknown_unit", unit=unit[:64]
        )
    return _own_screens(config, unit)


def screen_unit(config: Config) -> dict[str, str]:
    """Screen id -> its unit, for lists grouped by unit."""
    return screen_units(config.site_file)


def check_unit_exists(config: Config | None, unit: str | None) -> None:
    """A unit given to a user must be one of site.yaml's (422 otherwise)."""
    if unit is not None and (config is None or unit not in config.site_file.units):
        raise Invalid(
            N_("there is no unit {unit!r}; list units under units: in site.yaml first"),
            code="unknown_unit",
            unit=unit[:64],
        )
