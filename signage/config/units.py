"""Units (a county court's tribunals) in the configuration: which screens each one holds, and
the checks `units:` and the `unit:` of rules and playlists must pass.

Who may change what is decided in `signage/units.py`; this module only reads the files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from signage.config.loader import Document, Path_
from signage.config.model import SLUG, SLUG_HELP, Playlist, SiteFile
from signage.config.when import did_you_mean
from signage.phrases import N_, Phrase

# How validate.py records a problem: file, position path, template, code and parameters.
Report = Callable[..., None]


def _reach(site_file: SiteFile, names: tuple[str, ...] | None) -> set[str]:
    """Screen ids named directly or through a group (None: every screen)."""
    if names is None:
        return set(site_file.screens)
    found: set[str] = set()
    for name in names:
        if name in site_file.screens:
            found.add(name)
        found |= {sid for sid, screen in site_file.screens.items() if name in screen.groups}
    return found


def screen_units(site_file: SiteFile) -> dict[str, str]:
    """Screen id -> the unit it belongs to (screens of no unit are left out)."""
    owners: dict[str, str] = {}
    for unit_id, unit in site_file.units.items():
        for screen_id in _reach(site_file, unit.screens):
            owners.setdefault(screen_id, unit_id)
    return owners


def unit_screens(site_file: SiteFile, unit_id: str) -> set[str]:
    """The screens of one unit (none for an unknown unit)."""
    return {sid for sid, owner in screen_units(site_file).items() if owner == unit_id}


def rule_reach(site_file: SiteFile, screens: tuple[str, ...] | None) -> set[str]:
    """The screens a rule's `screens:` reaches (None: every screen)."""
    return _reach(site_file, screens)


def check_units(
    site_file: SiteFile,
    playlists: dict[str, Playlist],
    document: Document,
    playlist_documents: dict[str, Document],
    add: Report,
) -> None:
    """Report a screen in two units, unknown units, a rule reaching screens outside its unit
    and a rule using another unit's playlist (only the county's playlists are shared)."""
    units = site_file.units
    known = sorted(site_file.screens) + sorted(
        {g for s in site_file.screens.values() for g in s.groups}
    )
    owner: dict[str, str] = {}
    for unit_id, unit in units.items():
        if not SLUG.match(unit_id):
            add(
                "site.yaml",
                document.mark_for(("units", unit_id), key=True),
                N_("{id!r} cannot be a unit id; {help}"),
                "bad_id",
                id=unit_id,
                help=Phrase(SLUG_HELP),
            )
        for index, target in enumerate(unit.screens):
            place = ("units", unit_id, "screens", index)
            if target not in known:
                add(
                    "site.yaml",
                    document.mark_for(place),
                    N_("{target!r} is neither a screen nor a group{hint}"),
                    "unknown_screen",
                    target=target,
                    hint=did_you_mean(target, known),
                )
            for screen_id in sorted(_reach(site_file, (target,))):
                first = owner.setdefault(screen_id, unit_id)
                if first != unit_id:
                    add(
                        "site.yaml",
                        document.mark_for(place),
                        N_(
                            "screen {screen!r} is already in unit {first!r}; a screen belongs "
                            "to one unit at most, take it out of one of them"
                        ),
                        "screen_in_two_units",
                        screen=screen_id,
                        first=first,
                    )

    def check_unit(file: str, doc: Document, path: Path_, unit_id: str) -> bool:
        if unit_id in units:
            return True
        add(
            file,
            doc.mark_for(path),
            N_("there is no unit {id!r}{hint}; units are listed under units: in site.yaml"),
            "unknown_unit",
            id=unit_id,
            hint=did_you_mean(unit_id, sorted(units)),
        )
        return False

    for playlist_id, playlist in playlists.items():
        name = f"{playlist_id}.yaml"
        if playlist.unit is not None and name in playlist_documents:
            check_unit(name, playlist_documents[name], ("unit",), playlist.unit)
    for index, rule in enumerate(site_file.schedule):
        if rule.unit is None or not check_unit(
            "site.yaml", document, ("schedule", index, "unit"), rule.unit
        ):
            continue
        outside = sorted(
            sid for sid in rule_reach(site_file, rule.screens) if owner.get(sid) != rule.unit
        )
        if outside:
            add(
                "site.yaml",
                document.mark_for(("schedule", index, "screens" if rule.screens else "unit")),
                N_(
                    "this rule belongs to unit {unit!r} but reaches {screens}, not in that unit; "
                    "name only the unit's screens"
                ),
                "rule_outside_unit",
                unit=rule.unit,
                screens=outside,
            )
        used = playlists.get(rule.playlist)
        if used is not None and used.unit is not None and used.unit != rule.unit:
            add(
                "site.yaml",
                document.mark_for(("schedule", index, "playlist")),
                N_(
                    "playlist {playlist!r} belongs to unit {owner!r}; a rule of unit {unit!r} "
                    "may use its own playlists and the county's"
                ),
                "playlist_of_other_unit",
                playlist=rule.playlist,
                owner=used.unit,
                unit=rule.unit,
            )


def unit_summary(site_file: SiteFile) -> dict[str, Any]:
    """Unit id -> its name and screens, as the API and pages list them."""
    owners = screen_units(site_file)
    return {
        unit_id: {
            "name": unit.name,
            "screens": sorted(sid for sid, owner in owners.items() if owner == unit_id),
        }
        for unit_id, unit in site_file.units.items()
    }
