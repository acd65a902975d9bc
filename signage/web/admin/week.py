"""A week of one screen as rows of bars: which playlist plays when, and which rules lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.config.validate import Config
from signage.programme.preview import verdict_summary
from signage.programme.schedule import explain, resolve_segments, resolve_windows
from signage.screens.status import timeline

PALETTE = ("#1a5fb4", "#1d7a3c", "#9a6200", "#813d9c", "#a3192b", "#0b7285", "#5c4b1f")
DAY_SECONDS = 86400


def playlist_colours(config: Config) -> dict[str, str]:
    """A stable colour per playlist id."""
    return {pid: PALETTE[i % len(PALETTE)] for i, pid in enumerate(sorted(config.playlists))}


def _bar(start: dt.datetime, end: dt.datetime, day: dt.datetime) -> dict[str, float]:
    left = max((start - day).total_seconds(), 0)
    right = min((end - day).total_seconds(), DAY_SECONDS)
    return {"left": 100 * left / DAY_SECONDS, "width": 100 * (right - left) / DAY_SECONDS}


def losing_stretches(
    config: Config, screen_id: str, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """Each stretch in which a rule is in effect but another plays: its own hours, not only
    those of the segments it was in effect at the start of (daytime at 08:30 loses to the
    Constitution Week rule whose segment began at 08:00)."""
    zone = config.site.zone
    segments = resolve_segments(config, screen_id, start, end)
    stretches = []
    for index, rule in config.rules_for(screen_id):
        for left, right in resolve_windows(zone, rule, start, end, config.calendar):
            for segment in segments:
                low, high = max(left, segment.start), min(right, segment.end)
                if low >= high or index in segment.rules:
                    continue
                (verdict,) = [v for v in explain(config, screen_id, low) if v.index == index]
                if verdict.outcome == "loses":
                    stretches.append({"start": low, "end": high, **verdict_summary(verdict)})
    return stretches


def week_rows(config: Config, screen_id: str, monday: dt.date) -> list[dict[str, Any]]:
    """Seven rows (Monday first): bars of what plays, and bars of rules that lost there."""
    zone = config.site.zone
    days = [dt.datetime.combine(monday + dt.timedelta(days=n), dt.time(), zone) for n in range(8)]
    segments = timeline(config, screen_id, days[0], days[7]).segments
    lost = losing_stretches(config, screen_id, days[0], days[7])
    rows = []
    for day, next_day in zip(days, days[1:], strict=False):
        bars, losers = [], []
        for segment in segments:
            start, end = segment.start, segment.end
            if end <= day or start >= next_day:
                continue
            bars.append(
                {
                    **_bar(start, end, day),
                    "playlists": segment.playlists,
                    "rules": [rule.model_dump() for rule in segment.rules],
                    "from": start.astimezone(zone).strftime("%H:%M"),
                    "to": end.astimezone(zone).strftime("%H:%M"),
                }
            )
        for stretch in lost:
            if stretch["start"] < next_day and stretch["end"] > day:
                losers.append({**_bar(stretch["start"], stretch["end"], day), **stretch})
        rows.append({"day": day.date(), "bars": bars, "losers": losers})
    return rows
