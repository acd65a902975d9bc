"""The hearing board as the server sends it anywhere (manifest, API, pages). Pure: each
hearing with its end (told, or the next hearing in its room, or the default length) and
its parties masked where the rules ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from signage.config.model import HearingRules
from signage.config.when import iso
from signage.hearings.privacy import mask_cause, needs_masking, shown_parties


def same_room(courtroom: str, wanted: str | None) -> bool:
    """Whether a hearing's room is the screen's (spaces ignored); no room wanted: every room."""
    return wanted is None or courtroom.replace(" ", "") == wanted.replace(" ", "")


def board(
    rows: Iterable[dict[str, Any]],
    rules: HearingRules,
    zone: ZoneInfo,
    courtroom: str | None = None,
) -> list[dict[str, Any]]:
    """The hearings as the server sends them anywhere: masked, with an end, in one room."""
    chosen = [row for row in rows if same_room(row["courtroom"], courtroom)]
    default = dt.timedelta(minutes=rules.minutes)
    shown = []
    for row in chosen:
        end = row["ends_at"]
        if end is None:
            later = [
                other["starts_at"]
                for other in chosen
                if other["courtroom"] == row["courtroom"]
                and other["day"] == row["day"]
                and other["starts_at"] > row["starts_at"]
            ]
            end = min([row["starts_at"] + default, *later])
        masked = needs_masking(row["public"], row["cause"], rules.masked_causes)
        shown.append(
            {
                "case_number": row["case_number"],
                "cause": mask_cause(row["cause"], row["parties"]) if masked else row["cause"],
                "parties": shown_parties(row["parties"], masked),
                "judge": row["judge"],
                "courtroom": row["courtroom"],
                "public": row["public"],
                "masked": masked,
                "date": row["day"].isoformat(),
                "start": iso(row["starts_at"], zone),
                "end": iso(end, zone),
            }
        )
    return shown
