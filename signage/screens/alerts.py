"""Urgent messages on chosen screens until a set time; screens see them at their next poll."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.accounts.staff import StaffUser
from signage.accounts.users import may_review
from signage.config.validate import Config
from signage.config.when import did_you_mean
from signage.db import Store, alerts, now
from signage.errors import Forbidden, Invalid, NotFound
from signage.phrases import N_, Phrase
from signage.units import check_screens

if TYPE_CHECKING:
    from signage.screens.service import ScreenService

MAX_TEXT = 200
MAX_AHEAD = dt.timedelta(days=7)
EVERY_SCREEN = "all"
ALERTS_CHANGED = "version:alerts"


def alerts_in_force(store: Store, moment: dt.datetime) -> list[dict[str, Any]]:
    """Alerts not ended and not past their `until`, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(alerts)
            .where(alerts.c.ended_at.is_(None), alerts.c.until > moment)
            .order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
        ).mappings()
        return [dict(row) for row in rows]


def add_alert(
    store: Store, text: str, screens: list[str] | None, until: dt.datetime, created_by: str | None
) -> int:
    """Store an urgent message; screens see it at their next poll."""
    with store.engine.begin() as conn:
        alert_id = conn.execute(
            alerts.insert().values(
                text=text, screens=screens, until=until, created_by=created_by, created_at=now()
            )
        ).inserted_primary_key[0]
    store.bump(ALERTS_CHANGED)
    return alert_id


def alert_row(store: Store, alert_id: int) -> dict[str, Any] | None:
    """One alert, ended or not, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).mappings().first()
        return dict(row) if row else None


def _end_alert_row(store: Store, alert_id: int, moment: dt.datetime) -> bool:
    with store.engine.begin() as conn:
        ended = conn.execute(
            alerts.update()
            .where(alerts.c.id == alert_id, alerts.c.ended_at.is_(None))
            .values(ended_at=moment)
        ).rowcount
    if ended:
        store.bump(ALERTS_CHANGED)
    return bool(ended)


class Alert(BaseModel):
    """An urgent message as staff see it, its times in the site's zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    text: str
    screens: list[str] | Literal["all"]  # as posted: screens and groups, or every screen
    reaches: list[str]  # the screens it shows on
    until: dt.datetime
    created_by: str | None
    created_at: dt.datetime
    ended_at: dt.datetime | None


def alert_of(row: Mapping[str, Any], config: Config) -> Alert:
    """An alert's row as staff see it, times in the site's zone."""
    zone = config.site.zone
    return Alert(
        id=row["id"],
        text=row["text"],
        screens=EVERY_SCREEN if row["screens"] is None else list(row["screens"]),
        reaches=sorted(config.targets(row["screens"])),
        until=row["until"].astimezone(zone),
        created_by=row["created_by"],
        created_at=row["created_at"].astimezone(zone),
        ended_at=row["ended_at"].astimezone(zone) if row["ended_at"] else None,
    )


def _problem(field: str, template: str, **params: Any) -> dict[str, Any]:
    """One problem with a field: the English message, and the phrase the staff pages translate."""
    phrase = Phrase.of(template, **params)
    return {"field": field, "message": str(phrase), **phrase.to_dict()}


def check_alert(
    config: Config, text: str, screens: list[str] | str, until: dt.datetime, moment: dt.datetime
) -> tuple[str, list[str] | None]:
    """The cleaned text and targets (None: every screen); 422 listing every problem."""
    problems = []
    text = text.strip()
    if not text:
        problems.append(_problem("text", N_("write the message to show")))
    elif len(text) > MAX_TEXT:
        problems.append(
            _problem(
                "text",
                N_(
                    "keep it to {limit} characters so it fits on the screen (this one has {length})"
                ),
                limit=MAX_TEXT,
                length=len(text),
            )
        )
    targets: list[str] | None = None
    if screens != EVERY_SCREEN:
        names = sorted(set(config.screens) | set(config.groups()))
        targets = list(dict.fromkeys(screens))
        if not targets:
            problems.append(
                _problem(
                    "screens",
                    N_('name at least one screen or group, or "all"'),
                )
            )
        for name in targets:
            if name not in names:
                problems.append(
                    _problem(
                        "screens",
                        N_("{target!r} is neither a screen nor a group{hint}"),
                        target=name[:64],
                        hint=did_you_mean(name, names),
                    )
                )
    if until.tzinfo is None:
        problems.append(
            _problem("until", N_("give a time zone offset, like 2026-12-01T18:00:00+08:00"))
        )
    elif until <= moment:
        problems.append(
            _problem("until", N_("this time has already passed; choose when the alert should end"))
        )
    elif until - moment > MAX_AHEAD:
        problems.append(
            _problem(
                "until",
                N_("an alert lasts at most 7 days; for longer notices use the ticker in site.yaml"),
            )
        )
    if problems:
        raise Invalid(N_("the alert was not posted; see details"), details=problems)
    return text, targets


def post_alert(
    screens: ScreenService,
    text: str,
    targets: list[str] | str,
    until: dt.datetime,
    user: StaffUser,
    allowed: str = "staff",
) -> Alert:
    """Store a checked alert; this process's screens see it at once, others within a poll.

    `allowed` is the setting URGENT_MESSAGES_BY: staff, or reviewers (and admins) only."""
    if allowed == "reviewers" and not may_review(user):
        raise Forbidden(
            N_("urgent messages are put up by reviewers and administrators here; ask one of them"),
            code="urgent_by_reviewers",
        )
    config = screens.config()
    text, names = check_alert(config, text, targets, until, now())
    check_screens(user, config, names)
    alert_id = add_alert(screens.store, text, names, until, user.name)
    screens.invalidate()
    audit(
        screens.store,
        user,
        "alert.post",
        str(alert_id),
        {"text": text, "screens": targets, "until": until.isoformat()},
    )
    return alert_of(alert_row(screens.store, alert_id) or {}, config)


def active_alerts(screens: ScreenService) -> list[Alert]:
    """Alerts showing now, newest first."""
    config = screens.config()
    return [alert_of(row, config) for row in alerts_in_force(screens.store, now())]


def alerts_posted_since(screens: ScreenService, since: dt.datetime) -> list[Alert]:
    """Alerts put up since a moment, ended or not, newest first: what reviewers look over."""
    with screens.store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(alerts).where(alerts.c.created_at >= since).order_by(alerts.c.id.desc())
        ).mappings()
        found = [dict(row) for row in rows]
    config = screens.config()
    return [alert_of(row, config) for row in found]


def end_alert(screens: ScreenService, alert_id: int, user: StaffUser) -> Alert:
    """End an alert now (already ended: unchanged); 404 when there is no such alert."""
    store = screens.store
    row = alert_row(store, alert_id)
    if row is None:
        raise NotFound(N_("there is no alert {alert_id}; reload the page"), alert_id=alert_id)
    check_screens(user, screens.config(), row["screens"])
    if _end_alert_row(store, alert_id, now()):
        screens.invalidate()
        audit(store, user, "alert.end", str(alert_id))
    return alert_of(alert_row(store, alert_id) or {}, screens.config())
