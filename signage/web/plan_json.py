"""The day's plan as the API and the page 今日节目单 show it: one row shape for both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from signage.config.when import iso
from signage.media.library import media_titles
from signage.parts import Signage
from signage.programme.segments import Play

KIND_TYPES = {"clip": "video", "image": "image", "tip": "tip", "hearings": "hearings"}


def plan_json(instance: Signage, plays: Sequence[Play]) -> list[dict[str, Any]]:
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
            {
                "start": iso(play.start, zone),
                "item": play.planned.key,
                "type": KIND_TYPES[item.kind],
                "media": play.media,
                "title": title,
                "seconds": round(play.seconds, 1),
                "topics": list(play.topics),
            }
        )
    return rows
