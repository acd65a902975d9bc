"""Who plays what, when: (configuration, screen, time range) -> segments. Pure: no Flask, no I/O.

Everything is decided on the site's wall clock (date, time of day), as staff think of it.
The range is cut at every instant where the answer could change (local midnights, the
edges of time windows, UTC-offset changes) and the answer is evaluated once per piece;
equal neighbours are merged. Daylight-saving zones therefore behave as a wall clock does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from zoneinfo import ZoneInfo

from signage.config.model import Item, Rule, SiteCalendar, When
from signage.config.validate import Config

UTC = dt.UTC
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class PlannedItem:
    """An item of a playlist, with where it comes from (for proof of play and previews)."""

    playlist: str
    index: int
    item: Item

    @property
    def key(self) -> str:
        return f"{self.playlist}#{self.index}"


@dataclass(frozen=True)
class Segment:
    """[start, end) during which a screen plays a fixed list of items.

    Times are UTC: comparing local times is unreliable in the hour clocks repeat.
    """

    start: dt.datetime
    end: dt.datetime
    playlists: tuple[str, ...]
    rules: tuple[int, ...]
    items: tuple[PlannedItem, ...]
    layout: str | None = None  # set by a winning rule; None: the screen's own


def _seconds(local: dt.datetime) -> int:
    return local.hour * 3600 + local.minute * 60 + local.second


class _DayCache:
    """Whether a filter's days/dates admit a date, memoised for one resolution."""

    def __init__(self, calendar: SiteCalendar | None = None) -> None:
        self._known: dict[tuple[int, dt.date], bool] = {}
        self._is_workday = (calendar or SiteCalendar()).is_workday

    def admits(self, when: When, day: dt.date) -> bool:
        key = (id(when), day)
        found = self._known.get(key)
        if found is None:
            found = when.days.admits(day, self._is_workday) and (
                when.dates is None or day in when.dates
            )
            self._known[key] = found
        return found

    def active(self, when: When, local: dt.datetime) -> bool:
        """Whether the filter holds at this wall-clock moment."""
        day = local.date()
        window = when.time
        if window is None:
            return self.admits(when, day)
        now = _seconds(local)
        if not window.crosses_midnight:
            return window.start <= now < window.end and self.admits(when, day)
        # The part after midnight belongs to the evening it started on.
        return (now >= window.start and self.admits(when, day)) or (
            now < window.end and self.admits(when, day - DAY)
        )


def _wall_to_instants(zone: ZoneInfo, day: dt.date, seconds: int) -> list[dt.datetime]:
    """The UTC instants at which the wall clock reaches this time (none, one or two)."""
    if seconds >= 86400:
        day, seconds = day + DAY, seconds - 86400
    wall = dt.datetime.combine(day, dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60))
    found = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        # A time skipped by a spring-forward gap does not round-trip; the offset change
        # itself (added separately) is where the wall clock passes it.
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            found.append(instant)
    return found


