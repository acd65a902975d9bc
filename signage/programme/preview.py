"""What a screen plays at a moment and why, for `signage preview` and the staff UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from signage.config.validate import Config
from signage.config.when import iso
from signage.errors import Invalid
from signage.phrases import N_
from signage.programme.schedule import (
    PlannedItem,
    RuleVerdict,
    explain,
    hours_state,
    resolve_segments,
)
from signage.programme.segments import REQUIRED, MediaFacts, programme_segments

# How far from now the player can be previewed: the schedule is known further, but alerts,
# media and the configuration itself are today's, so a far preview would mostly mislead.
PREVIEW_REACH = dt.timedelta(days=14)
WEEK = dt.timedelta(days=7)


def check_preview_time(at: dt.datetime, moment: dt.datetime) -> dt.datetime:
    """`at` when it is within PREVIEW_REACH of `moment`; 422 in plain words otherwise."""
    if abs(at - moment) > PREVIEW_REACH:
        raise Invalid(
            N_(
                "the player can be previewed up to {days} days before or after now; choose a "
                "nearer time"
            ),
            code="bad_time",
            days=PREVIEW_REACH.days,
        )
    return at


class ItemSummary(BaseModel):
    """An item in a few words: key, type, media id or tip title, seconds (keys left unset
    are left out of the JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    type: str
    media: str | None = None
    text: str | None = None
    seconds: int | float | None = None


class RuleSummary(BaseModel):
    """A rule's verdict at a moment: its number (from 1), playlist, outcome and why.

    Besides the English reason: the number of the rule that wins over a losing one, and the
    filter (dates, days or time) that keeps an inactive one off, for pages to word.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: int
    playlist: str
    priority: int
    outcome: str
    reason: str
    winner: int | None
    limit: str | None


def item_of(planned: PlannedItem) -> ItemSummary:
    """An item in a few words: key, type, media id or tip title, seconds."""
    item = planned.item
    entry: dict[str, Any] = {"key": planned.key, "type": item.kind}
    if item.tip is not None:
        entry["text"] = item.tip.title or item.tip.body[:40]
    elif item.hearings is not None:
        entry["text"] = "开庭公告"
    else:
        entry["media"] = item.clip or item.image
    if item.duration is not None:
        entry["seconds"] = item.duration
    return ItemSummary(**entry)


def item_summary(planned: PlannedItem) -> dict[str, Any]:
    """`item_of` as JSON-ready data, for the preview's account."""
    return item_of(planned).model_dump(exclude_unset=True)


def rule_of(verdict: RuleVerdict) -> RuleSummary:
    """A rule's verdict at a moment, numbered from 1 like the rules staff read."""
    return RuleSummary(
        rule=verdict.index + 1,
        playlist=verdict.rule.playlist,
        priority=verdict.rule.priority,
        outcome=verdict.outcome,
        reason=verdict.reason,
        winner=None if verdict.winner is None else verdict.winner + 1,
        limit=verdict.limit,
    )


def verdict_summary(verdict: RuleVerdict) -> dict[str, Any]:
    """`rule_of` as JSON-ready data, for the preview's account and the pages."""
    return rule_of(verdict).model_dump()


def describe_preview(
    config: Config,
    screen_id: str,
    at: dt.datetime,
    span: dt.timedelta,
    facts: MediaFacts | None = None,
) -> dict[str, Any]:
    """A JSON-ready account: the rules and their verdicts, what plays, what comes next. With
    the library's facts, campaigns' items and required clips are woven in as screens get them."""
    zone = config.site.zone
    at = at.astimezone(dt.UTC)
    screen = config.screens[screen_id]
    # Resolve from a day before and a week past the span, so "since" and "until" say when
    # the current segment really begins and ends, whatever span the caller shows.
    start, end = at - dt.timedelta(days=1), at + span + WEEK
    segments = (
        resolve_segments(config, screen_id, start, end)
        if facts is None
        else programme_segments(config, screen_id, start, end, facts)
    )
    segments = [s for s in segments if s.end > at and (s.start < at + span or s.start <= at)]
    current = segments[0] if segments else None
    verdicts = explain(config, screen_id, at)
    schedule = config.site_file.schedule
    if current is None or not current.playlists:
        why = "no rule is active and there is no default_playlist: only the clock shows"
    elif current.playlists == (REQUIRED,):
        why = "a clip required by requirements: in site.yaml plays"
    elif current.rules:
        why = "rule " + ", ".join(f"#{i + 1}" for i in current.rules) + " decides"
    else:
        why = "no rule is active now, so the default_playlist plays"
    hours = hours_state(config, screen_id, at)
    return {
        "screen": {"id": screen_id, "name": screen.name, "groups": list(screen.groups)},
        "hours": None
        if hours is None
        else {
            "text": hours.text,
            "awake": hours.awake,
            "until": iso(hours.until, zone) if hours.until else None,
        },
        "at": iso(at, zone),
        "weekday": at.astimezone(zone).strftime("%A"),
        "rules": [verdict_summary(v) for v in verdicts],
        "default_playlist": config.site_file.default_playlist,
        "why": why,
        "playing": None
        if current is None
        else {
            "playlists": list(current.playlists),
            "since": iso(current.start, zone),
            "until": iso(current.end, zone),
            "items": [item_summary(p) for p in current.items],
        },
        "upcoming": [
            {
                "start": iso(s.start, zone),
                "end": iso(s.end, zone),
                "playlists": list(s.playlists),
                "rules": [i + 1 for i in s.rules],
                "priority": schedule[s.rules[0]].priority if s.rules else None,
            }
            for s in segments[1:]
        ],
    }


def render_preview(report: dict[str, Any]) -> str:
    """The report as lines for a person at a terminal."""
    screen = report["screen"]
    lines = [f"{screen['id']} ({screen['name']}) at {report['at']} ({report['weekday']})", ""]
    hours = report["hours"]
    if hours:
        state = "lit" if hours["awake"] else "black (asleep)"
        change = "sleeps" if hours["awake"] else "wakes"
        until = f"; {change} at {hours['until']}" if hours["until"] else ""
        lines += [f"Opening hours: {hours['text']}: {state} now{until}", ""]
    lines.append("Rules that reach this screen:")
    marks = {"wins": "WINS ", "ties": "TIES ", "loses": "loses", "inactive": "  -  "}
    for rule in report["rules"] or []:
        lines.append(
            f"  {marks[rule['outcome']]} #{rule['rule']} {rule['playlist']} "
            f"(priority {rule['priority']}): {rule['reason']}"
        )
    if not report["rules"]:
        lines.append("  (none)")
    lines.append(f"  default_playlist: {report['default_playlist'] or '(none)'}")
    lines += ["", f"Now: {report['why']}"]
    playing = report["playing"]
    if playing:
        lines.append(
            f"Playing {' + '.join(playing['playlists']) or 'nothing'} "
            f"from {playing['since']} until {playing['until']}:"
        )
        for item in playing["items"]:
            what = item.get("text") or item.get("media")
            seconds = f" {item['seconds']}s" if "seconds" in item else ""
            lines.append(f"  {item['key']:<24} {item['type']:<6} {what}{seconds}")
    if report["upcoming"]:
        lines += ["", "Then:"]
        for segment in report["upcoming"]:
            lines.append(
                f"  {segment['start']} - {segment['end']}  "
                f"{' + '.join(segment['playlists']) or '(nothing)'}"
            )
    return "\n".join(lines)
