"""The 普法 ledger: what the screens really played per topic, unit and month, whether required
clips played their count each day, and the share campaigns reached. Counted from proof of
play (the plays table), never from the schedule: an inspection asks what was shown.

A play about two topics counts under each of them; plays with no topic are kept as the
topic None (未分类), so the rows of one unit add up to everything its screens played.

The hours screens were on come from their heartbeats (`uptime.py`): a row's are those of the
screens that played in it, over its month; a required day shows its screen's hours that day,
so a day missed because the screen was off reads as such.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.config.units import screen_units
from signage.config.validate import Config
from signage.db import Store, plays
from signage.errors import Invalid
from signage.phrases import N_
from signage.programme.segments import requirement_window
from signage.screens.plays import MAX_REPORT_DAYS
from signage.screens.uptime import uptime_by_day

Grouping = Literal["topic", "unit", "screen", "item"]
GROUPINGS: tuple[Grouping, ...] = ("topic", "unit", "screen", "item")
WHOLE_COURT = "本院"  # what the ledger calls screens that belong to no unit


def unit_of(config: Config, screen_id: str) -> str | None:
    """The unit (人民法庭) a screen belongs to in site.yaml's `units:`; None: the court as a
    whole."""
    return screen_units(config.site_file).get(screen_id)


def unit_name(config: Config, unit: str | None) -> str:
    """What the ledger calls a unit: its name in site.yaml, 本院 for the court as a whole."""
    if unit is None:
        return WHOLE_COURT
    found = config.site_file.units.get(unit)
    return found.name if found else unit


@dataclass(frozen=True)
class PlayRow:
    """One stored play, as the ledger reads it."""

    screen: str
    item: str
    media: str | None
    title: str | None
    start: dt.datetime  # local
    seconds: float
    topics: tuple[str, ...]


@dataclass
class Tally:
    """Plays, airtime, and the distinct items and screens behind them."""

    plays: int = 0
    seconds: float = 0.0
    items: set[str] = field(default_factory=set)
    screens: set[str] = field(default_factory=set)

    def add(self, play: PlayRow) -> None:
        self.plays += 1
        self.seconds += play.seconds
        self.items.add(play.media or play.item)
        self.screens.add(play.screen)


@dataclass(frozen=True)
class RequirementDay:
    """Whether a screen played a required clip its count on one day."""

    requirement: int
    clip: str
    screen: str
    day: dt.date
    required: int
    played: int
    on_hours: float  # the hours its screen was on that day

    @property
    def met(self) -> bool:
        return self.played >= self.required


@dataclass(frozen=True)
class CampaignShare:
    """The share of a screen's airtime a campaign's topic had over the campaign's days."""

    campaign: int
    topic: str
    screen: str
    wanted: int  # percent
    first: dt.date
    last: dt.date
    topic_seconds: float
    all_seconds: float

    @property
    def reached(self) -> float:
        return 100 * self.topic_seconds / self.all_seconds if self.all_seconds else 0.0


@dataclass(frozen=True)
class ScreenMonth:
    """The hours a screen was on in one month of the period, and on how many days."""

    screen: str
    month: str
    on_hours: float
    days_on: int


# (screen, local date) -> hours the screen was on that day.
Uptime = dict[tuple[str, dt.date], float]


def on_hours(uptime: Uptime, screens: Iterable[str], month: str | None = None) -> float:
    """The hours these screens were on, in one month ("YYYY-MM") or the whole period."""
    wanted = set(screens)
    return sum(
        hours
        for (screen, day), hours in uptime.items()
        if screen in wanted and (month is None or day.strftime("%Y-%m") == month)
    )


def screen_months(
    config: Config, uptime: Uptime, first: dt.date, last: dt.date
) -> list[ScreenMonth]:
    """Every screen's hours on per month of the period; a configured screen that never
    reported shows 0, as does one retired since with hours left in the period."""
    months = sorted({day.strftime("%Y-%m") for day in _days(first, last)})
    screens = sorted(set(config.screens) | {screen for screen, _ in uptime})
    days: dict[tuple[str, str], list[float]] = {}
    for (screen, day), hours in uptime.items():
        days.setdefault((screen, day.strftime("%Y-%m")), []).append(hours)
    return [
        ScreenMonth(
            screen,
            month,
            round(sum(days.get((screen, month), [])), 2),
            sum(1 for hours in days.get((screen, month), []) if hours > 0),
        )
        for screen in screens
        for month in months
    ]


