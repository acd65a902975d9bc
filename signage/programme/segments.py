"""The day's programme: campaigns and required plays woven into the schedule's segments, and
the plays a screen makes from them, in order. Pure: no Flask, no I/O.

`programme_segments` is what the manifest, the preview and the plan are built from, so the
screen and an inspector's list come from the same segments. `walk` follows those segments the
way the player does (`display/player.js`: each segment plays its items in turn, carrying on
after the item the same playlist played last, and a segment's end cuts the current item);
the plan of a day starts fresh at local midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from signage.config.model import Campaign, Item, Requirement
from signage.config.validate import SITE_FILE, Config, Issue
from signage.phrases import N_, Phrase
from signage.programme.schedule import PlannedItem, Segment, resolve_segments

REQUIRED = "required"  # the playlist id of required plays: `required#<requirement index>`
CAMPAIGN = "campaign-"  # campaign items: `campaign-<topic>#<position>`
DAY = dt.timedelta(days=1)
ZERO = dt.timedelta()
INSTANT = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class MediaFact:
    """What the library knows of one media id that screens can play."""

    kind: Literal["video", "image"]
    seconds: float | None  # a clip's length; None for a picture (its item says)
    topics: tuple[str, ...] = ()


# Media id -> its fact, for ready media only (what screens can actually play).
MediaFacts = Mapping[str, MediaFact]


def facts_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, MediaFact]:
    """The facts of media rows that screens can play: ready, with a file, approved."""
    return {
        row["id"]: MediaFact(row["kind"], row["duration"], tuple(row.get("topics") or ()))
        for row in rows
        if row["status"] == "ready" and row["file"] and row["approved"]
    }


@dataclass(frozen=True)
class Play:
    """One item as the screen plays it: when it starts and for how long."""

    start: dt.datetime
    planned: PlannedItem
    seconds: float
    topics: tuple[str, ...]

    @property
    def media(self) -> str | None:
        return self.planned.item.clip or self.planned.item.image


def item_seconds(planned: PlannedItem, facts: MediaFacts) -> float | None:
    """How long an item shows, or None when the screen skips it (its media is not ready)."""
    item = planned.item
    media_id = item.clip or item.image
    if media_id is None:
        return float(item.duration or 0)
    fact = facts.get(media_id)
    if fact is None or fact.kind != ("video" if item.clip else "image"):
        return None
    return fact.seconds if item.clip else float(item.duration or 0)


def item_topics(planned: PlannedItem, facts: MediaFacts) -> tuple[str, ...]:
    """The item's own topics and its media's, each once."""
    media_id = planned.item.clip or planned.item.image
    fact = facts.get(media_id) if media_id else None
    return tuple(dict.fromkeys(planned.item.topics + (fact.topics if fact else ())))


def walk(
    segments: Sequence[Segment],
    facts: MediaFacts,
    start: dt.datetime,
    end: dt.datetime,
    skip_before: dt.datetime | None = None,
) -> list[Play]:
    """The plays in [start, end) as the player makes them from these segments; with
    `skip_before`, whole rounds of a rotation ending before it are stepped over unlisted (the
    item on at that moment is listed, found in a few steps however short the items)."""
    last: dict[str, str] = {}  # the player's lastKey: playlist -> key it played last
    plays: list[Play] = []
    for segment in segments:
        left, right = max(segment.start, start), min(segment.end, end)
        playable = [
            (planned, seconds)
            for planned in segment.items
            if (seconds := item_seconds(planned, facts))
        ]
        if left >= right or not playable:
            continue
        keys = [planned.key for planned, _ in playable]
        playlist = "+".join(segment.playlists)
        one_round = sum((dt.timedelta(seconds=seconds) for _, seconds in playable), ZERO)
        # Rounds repeat only when no key comes twice (keys.index finds the first).
        skippable = skip_before is not None and len(set(keys)) == len(keys)
        moment = left
        while moment < right:
            previous = last.get(playlist)
            index = (keys.index(previous) + 1) % len(keys) if previous in keys else 0
            rounds = (min(right, skip_before) - moment) // one_round - 1 if skippable else 0
            if rounds > 0:
                moment += one_round * rounds
                last[playlist] = keys[index - 1]  # a whole round ends where it began
                continue
            planned, seconds = playable[index]
            last[playlist] = planned.key
            shown = min(seconds, (right - moment).total_seconds())
            plays.append(Play(moment, planned, shown, item_topics(planned, facts)))
            moment += dt.timedelta(seconds=seconds)
    return plays


def day_plan(config: Config, screen_id: str, day: dt.date, facts: MediaFacts) -> list[Play]:
    """Every item the screen plays on a local date, in order, from a fresh start at midnight."""
    first, last = local_day(config, day)
    return walk(programme_segments(config, screen_id, first, last, facts), facts, first, last)


@dataclass(frozen=True)
class Anchor:
    """Where the day's walk stands as a segment starts: the item due then and when it began.

    A player coming into the segment from another that ended counts on from here by the
    items' lengths, so it rejoins the plan however long the items before it really took.
    """

    key: str
    start: dt.datetime


def walk_anchors(
    config: Config, screen_id: str, segments: Sequence[Segment], facts: MediaFacts
) -> list[Anchor | None]:
    """For each segment (none crossing a local midnight), the walk's item at its start; None
    where nothing in it plays."""
    zone = config.site.zone
    days: dict[dt.date, list[Segment]] = {}
    anchors: list[Anchor | None] = []
    for segment in segments:
        day = segment.start.astimezone(zone).date()
        first, last = local_day(config, day)
        if day not in days:
            days[day] = programme_segments(config, screen_id, first, last, facts)
        # The day's walk from midnight up to the segment's start, as day_plan() makes it.
        plays = walk(days[day], facts, first, segment.start + INSTANT, segment.start)
        keys = {planned.key for planned in segment.items}
        on = plays[-1] if plays and plays[-1].planned.key in keys else None
        anchors.append(None if on is None else Anchor(on.planned.key, on.start))
    return anchors


def split_at_midnights(config: Config, segments: Sequence[Segment]) -> list[Segment]:
    """The segments cut at each local midnight, where the day's plan starts its walk afresh."""
    zone = config.site.zone
    cut: list[Segment] = []
    for segment in segments:
        start = segment.start
        while start < segment.end:
            midnight = local_day(config, start.astimezone(zone).date())[1]
            end = min(midnight, segment.end)
            cut.append(replace(segment, start=start, end=end))
            start = end
    return cut


