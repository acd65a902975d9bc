"""A week of one screen as rows of bars: which playlist plays when, and which rules lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.config.validate import Config
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


def week_rows(config: Config, screen_id: str, monday: dt.date) -> list[dict[str, Any]]:
    """Seven rows (Monday first): bars of what plays, and bars of rules that lost there."""
    zone = config.site.zone
    days = [dt.datetime.combine(monday + dt.timedelta(days=n), dt.time(), zone) for n in range(8)]
    segments = timeline(config, screen_id, days[0], days[7])["segments"]
    rows = []
    for day, next_day in zip(days, days[1:], strict=False):
        bars, losers = [], []
        for segment in segments:
            start = dt.datetime.fromisoformat(segment["start"])
            end = dt.datetime.fromisoformat(segment["end"])
            if end <= day or start >= next_day:
                continue
            place = _bar(start, end, day)
            bars.append(
                {
                    **place,
                    "playlists": segment["playlists"],
                    "rules": segment["rules"],
                    "from": start.astimezone(zone).strftime("%H:%M"),
                    "to": end.astimezone(zone).strftime("%H:%M"),
                }
            )
            for rule in segment["rules"]:
                if rule["outcome"] == "loses":
                    losers.append({**place, **rule})
        rows.append({"day": day.date(), "bars": bars, "losers": losers})
    return rows