class LedgerRow(BaseModel):
    """Plays and airtime of one topic, unit and month (and screen or item when grouped so)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: str | None  # "YYYY-MM"; None: the whole period (the summary)
    topic: str | None  # None: plays of no topic (未分类)
    topic_name: str
    unit: str | None  # None: the court as a whole
    unit_name: str
    plays: int
    airtime_seconds: float
    airtime_hours: float
    items: int
    screens: int
    screen_ids: list[str]
    on_hours: float  # the hours the screen_ids were on in the month (or period)
    # Only when grouped by screen, or by item:
    screen: str | None = None
    screen_name: str | None = None
    item: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Ledger:
    """The whole report: grouped rows, required plays by day, campaign shares."""

    first: dt.date
    last: dt.date
    by: Grouping
    rows: list[LedgerRow]
    summary: list[LedgerRow]  # per topic over the whole period
    requirements: list[RequirementDay]
    campaigns: list[CampaignShare]
    uptime: list[ScreenMonth]


def check_range(first: dt.date, last: dt.date) -> None:
    """422 unless the range runs forwards and is at most a year long."""
    if last < first:
        raise Invalid(N_("?to= must not come before ?from="), code="bad_range")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise Invalid(
            N_("a report covers at most {days} days; choose a shorter stretch"),
            code="bad_range",
            days=MAX_REPORT_DAYS,
        )


def stored_plays(store: Store, config: Config, first: dt.date, last: dt.date) -> Iterator[PlayRow]:
    """The plays that started on these local dates (inclusive)."""
    zone = config.site.zone
    start = dt.datetime.combine(first, dt.time(), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
    query = (
        sa.select(
            plays.c.screen_id,
            plays.c.item_key,
            plays.c.media_id,
            plays.c.title,
            plays.c.started_at,
            plays.c.seconds,
            plays.c.topics,
        )
        .where(plays.c.started_at >= start, plays.c.started_at < end)
        .order_by(plays.c.started_at)
    )
    with store.engine.connect() as conn:
        for row in conn.execution_options(yield_per=2000).execute(query):
            yield PlayRow(
                row.screen_id,
                row.item_key,
                row.media_id,
                row.title,
                row.started_at.astimezone(zone),
                row.seconds,
                tuple(row.topics or ()),
            )


@dataclass
class Airtime:
    """A screen's seconds of play on one day, in all and per topic."""

    seconds: float = 0.0
    topics: dict[str, float] = field(default_factory=dict)


@dataclass
class _Pass:
    """What one pass over the plays keeps: small, however many plays a year holds."""

    tallies: dict[tuple[str | None, ...], Tally] = field(default_factory=dict)
    totals: dict[str | None, Tally] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)
    # (screen, required clip) -> starts, in order: for the required plays per day.
    starts: dict[tuple[str, str], list[dt.datetime]] = field(default_factory=dict)
    # (screen, day) -> its airtime: for the campaigns' shares.
    days: dict[tuple[str, dt.date], Airtime] = field(default_factory=dict)


