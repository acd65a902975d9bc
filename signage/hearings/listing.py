"""The hearing board as the server sends it anywhere (manifest, API, pages). Pure: each
hearing with its end (told, or the next hearing in its room, or the default length) and
its parties masked where the rules ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from signage.config.model import HearingRules
from signage.hearings.privacy import mask_cause, needs_masking, shown_parties


class Party(BaseModel):
    """A party of a hearing as it may be shown: role and name, masked where the rules ask."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    name: str


class Hearing(BaseModel):
    """A hearing as the server sends it anywhere: masked, with its end, times in the site's
    zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_number: str
    cause: str
    parties: list[Party]
    judge: str
    courtroom: str
    public: bool
    masked: bool  # parties' names (and those inside the cause) masked
    date: dt.date
    start: dt.datetime
    end: dt.datetime


def same_room(courtroom: str, wanted: str | None) -> bool:
    """Whether a hearing's room is the screen's (spaces ignored); no room wanted: every room."""
    return wanted is None or courtroom.replace(" ", "") == wanted.replace(" ", "")


def board(
    rows: Iterable[dict[str, Any]],
    rules: HearingRules,
    zone: ZoneInfo,
    courtroom: str | None = None,
) -> list[Hearing]:
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
            Hearing(
                case_number=row["case_number"],
                cause=mask_cause(row["cause"], row["parties"]) if masked else row["cause"],
                parties=[Party(**party) for party in shown_parties(row["parties"], masked)],
                judge=row["judge"],
                courtroom=row["courtroom"],
                public=row["public"],
                masked=masked,
                date=row["day"],
                start=row["starts_at"].astimezone(zone),
                end=end.astimezone(zone),
            )
        )
    return shown
