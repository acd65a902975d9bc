"""Layouts: a screen's area split into zones (`layouts:` in site.yaml), the built-in ones, and
their checks. The zone without a playlist is the main one: the schedule fills it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from signage.config.when import did_you_mean
from signage.phrases import N_, Phrase, PhraseError

if TYPE_CHECKING:
    from signage.config.loader import Document
    from signage.config.model import SiteFile

Percent = Annotated[float, Field(ge=0, le=100)]
ZONES_MOST = 6  # more boxes than this on one lobby screen are too small to read
FULL = "full"
PORTRAIT_SPLIT = "portrait-split"


class Zone(BaseModel):
    """A box of the screen (x, y, width, height in % of the area under the header) and
    what it shows: a playlist of its own, today's hearings, or (neither) the schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    area: tuple[Percent, Percent, Percent, Percent]
    playlist: str | None = None
    hearings: Literal["band"] | None = None  # the current and next hearing of the courtroom

    @model_validator(mode="after")
    def _inside(self) -> Zone:
        x, y, width, height = self.area
        if width <= 0 or height <= 0:
            raise PhraseError(Phrase(N_("a zone's width and height must be more than 0")))
        if x + width > 100.001 or y + height > 100.001:
            raise PhraseError(
                Phrase.of(
                    N_(
                        "the zone reaches past the screen's edge (x + width = {right}, "
                        "y + height = {bottom}; each at most 100)"
                    ),
                    right=_number(x + width),
                    bottom=_number(y + height),
                )
            )
        if self.playlist is not None and self.hearings is not None:
            raise PhraseError(Phrase(N_("a zone shows a playlist: or hearings:, not both")))
        return self

    @property
    def is_main(self) -> bool:
        """The zone the schedule fills: it names neither a playlist nor the hearings."""
        return self.playlist is None and self.hearings is None


def _number(value: float) -> str:
    return f"{value:g}"


class Layout(BaseModel):
    """A screen's zones; exactly one of them is the main zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(max_length=200)] = ""
    zones: Annotated[dict[str, Zone], Field(min_length=1, max_length=ZONES_MOST)]

    @property
    def main(self) -> str:
        """The id of the main zone (validation made sure there is one)."""
        return next(zone_id for zone_id, zone in self.zones.items() if zone.is_main)


def _layout(name: str, **zones: Zone) -> Layout:
    return Layout(name=name, zones=zones)


# Built in, so nobody has to write percentages for the common shapes. A side or bottom zone
# plays the playlist of the same name (playlists/side.yaml, playlists/bottom.yaml).
BUILT_IN: dict[str, Layout] = {
    FULL: _layout("整屏", main=Zone(area=(0, 0, 100, 100))),
    "side": _layout(
        "主区 + 右侧栏",
        main=Zone(area=(0, 0, 75, 100)),
        side=Zone(area=(75, 0, 25, 100), playlist="side"),
    ),
    "bottom": _layout(
        "主区 + 底栏",
        main=Zone(area=(0, 0, 100, 75)),
        bottom=Zone(area=(0, 75, 100, 25), playlist="bottom"),
    ),
    PORTRAIT_SPLIT: _layout(
        "上节目、下开庭公告",
        main=Zone(area=(0, 0, 100, 70)),
        hearings=Zone(area=(0, 70, 100, 30), hearings="band"),
    ),
}


def all_layouts(declared: Mapping[str, Layout]) -> dict[str, Layout]:
    """The built-in layouts and the site's own (a declared one replaces a built-in)."""
    return {**BUILT_IN, **declared}


def overlap(a: Zone, b: Zone) -> bool:
    """Whether two zones cover some of the same screen (touching edges do not count)."""
    ax, ay, aw, ah = a.area
    bx, by, bw, bh = b.area
    return (
        min(ax + aw, bx + bw) - max(ax, bx) > 0.001 and min(ay + ah, by + bh) - max(ay, by) > 0.001
    )


Report = Callable[..., None]  # (mark, template, code, **params): one issue in site.yaml


def check_layouts(
    site_file: SiteFile, playlists: set[str], document: Document, report: Report
) -> None:
    """Zones that overlap, a layout without exactly one main zone, unknown layout and
    playlist names: each an error at its place in site.yaml."""
    for layout_id, layout in site_file.layouts.items():
        path: tuple[Any, ...] = ("layouts", layout_id, "zones")
        mains = [zone_id for zone_id, zone in layout.zones.items() if zone.is_main]
        if len(mains) != 1:
            report(
                document.mark_for(path, key=True),
                N_(
                    "layout {id!r} needs exactly one zone without playlist: (the one the "
                    "schedule fills); it has {count}"
                ),
                "layout_main",
                id=layout_id,
                count=len(mains),
            )
        zones = list(layout.zones.items())
        for index, (zone_id, zone) in enumerate(zones):
            for other_id, other in zones[:index]:
                if overlap(zone, other):
                    report(
                        document.mark_for((*path, zone_id, "area")),
                        N_("zone {id!r} overlaps zone {other!r}; move or shrink one of them"),
                        "layout_overlap",
                        id=zone_id,
                        other=other_id,
                    )
            if zone.playlist is not None and zone.playlist not in playlists:
                hint = did_you_mean(zone.playlist, sorted(playlists))
                report(
                    document.mark_for((*path, zone_id, "playlist")),
                    N_("there is no playlist {id!r}{hint}"),
                    "unknown_playlist",
                    id=zone.playlist,
                    hint=hint
                    if hint.template
                    else Phrase.of(
                        N_("; create playlists/{id}.yaml or name an existing playlist"),
                        id=zone.playlist,
                    ),
                )
    known = all_layouts(site_file.layouts)
    used: list[tuple[tuple[Any, ...], str]] = [
        (("screens", screen_id, "layout"), screen.layout)
        for screen_id, screen in site_file.screens.items()
        if screen.layout is not None
    ]
    used += [
        (("schedule", index, "layout"), rule.layout)
        for index, rule in enumerate(site_file.schedule)
        if rule.layout is not None
    ]
    for path, name in used:
        layout = known.get(name)
        if layout is None:
            report(
                document.mark_for(path),
                N_(
                    "there is no layout {id!r}{hint}; use one declared under layouts: or a "
                    "built-in one ({known})"
                ),
                "unknown_layout",
                id=name,
                hint=did_you_mean(name, list(known)),
                known=", ".join(sorted(known)),
            )
            continue
        if name in BUILT_IN and name not in site_file.layouts:
            # A built-in's side zone names its playlist by convention: say so where it is used.
            for zone in layout.zones.values():
                if zone.playlist is not None and zone.playlist not in playlists:
                    report(
                        document.mark_for(path),
                        N_(
                            "layout {id!r} shows playlist {playlist!r} beside the programme; "
                            "create playlists/{playlist}.yaml"
                        ),
                        "unknown_playlist",
                        id=name,
                        playlist=zone.playlist,
                    )