def _offset_changes(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Instants in [start, end) where the zone's UTC offset changes (to the second)."""
    changes = []
    left = start
    while left < end:
        right = min(left + dt.timedelta(hours=6), end)
        if left.astimezone(zone).utcoffset() != right.astimezone(zone).utcoffset():
            low, high = left, right
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            changes.append(high.replace(microsecond=0))
        left = right
    return changes


def _edges(whens: list[When], day: dt.date, days: _DayCache) -> set[int]:
    """Times of this day (seconds after midnight) at which some filter may switch."""
    edges = {0}
    for when in whens:
        window = when.time
        if window is None:
            continue
        if days.admits(when, day):
            edges.add(window.start)
            if not window.crosses_midnight:
                edges.add(window.end)
        if window.crosses_midnight and days.admits(when, day - DAY):
            edges.add(window.end)
    return edges


def _pieces(
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
    whens: Iterable[When],
    state: Callable[[dt.datetime], Hashable],
    days: _DayCache,
) -> list[tuple[dt.datetime, dt.datetime, Hashable]]:
    """Cut [start, end) where the filters could change and evaluate `state` on each piece."""
    whens = list(whens)
    cuts = {start, end}
    day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    while day <= last_day:
        for seconds in _edges(whens, day, days):
            cuts.update(t for t in _wall_to_instants(zone, day, seconds) if start < t < end)
        day += DAY
    cuts.update(_offset_changes(zone, start, end))
    pieces: list[tuple[dt.datetime, dt.datetime, Hashable]] = []
    for left, right in pairwise(sorted(cuts)):
        value = state(left.astimezone(zone))
        if pieces and pieces[-1][2] == value:
            pieces[-1] = (pieces[-1][0], right, value)
        else:
            pieces.append((left, right, value))
    return pieces


def winning_rules(
    rules: Sequence[tuple[int, Rule]], local: dt.datetime, days: _DayCache | None = None
) -> tuple[int, ...]:
    """Schedule indexes of the active rules with the top priority, in schedule order."""
    days = days or _DayCache()
    best: int | None = None
    winners: list[int] = []
    for index, rule in rules:
        if not days.active(rule, local):
            continue
        if best is None or rule.priority > best:
            best, winners = rule.priority, [index]
        elif rule.priority == best:
            winners.append(index)
    return tuple(winners)


def resolve_segments(
    config: Config, screen_id: str, start: dt.datetime, end: dt.datetime
) -> list[Segment]:
    """The segments a screen plays in [start, end), without gaps (UTC instants)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must carry a time zone")
    zone = config.site.zone
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    rules = config.rules_for(screen_id)
    schedule = config.site_file.schedule
    days = _DayCache(config.calendar)

    def playlists_of(winners: tuple[int, ...]) -> tuple[str, ...]:
        if winners:
            return tuple(dict.fromkeys(schedule[i].playlist for i in winners))
        default = config.site_file.default_playlist
        return (default,) if default else ()

    def plan(playlist_ids: tuple[str, ...]) -> tuple[tuple[PlannedItem, ...], list[PlannedItem]]:
        """All items of these playlists, and those with filters of their own."""
        key = ("plan", playlist_ids)
        if key not in config.memo:
            planned = tuple(
                PlannedItem(playlist_id, index, item)
                for playlist_id in playlist_ids
                for index, item in enumerate(config.playlists[playlist_id].items)
            )
            config.memo[key] = planned, [p for p in planned if not p.item.always]
        return config.memo[key]

    candidates: dict[dt.date, list[tuple[int, Rule]]] = {}

    def rules_around(day: dt.date) -> list[tuple[int, Rule]]:
        """Rules whose days admit this date (or, for windows past midnight, the day before)."""
        if day not in candidates:
            candidates[day] = [
                (index, rule)
                for index, rule in rules
                if days.admits(rule, day)
                or (
                    rule.time is not None
                    and rule.time.crosses_midnight
                    and days.admits(rule, day - DAY)
                )
            ]
        return candidates[day]

    segments = []
    for left, right, winners in _pieces(
        zone,
        start,
        end,
        (rule for _, rule in rules),
        lambda local: winning_rules(rules_around(local.date()), local, days),
        days,
    ):
        assert isinstance(winners, tuple)
        playlist_ids = playlists_of(winners)
        layout = next((schedule[i].layout for i in winners if schedule[i].layout), None)
        for piece_start, piece_end, items in _item_pieces(
            zone, left, right, plan(playlist_ids), days
        ):
            segments.append(Segment(piece_start, piece_end, playlist_ids, winners, items, layout))
    return _merge(segments)


def _item_pieces(
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
    plan: tuple[tuple[PlannedItem, ...], list[PlannedItem]],
    days: _DayCache,
) -> list[tuple[dt.datetime, dt.datetime, tuple[PlannedItem, ...]]]:
    """[start, end) cut where the items' own filters let an item in or out."""
    planned, filtered = plan
    if not filtered:
        return [(start, end, planned)]
    pieces = _pieces(
        zone,
        start,
        end,
        (p.item for p in filtered),
        lambda local: _included(planned, filtered, local, days),
        days,
    )
    return [(left, right, items) for left, right, items in pieces if isinstance(items, tuple)]


def playlist_pieces(
    config: Config, playlist_id: str, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, tuple[PlannedItem, ...]]]:
    """A playlist on its own in [start, end) (a layout's side zone): the stretches in which
    the same items play, their own filters applied."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    planned = tuple(
        PlannedItem(playlist_id, index, item)
        for index, item in enumerate(config.playlists[playlist_id].items)
    )
    filtered = [p for p in planned if not p.item.always]
    return _item_pieces(
        config.site.zone, start, end, (planned, filtered), _DayCache(config.calendar)
    )


def _included(
    planned: tuple[PlannedItem, ...],
    filtered: list[PlannedItem],
    local: dt.datetime,
    days: _DayCache,
) -> tuple[PlannedItem, ...]:
    """The items that play at this moment: unfiltered ones always, the others when active."""
    off = {id(p) for p in filtered if not days.active(p.item, local)}
    return tuple(p for p in planned if id(p) not in off) if off else planned


def _merge(segments: list[Segment]) -> list[Segment]:
    """Join neighbours that play the same thing (a rule handing over to an equal one)."""
    merged: list[Segment] = []
    for segment in segments:
        last = merged[-1] if merged else None
        if (
            last
            and last.playlists == segment.playlists
            and last.items == segment.items
            and last.layout == segment.layout
        ):
            merged[-1] = replace(last, end=segment.end)
        else:
            merged.append(segment)
    return merged


@dataclass(frozen=True)
class RuleVerdict:
    """Why one rule does or does not decide what plays at a moment."""

    index: int
    rule: Rule
    outcome: str  # "wins", "ties", "loses", "inactive"
    reason: str  # in English, for the command line and the API
    winner: int | None = None  # loses: the index of the rule that wins
    limit: str | None = None  # inactive: the filter that keeps it off ("dates", "days", "time")


def explain(config: Config, screen_id: str, at: dt.datetime) -> list[RuleVerdict]:
    """Every rule that reaches the screen, and why it wins or loses at this moment."""
    local = at.astimezone(config.site.zone)
    rules = config.rules_for(screen_id)
    days = _DayCache(config.calendar)
    winners = winning_rules(rules, local, days)
    top = config.site_file.schedule[winners[0]].priority if winners else None
    verdicts = []
    for index, rule in rules:
        if index in winners:
            reason = f"active, priority {rule.priority}"
            if len(winners) > 1:
                reason += "; plays in turn with the other rules of equal priority"
            verdict = RuleVerdict(index, rule, "wins" if len(winners) == 1 else "ties", reason)
        elif days.active(rule, local):
            reason = (
                f"active, but priority {rule.priority} is below {top} of rule #{winners[0] + 1}"
            )
            verdict = RuleVerdict(index, rule, "loses", reason, winner=winners[0])
        else:
            limit = _limit(rule, local, days)
            reason = (
                f"only during {rule.time}" if limit == "time" else f"only on {getattr(rule, limit)}"
            )
            verdict = RuleVerdict(index, rule, "inactive", reason, limit=limit)
        verdicts.append(verdict)
    return verdicts


def _limit(rule: Rule, local: dt.datetime, days: _DayCache) -> str:
    """Which of a rule's filters keeps it off at this moment: "dates", "days" or "time"."""
    today = local.date()
    same_day = rule.time is None or not rule.time.crosses_midnight
    if rule.dates is not None and today not in rule.dates and same_day:
        return "dates"
    if not days.admits(rule, today) and same_day:
        return "days"
    return "time"


