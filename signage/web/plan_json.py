"""The day's plan as the API and the page 今日节目单 show it: one row shape for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from signage.media.library import media_titles
from signage.parts import Signage
from signage.programme.segments import Play

KIND_TYPES: dict[str, Literal["video", "image", "tip", "hearings"]] = {
    "clip": "video",
    "image": "image",
    "tip": "tip",
    "hearings": "hearings",
}


class PlannedPlay(BaseModel):
    """A play of the day's plan: when (in the site's zone), what, its title and topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.datetime
    item: str
    type: Literal["video", "image", "tip", "hearings"]
    media: str | None
    title: str
    seconds: int | float  # as the plan counts it: 15, or 12.5
    topics: list[str]


class DayPlan(BaseModel):
    """A screen's plays of one day, in the order the player makes them."""

    model_config = ConfigDict(extra="forbid")

    screen: str
    date: dt.date
    plays: list[PlannedPlay]


def plan_json(instance: Signage, plays: Sequence[Play]) -> list[PlannedPlay]:
    """Each play with its start in the site's zone, what it is, its title and topics."""
    zone = instance.screens.config().site.zone
    titles = media_titles(instance.store, {p.media for p in plays if p.media})
    rows = []
    for play in plays:
        item = play.planned.item
        if item.tip is not None:
            title = item.tip.title or item.tip.body[:40]
        elif item.hearings is not None:
            title = "开庭公告"
        else:
            title = titles.get(play.media or "", play.media or "")
        rows.append(
            PlannedPlay(
                start=play.start.astimezone(zone),
                item=play.planned.key,
                type=KIND_TYPES[item.kind],
                media=play.media,
                title=title,
                seconds=round(play.seconds, 1),
                topics=list(play.topics),
            )
        )
    return rows
