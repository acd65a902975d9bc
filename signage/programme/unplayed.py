"""Days on which a dated playlist item or schedule rule will not play on any screen, and why.

Worked out with the schedule engine itself (`resolve_segments`, `explain`), the one the preview
and the screens use, so a warning never disagrees with what the screens do. Pure: a
configuration in, findings out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from signage.config.model import Rule
from signage.config.validate import Config
from signage.config.when import DateSet
from signage.programme.schedule import Segment, explain, resolve_segments, resolve_windows

MAX_DAYS = 62  # the first two months of a long range are enough to act on
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Unplayed:
    """The days something dated will not play: those a higher rule holds its screens (and the
    playlists it plays), and those no rule schedules it at all."""

    outranked: tuple[dt.date, ...]
    held_by: tuple[str, ...]
    unscheduled: tuple[dt.date, ...]


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days joined into inclusive ranges, in order."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] + DAY == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _days_of(dates: DateSet) -> list[dt.date]:
    days: list[dt.date] = []
    for first, last in dates.ranges:
        day = first
        while day <= last and len(days) < MAX_DAYS:
            days.append(day)
            day += DAY
    return sorted(set(days))


def _day_segments(config: Config, screen_id: str, day: dt.date) -> list[Segment]:
    """A screen's segments on one day (site time), worked out once per configuration."""
    key = ("day_segments", screen_id, day)
    if key not in config.memo:
        zone = config.site.zone
        start = dt.datetime.combine(day, dt.time(), zone)
        end = dt.datetime.combine(day + DAY, dt.time(), zone)  # not +24 h: clocks may change
        config.memo[key] = resolve_segments(config, screen_id, start, end)
    return config.memo[key]


def _overlaps(
    segment: Segment, windows: list[tuple[dt.datetime, dt.datetime]]
) -> list[dt.datetime]:
    """The middle of each stretch where the segment and one of the windows overlap."""
    middles = []
    for start, end in windows:
        left, right = max(start, segment.start), min(end, segment.end)
        if left < right:
            middles.append(left + (right - left) / 2)
    return middles


def _find(
    config: Config,
    screens: set[str],
    days: list[dt.date],
    rules: list[Rule],
    plays: Callable[[Segment], bool],
    outranked: Callable[[str, dt.datetime], bool],
) -> Unplayed | None:
    """Days on which no segment of these screens `plays` it, and who holds the screens then:
    the playlists of segments during which one of its `rules` is active but `outranked`."""
    zone = config.site.zone
    beaten: list[dt.date] = []
    unscheduled: list[dt.date] = []
    held: dict[str, None] = {}
    for day in days:
        segments = [(s, seg) for s in sorted(screens) for seg in _day_segments(config, s, day)]
        if any(plays(segment) for _, segment in segments):
            continue
        start = dt.datetime.combine(day, dt.time(), zone)
        end = dt.datetime.combine(day + DAY, dt.time(), zone)
        windows = [w for rule in rules for w in resolve_windows(zone, rule, start, end)]
        winners = [
            segment.playlists
            for screen_id, segment in segments
            if any(outranked(screen_id, at) for at in _overlaps(segment, windows))
        ]
        (beaten if winners else unscheduled).append(day)
        for playlists in winners:
            held.update(dict.fromkeys(playlists))
    if not beaten and not unscheduled:
        return None
    return Unplayed(tuple(beaten), tuple(held), tuple(unscheduled))


def unplayed_item(config: Config, playlist_id: str, index: int) -> Unplayed | None:
    """For a dated item: the days of its dates (and its days) it plays on no screen."""
    item = config.playlists[playlist_id].items[index]
    if item.dates is None:
        return None
    days = [day for day in _days_of(item.dates) if day in item.days]
    schedule = config.site_file.schedule
    screens = {
        screen
        for rule in schedule
        if rule.playlist == playlist_id
        for screen in config.targets(rule.screens)
    }
    if config.site_file.default_playlist == playlist_id:
        screens = set(config.screens)
    key = f"{playlist_id}#{index}"

    def outranked(screen_id: str, at: dt.datetime) -> bool:
        return any(
            verdict.rule.playlist == playlist_id and verdict.outcome == "loses"
            for verdict in explain(config, screen_id, at)
        )

    rules = [rule for rule in schedule if rule.playlist == playlist_id]

    def plays(segment: Segment) -> bool:
        return any(planned.key == key for planned in segment.items)

    return _find(config, screens, days, rules, plays, outranked)


def unplayed_rule(config: Config, rule_index: int) -> Unplayed | None:
    """For a dated rule: the days of its dates (and its days) it wins on none of its screens."""
    rule = config.site_file.schedule[rule_index]
    if rule.dates is None:
        return None
    days = [day for day in _days_of(rule.dates) if day in rule.days]

    def outranked(screen_id: str, at: dt.datetime) -> bool:
        return any(
            verdict.index == rule_index and verdict.outcome == "loses"
            for verdict in explain(config, screen_id, at)
        )

    return _find(
        config,
        config.targets(rule.screens),
        days,
        [rule],
        lambda seg: rule_index in seg.rules,
        outranked,
    )


@dataclass(frozen=True)
class FirstPlay:
    """Where and when something first plays from a moment on, and what holds its screen until
    then (the playlists of that screen's segments before it)."""

    screen: str
    at: dt.datetime
    held_by: tuple[str, ...]


def first_play(
    config: Config, playlist_id: str, index: int | None, start: dt.datetime, days: int
) -> FirstPlay | None:
    """The earliest moment from `start` (within `days` days) at which a screen plays the item
    (`index`), or any item of the playlist (None); None when none does."""
    zone = config.site.zone
    first_day = start.astimezone(zone).date()

    def plays(segment: Segment) -> bool:
        return segment.end > start and any(
            planned.playlist == playlist_id and index in (None, planned.index)
            for planned in segment.items
        )

    for offset in range(days + 1):
        found = [
            (max(segment.start, start.astimezone(dt.UTC)), screen_id)
            for screen_id in sorted(config.screens)
            for segment in _day_segments(config, screen_id, first_day + offset * DAY)
            if plays(segment)
        ]
        if found:
            at, screen_id = min(found)
            held = {
                playlist: None
                for day in range(offset + 1)
                for segment in _day_segments(config, screen_id, first_day + day * DAY)
                if segment.end > start and segment.start < at
                for playlist in segment.playlists
                if playlist != playlist_id
            }
            return FirstPlay(screen_id, at, tuple(held))
    return None