def build_ledger(
    store: Store, config: Config, first: dt.date, last: dt.date, by: Grouping = "topic"
) -> Ledger:
    """The ledger of [first, last] from the plays the screens reported."""
    check_range(first, last)
    required = {requirement.clip for requirement in config.site_file.requirements}
    uptime = uptime_by_day(store, config.site.zone, first, last)
    kept = _Pass()
    for play in stored_plays(store, config, first, last):
        for topic in play.topics or (None,):
            kept.totals.setdefault(topic, Tally()).add(play)
        unit = unit_of(config, play.screen)
        month = play.start.strftime("%Y-%m")
        topics: tuple[str | None, ...] = (None,) if by == "unit" else (play.topics or (None,))
        extra = {"screen": play.screen, "item": play.media or play.item}.get(by)
        for topic in topics:
            kept.tallies.setdefault((topic, unit, extra, month), Tally()).add(play)
        kept.titles.setdefault(play.media or play.item, play.title)
        if play.media in required:
            kept.starts.setdefault((play.screen, play.media), []).append(play.start)
        airtime = kept.days.setdefault((play.screen, play.start.date()), Airtime())
        airtime.seconds += play.seconds
        for topic in play.topics:
            airtime.topics[topic] = airtime.topics.get(topic, 0.0) + play.seconds
    rows = [
        _row(config, by, key, tally, kept.titles, uptime)
        for key, tally in sorted(kept.tallies.items(), key=lambda e: tuple(k or "" for k in e[0]))
    ]
    summary = [
        _row(config, "topic", (topic, None, None, None), tally, kept.titles, uptime)
        for topic, tally in sorted(kept.totals.items(), key=lambda e: e[0] or "")
    ]
    return Ledger(
        first,
        last,
        by,
        rows,
        summary,
        requirement_days(config, kept.starts, uptime, first, last),
        campaign_shares(config, kept.days, first, last),
        screen_months(config, uptime, first, last),
    )


def _row(
    config: Config,
    by: Grouping,
    key: tuple[str | None, ...],
    tally: Tally,
    titles: dict[str, str | None],
    uptime: Uptime,
) -> LedgerRow:
    topic, unit, extra, month = key
    grouped: dict[str, str | None] = {}
    if by == "screen":
        screen = config.screens.get(extra or "")
        grouped = {"screen": extra, "screen_name": (screen.name or extra) if screen else extra}
    if by == "item":
        grouped = {"item": extra, "title": titles.get(extra or "")}
    if by == "unit":
        topic_name = "全部"
    else:
        topic_name = config.site_file.topics.get(topic or "", topic) if topic else "未分类"
    return LedgerRow(
        month=month,
        topic=topic,
        topic_name=topic_name,
        unit=unit,
        unit_name=unit_name(config, unit),
        plays=tally.plays,
        airtime_seconds=round(tally.seconds, 1),
        airtime_hours=round(tally.seconds / 3600, 2),
        items=len(tally.items),
        screens=len(tally.screens),
        screen_ids=sorted(tally.screens),
        on_hours=round(on_hours(uptime, tally.screens, month), 2),
        **grouped,
    )


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def requirement_days(
    config: Config,
    starts: dict[tuple[str, str], list[dt.datetime]],
    uptime: Uptime,
    first: dt.date,
    last: dt.date,
) -> list[RequirementDay]:
    """Each requirement, screen and day: the plays of its clip in its window, met or missed."""
    found = []
    for index, requirement in enumerate(config.site_file.requirements):
        screens = sorted(config.targets(requirement.screens))
        for day in _days(first, last):
            start, end = requirement_window(config, requirement, day)
            for screen in screens:
                mine = starts.get((screen, requirement.clip), [])
                count = bisect_left(mine, end) - bisect_left(mine, start)
                found.append(
                    RequirementDay(
                        index,
                        requirement.clip,
                        screen,
                        day,
                        requirement.per_day,
                        count,
                        round(uptime.get((screen, day), 0.0), 2),
                    )
                )
    return found


def campaign_shares(
    config: Config,
    days: dict[tuple[str, dt.date], Airtime],
    first: dt.date,
    last: dt.date,
) -> list[CampaignShare]:
    """Each campaign and screen: its topic's share of the airtime on its days in the range."""
    found = []
    for index, campaign in enumerate(config.site_file.campaigns):
        on = [day for day in _days(first, last) if day in campaign.dates]
        if not on:
            continue
        for screen in sorted(config.targets(campaign.screens)):
            mine = [days[(screen, day)] for day in on if (screen, day) in days]
            found.append(
                CampaignShare(
                    index,
                    campaign.topic,
                    screen,
                    campaign.share,
                    on[0],
                    on[-1],
                    sum(airtime.topics.get(campaign.topic, 0.0) for airtime in mine),
                    sum(airtime.seconds for airtime in mine),
                )
            )
    return found
