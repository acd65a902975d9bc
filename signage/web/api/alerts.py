"""Urgent alerts: post one to screens or groups until a time, list them, end one."""

from __future__ import annotations

from typing import Any

from flask import url_for
from pydantic import BaseModel, ConfigDict

from signage.screens.alerts import Alert, active_alerts, end_alert, post_alert
from signage.screens.service import ScreenService
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.auth import staff_required, staff_user
from signage.web.bodies import NewAlert
from signage.web.context import parts


class AlertList(BaseModel):
    """Alerts showing now, newest first."""

    model_config = ConfigDict(extra="forbid")

    alerts: list[Alert]


def _screens() -> ScreenService:
    return parts().screens


@bp.post("/alerts")
@staff_required()
@answers(Alert, status=201)
def create_alert() -> Any:
    """Put an urgent message on screens until `until`; 201 with the alert."""
    body = parse_body(NewAlert)
    allowed = parts().settings.urgent_messages_by
    alert = post_alert(_screens(), body.text, body.screens, body.until, staff_user(), allowed)
    return alert, 201, {"Location": url_for("api.delete_alert", alert_id=alert.id)}


@bp.get("/alerts")
@staff_required()
@answers(AlertList)
def list_alerts() -> Any:
    """Alerts showing now, newest first."""
    return AlertList(alerts=active_alerts(_screens()))


@bp.delete("/alerts/<int:alert_id>")
@staff_required()
@answers(Alert)
def delete_alert(alert_id: int) -> Any:
    """End an alert now; screens drop it at their next poll."""
    return end_alert(_screens(), alert_id, staff_user())
