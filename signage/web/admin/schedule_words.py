"""What the schedule engine finds, in the staff's words: why a rule plays or not at a moment,
what decides a stretch of the week, and when a dated item or rule will not play on some of
its days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

from signage.config.model import When
from signage.config.validate import Config
from signage.config.when import DaySet
from signage.programme.unplayed import (
    Unplayed,
    day_ranges,
    first_play,
    unplayed_item,
    unplayed_rule,
)
from signage.web.admin.base import bp
from signage.web.admin.layout import WEEKDAY_NAMES, playlist_name
from signage.web.context import parts


def days_text(days: Iterable[dt.date]) -> str:
    """Days as a clerk reads them: 12-01 至 12-07、12-09."""
    pieces = []
    for first, last in day_ranges(days):
        if first == last:
            pieces.append(first.strftime("%m-%d"))
        else:
            pieces.append(
                _(
                    "%(first)s to %(last)s",
                    first=first.strftime("%m-%d"),
                    last=last.strftime("%m-%d"),
                )
            )
    return _(", ").join(pieces)


def _span(first: dt.date, last: dt.date) -> str:
    return str(first) if first == last else _("%(first)s to %(last)s", first=first, last=last)


def _days_words(days: DaySet) -> str:
    words = [str(WEEKDAY_NAMES[day]) for day in sorted(days.weekdays)]
    words += [_("official workdays")] if days.workdays else []
    words += [_("official holidays")] if days.holidays else []
    return _(", ").join(words)


def hours_words(hours: Iterable[When]) -> str:
    """Opening hours as a clerk reads them: 官方工作日 07:30-18:30."""
    return _(" or ").join(
        " ".join(
            part
            for part in (
                _("every day") if h.days.every_day else _days_words(h.days),
                str(h.time or ""),
            )
            if part
        )
        for h in hours
    )


@bp.app_template_filter("rule_reason")
def rule_reason(verdict: dict[str, Any]) -> str:
    """Why a rule plays or not at a moment (a verdict from preview.verdict_summary)."""
    outcome, priority = verdict["outcome"], verdict["priority"]
    if outcome == "wins":
        return _("in effect, priority %(priority)s", priority=priority)
    if outcome == "ties":
        return _(
            "in effect, priority %(priority)s; takes turns with the other rules of the same "
            "priority",
            priority=priority,
        )
    config = parts().state.current
    schedule = config.site_file.schedule if config else []
    if outcome == "loses":
        winner = schedule[verdict["winner"] - 1]
        return _(
            "in effect, but rule #%(winner)s (%(playlist)s) has the higher priority %(top)s",
            winner=verdict["winner"],
            playlist=playlist_name(winner.playlist),
            top=winner.priority,
        )
    rule = schedule[verdict["rule"] - 1]
    if verdict["limit"] == "dates" and rule.dates is not None:
        dates = _(", ").join(_span(first, last) for first, last in rule.dates.ranges)
        return _("only on %(days)s", days=dates)
    if verdict["limit"] == "days":
        return _("only on %(days)s", days=_days_words(rule.days))
    return _("only during %(time)s", time=str(rule.time))


@bp.app_template_filter("decided_text")
def decided_text(segment: dict[str, Any]) -> str:
    """What decides a stretch of the timeline: its winning rules, the default, or nothing."""
    numbers = [f"#{v['rule']}" for v in segment["rules"] if v["outcome"] in ("wins", "ties")]
    if numbers:
        return _("decided by rule %(numbers)s", numbers=_(", ").join(numbers))
    if segment["playlists"]:
        return _("no rule in effect: the default playlist plays")
    return _("nothing plays: only the clock shows")


def _reasons(found: Unplayed, own_playlist: str) -> list[str]:
    reasons = []
    if found.outranked:
        names = _(", ").join(f"“{playlist_name(p)}”" for p in found.held_by)
        reasons.append(
            _(
                "it will not play on %(days)s: %(names)s has a higher priority then "
                "and holds the screens",
                days=days_text(found.outranked),
                names=names,
            )
        )
    if found.unscheduled:
        reasons.append(
            _(
                "it will not play on %(days)s: no schedule rule plays “%(playlist)s” then",
                days=days_text(found.unscheduled),
                playlist=playlist_name(own_playlist),
            )
        )
    return reasons


def item_warnings(config: Config, playlist_id: str) -> list[dict[str, object]]:
    """For each dated item of the playlist that misses some of its days: why, by item."""
    warnings: list[dict[str, object]] = []
    for index, _item in enumerate(config.playlists[playlist_id].items):
        found = unplayed_item(config, playlist_id, index)
        if found is not None:
            for reason in _reasons(found, playlist_id):
                warnings.append({"item": index, "text": reason})
    return warnings


def rule_warnings(config: Config) -> dict[int, list[str]]:
    """For each dated rule of the schedule that misses some of its days: why, by rule index."""
    warnings: dict[int, list[str]] = {}
    for index, rule in enumerate(config.site_file.schedule):
        found = unplayed_rule(config, index)
        if found is not None:
            warnings[index] = _reasons(found, rule.playlist)
    return warnings


OFF_AIR_LOOKAHEAD_DAYS = 14  # the preview's reach: what staff can check on the player


def off_air_warning(config: Config, playlist_id: str, at: dt.datetime) -> str | None:
    """When the playlist does not play within a day of `at`: when it first does, where, and
    what the screens play until then (or that it plays nowhere in the next two weeks)."""
    found = first_play(config, playlist_id, None, at, OFF_AIR_LOOKAHEAD_DAYS)
    if found is None:
        return _(
            "This playlist plays on no screen in the next %(days)s days: no rule schedules it "
            "then, or rules of higher priority cover it.",
            days=OFF_AIR_LOOKAHEAD_DAYS,
        )
    if found.at - at < dt.timedelta(days=1):
        return None
    local = found.at.astimezone(config.site.zone)
    return _(
        "Off the air until %(when)s (first on %(screen)s); until then the screens play "
        "%(holders)s.",
        when=local.strftime("%m-%d %H:%M"),
        screen=config.target_name(found.screen),
        holders=_(", ").join(f"《{playlist_name(p)}》" for p in found.held_by),
    )