def local_day(config: Config, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of a local date's midnight and the next one."""
    zone = config.site.zone
    first = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
    return first, dt.datetime.combine(day + DAY, dt.time(), zone).astimezone(dt.UTC)


def programme_segments(
    config: Config, screen_id: str, start: dt.datetime, end: dt.datetime, facts: MediaFacts
) -> list[Segment]:
    """The schedule's segments for [start, end) with campaigns and required plays woven in."""
    campaigns = _reaching(config, config.site_file.campaigns, screen_id)
    requirements = _reaching(config, config.site_file.requirements, screen_id)
    if not campaigns and not requirements:
        return resolve_segments(config, screen_id, start, end)
    zone = config.site.zone
    day = start.astimezone(zone).date()
    woven: list[Segment] = []
    while local_day(config, day)[0] < end:
        woven += _day_segments(config, screen_id, day, facts, campaigns, requirements)
        day += DAY
    return _clip(woven, start, end)


Entry = TypeVar("Entry", Campaign, Requirement)


def _reaching(config: Config, entries: Iterable[Entry], screen_id: str) -> list[tuple[int, Entry]]:
    return [
        (index, entry)
        for index, entry in enumerate(entries)
        if screen_id in config.targets(entry.screens)
    ]


def _day_segments(
    config: Config,
    screen_id: str,
    day: dt.date,
    facts: MediaFacts,
    campaigns: list[tuple[int, Campaign]],
    requirements: list[tuple[int, Requirement]],
) -> list[Segment]:
    key = ("programme", screen_id, day, tuple(sorted(facts.items())))
    if key in config.memo:
        return config.memo[key]
    first, last = local_day(config, day)
    segments = resolve_segments(config, screen_id, first, last)
    for _, campaign in campaigns:
        if campaign.dates is not None and day in campaign.dates:
            segments = [_with_campaign(config, s, campaign, facts) for s in segments]
    for index, requirement in requirements:
        segments = _with_required(config, segments, day, index, requirement, facts)
    config.memo[key] = segments
    return segments


def _clip(segments: list[Segment], start: dt.datetime, end: dt.datetime) -> list[Segment]:
    clipped = []
    for segment in segments:
        left, right = max(segment.start, start), min(segment.end, end)
        if left < right:
            clipped.append(replace(segment, start=left, end=right))
    return clipped


# -- campaigns --------------------------------------------------------------------------


def campaign_pool(config: Config, topic: str, facts: MediaFacts) -> list[Item]:
    """Every item that speaks to a topic: the library's media, then playlists' tips and posters."""
    pool = [
        Item(clip=media_id) if fact.kind == "video" else Item(image=media_id)
        for media_id, fact in sorted(facts.items())
        if topic in fact.topics
    ]
    seen = {item.clip or item.image for item in pool}
    for playlist in config.playlists.values():
        for item in playlist.items:
            media_id = item.clip or item.image
            fits = item.always and item.hearings is None and media_id not in seen
            if topic in item.topics and fits:
                pool.append(item)
                if media_id:
                    seen.add(media_id)
    return pool


def _with_campaign(
    config: Config, segment: Segment, campaign: Campaign, facts: MediaFacts
) -> Segment:
    """The segment with the topic's items interleaved until they fill the campaign's share."""
    timed = [(p, item_seconds(p, facts)) for p in segment.items]
    total = sum(seconds or 0 for _, seconds in timed)
    if not total:
        return segment
    on_topic = sum(seconds or 0 for p, seconds in timed if campaign.topic in item_topics(p, facts))
    wanted = campaign.share / 100
    pool = [
        (item, seconds)
        for item in campaign_pool(config, campaign.topic, facts)
        if (seconds := item_seconds(PlannedItem("", 0, item), facts))
    ]
    if not pool or on_topic / total >= wanted:
        return segment
    added: list[PlannedItem] = []
    while on_topic / total < wanted:
        item, seconds = pool[len(added) % len(pool)]
        added.append(PlannedItem(CAMPAIGN + campaign.topic, len(added), item))
        on_topic += seconds
        total += seconds
    return replace(segment, items=_interleave(segment.items, tuple(added)))


def _interleave(
    base: tuple[PlannedItem, ...], extra: tuple[PlannedItem, ...]
) -> tuple[PlannedItem, ...]:
    """The extra items spread evenly between the base ones."""
    merged: list[PlannedItem] = []
    placed = 0
    for position, planned in enumerate(base, start=1):
        merged.append(planned)
        due = len(extra) * position // len(base)
        merged.extend(extra[placed:due])
        placed = due
    return tuple(merged)


# -- required plays ---------------------------------------------------------------------


def requirement_window(
    config: Config, requirement: Requirement, day: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC stretch of a day over which a requirement's plays spread."""
    first, last = local_day(config, day)
    window = requirement.time
    if window is None:
        return first, last
    zone = config.site.zone
    midnight = dt.datetime.combine(day, dt.time(), zone)
    end = window.end + (86400 if window.crosses_midnight else 0)
    return (
        (midnight + dt.timedelta(seconds=window.start)).astimezone(dt.UTC),
        (midnight + dt.timedelta(seconds=end)).astimezone(dt.UTC),
    )


def _with_required(
    config: Config,
    segments: list[Segment],
    day: dt.date,
    index: int,
    requirement: Requirement,
    facts: MediaFacts,
) -> list[Segment]:
    """Insert the required clip where the rotation leaves the widest gaps, until it plays
    `per_day` times in its window (or no room is left)."""
    fact = facts.get(requirement.clip)
    if fact is None or fact.kind != "video" or not fact.seconds:
        return segments
    length = dt.timedelta(seconds=fact.seconds)
    start, end = requirement_window(config, requirement, day)
    midnight = local_day(config, day)[0]
    required = PlannedItem(REQUIRED, index, Item(clip=requirement.clip))
    for _ in range(requirement.per_day):
        # Walked from midnight, as the day's plan is, so the rotation is where it will be.
        plays = [p for p in walk(segments, facts, midnight, end, start) if start <= p.start]
        starts = [p.start for p in plays if p.planned.item.clip == requirement.clip]
        if len(starts) >= requirement.per_day:
            break
        # The free stretches between the clip's plays (each taking its length).
        free = list(zip([start] + [s + length for s in starts], [*starts, end], strict=True))
        left, right = max(free, key=lambda gap: gap[1] - gap[0])
        if right - left < length:
            break
        target = left + (right - left - length) / 2
        # Begin where an item begins, so the inserted clip cuts nothing on the screen.
        at = next((p.start for p in plays if target <= p.start <= right - length), target)
        segments = _insert(segments, at, at + length, required)
    return segments


def _insert(
    segments: list[Segment], start: dt.datetime, end: dt.datetime, planned: PlannedItem
) -> list[Segment]:
    """The segments with [start, end) given over to one item (in the layout of the segment
    it lands in, so a required clip does not switch the screen's zones)."""
    inserted: Segment | None = None
    out: list[Segment] = []
    for segment in segments:
        if segment.end <= start or segment.start >= end:
            out.append(segment)
            continue
        if inserted is None:
            inserted = Segment(start, end, (REQUIRED,), (), (planned,), segment.layout)
        if segment.start < start:
            out.append(replace(segment, end=start))
        if inserted not in out:
            out.append(inserted)
        if segment.end > end:
            out.append(replace(segment, start=end))
    return out


def requirement_issues(config: Config, facts: MediaFacts) -> list[Issue]:
    """Warnings for requirements no day can meet: the clip is not ready, or the plays do not
    fit in the window (for `signage check` and the schedule page)."""
    issues = []
    for index, requirement in enumerate(config.site_file.requirements):
        fact = facts.get(requirement.clip)
        window = requirement.time
        length = (window.end - window.start) % 86400 or 86400 if window else 86400
        if fact is None or fact.kind != "video":
            phrase = Phrase.of(
                N_(
                    "requirement #{number}: the clip {clip!r} is not in the library or not "
                    "ready, so it cannot play {count} times a day"
                ),
                number=index + 1,
                clip=requirement.clip,
                count=requirement.per_day,
            )
        elif (fact.seconds or 0) * requirement.per_day > length:
            phrase = Phrase.of(
                N_(
                    "requirement #{number}: {count} plays of {clip!r} ({seconds} s each) do "
                    "not fit in {window}; lengthen the window or lower per_day"
                ),
                number=index + 1,
                clip=requirement.clip,
                count=requirement.per_day,
                seconds=round(fact.seconds or 0),
                window=str(window) if window else "24:00",
            )
        else:
            continue
        issues.append(Issue.of(SITE_FILE, None, phrase, "requirement_unmet", "warning"))
    return issues


@dataclass(frozen=True)
class DayAccount:
    """How a day's plan meets the requirements and campaigns that reach a screen."""

    required: list[tuple[Requirement, int]]  # each requirement and the plays it gets
    campaigns: list[tuple[Campaign, float]]  # each campaign of the day and its share (%)


def day_account(config: Config, screen_id: str, plays: Sequence[Play], day: dt.date) -> DayAccount:
    """Plays of each required clip in its window, and each campaign's share of the airtime."""
    required = []
    for _, requirement in _reaching(config, config.site_file.requirements, screen_id):
        start, end = requirement_window(config, requirement, day)
        required.append(
            (
                requirement,
                sum(1 for p in plays if p.media == requirement.clip and start <= p.start < end),
            )
        )
    total = sum(p.seconds for p in plays)
    campaigns = [
        (
            campaign,
            100 * sum(p.seconds for p in plays if campaign.topic in p.topics) / total
            if total
            else 0.0,
        )
        for _, campaign in _reaching(config, config.site_file.campaigns, screen_id)
        if day in campaign.dates
    ]
    return DayAccount(required, campaigns)