def resolve_windows(
    zone: ZoneInfo,
    when: When,
    start: dt.datetime,
    end: dt.datetime,
    calendar: SiteCalendar | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of [start, end) during which one filter holds (for ticker lines)."""
    return _any_windows(zone, (when,), start, end, calendar)


def _any_windows(
    zone: ZoneInfo,
    whens: Sequence[When],
    start: dt.datetime,
    end: dt.datetime,
    calendar: SiteCalendar | None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of [start, end) during which at least one of the filters holds."""
    days = _DayCache(calendar)
    pieces = _pieces(
        zone,
        start.astimezone(UTC),
        end.astimezone(UTC),
        whens,
        lambda local: any(days.active(when, local) for when in whens),
        days,
    )
    return [(left, right) for left, right, on in pieces if on]


def awake_windows(
    config: Config, screen_id: str, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]] | None:
    """The stretches of [start, end) within the screen's opening hours (UTC instants);
    None when it keeps no hours and never sleeps."""
    hours = config.hours_for(screen_id)
    if not hours:
        return None
    return _any_windows(config.site.zone, hours, start, end, config.calendar)


def hours_text(hours: Sequence[When]) -> str:
    """Opening hours as written: 'workdays 07:30-18:30', several joined with ' or '."""
    return " or ".join(
        " ".join(part for part in (str(h.days), str(h.time or "")) if part) for h in hours
    )


def is_awake(config: Config, screen_id: str, moment: dt.datetime) -> bool:
    """Whether the screen is within its opening hours at this moment (always, without any)."""
    hours = config.hours_for(screen_id)
    local = moment.astimezone(config.site.zone)
    days = _DayCache(config.calendar)
    return not hours or any(days.active(when, local) for when in hours)


@dataclass(frozen=True)
class HoursState:
    """A screen's opening hours at a moment."""

    text: str  # as written: "workdays 07:30-18:30"
    awake: bool
    until: dt.datetime | None  # when it next wakes or sleeps; None: not within a week


def hours_state(config: Config, screen_id: str, at: dt.datetime) -> HoursState | None:
    """The screen's opening hours at a moment: whether it is lit and until when; None for a
    screen that never sleeps."""
    windows = awake_windows(config, screen_id, at, at + WEEK)
    if windows is None:
        return None
    at = at.astimezone(UTC)
    lit = bool(windows) and windows[0][0] <= at
    edges = [windows[0][1]] if lit else [start for start, _ in windows[:1]]
    until = edges[0] if edges and edges[0] < at + WEEK else None
    return HoursState(hours_text(config.hours_for(screen_id)), lit, until)
