"""Warnings in the staff's words when a dated item or rule will not play on some of its days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import gettext as _

from signage.config.validate import Config
from signage.unplayed import Unplayed, day_ranges, unplayed_item, unplayed_rule
from signage.web.admin.layout import playlist_name


def days_text(days: Iterable[dt.date]) -> str:
    """Days as a clerk reads them: 12-01 至 12-07、12-09."""
    parts = []
    for first, last in day_ranges(days):
        if first == last:
            parts.append(first.strftime("%m-%d"))
        else:
            parts.append(
                _(
                    "%(first)s to %(last)s",
                    first=first.strftime("%m-%d"),
                    last=last.strftime("%m-%d"),
                )
            )
    return _(", ").join(parts)


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
