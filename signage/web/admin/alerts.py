"""Urgent messages: put one on chosen screens until a time, see those showing, end one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from signage.config.when import parse_moment
from signage.db import now
from signage.errors import Invalid
from signage.screens.alerts import EVERY_SCREEN, MAX_TEXT, active_alerts, end_alert, post_alert
from signage.web.admin.base import bp
from signage.web.admin.issue_words import error_text
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import AlertForm, NoFields, takes_form


def _page(form: dict[str, Any], problems: list[dict[str, Any]], status: int = 200) -> Any:
    screens = parts().screens
    config = screens.config()
    return (
        render_template(
            "admin/alerts.html",
            alerts=active_alerts(screens),
            screens=config.screens,
            groups=sorted(config.groups()),
            # The names of the screens each choice reaches, for the confirmation.
            reaches={
                target: sorted(
                    config.target_name(s)
                    for s in config.targets(None if target == EVERY_SCREEN else [target])
                )
                for target in [EVERY_SCREEN, *config.groups(), *config.screens]
            },
            poll_seconds=config.site.poll_seconds,
            form=form,
            problems=problems,
            max_text=MAX_TEXT,
        ),
        status,
    )


@bp.get("/alerts")
def alerts_page() -> Any:
    """The form (ending in two hours by default) and the messages showing now."""
    config = parts().screens.config()
    until = (now() + dt.timedelta(hours=2)).astimezone(config.site.zone)
    return _page({"until": until.strftime("%Y-%m-%dT%H:%M"), "targets": [EVERY_SCREEN]}, [])


@bp.post("/alerts")
@takes_form(AlertForm)
def alerts_post(form: AlertForm) -> Any:
    """Post the message; with problems, the form again with each one by its field."""
    posted = form.model_dump()
    screens = parts().screens
    targets: list[str] | str = posted["targets"]
    if EVERY_SCREEN in targets and len(targets) > 1:
        # Both ticked is how a message meant for one group reached the courtroom doors.
        problem = _("Choose either all screens or some groups and screens, not both.")
        return _page(posted, [{"field": "screens", "message": problem}], 422)
    if EVERY_SCREEN in targets:
        targets = EVERY_SCREEN
    try:
        until = parse_moment(posted["until"] or None, screens.config().site.zone, now())
        post_alert(
            screens,
            posted["text"],
            targets,
            until,
            staff_user(),
            parts().settings.urgent_messages_by,
        )
    except Invalid as problem:
        details = problem.details or [{"field": "until", "message": error_text(problem)}]
        return _page(posted, details, 422)
    flash(_("The urgent message is on its way; screens show it within one poll."))
    return redirect(url_for("admin.alerts_page"))


@bp.post("/alerts/<int:alert_id>/end")
@takes_form(NoFields)
def alerts_end(alert_id: int) -> Any:
    """End a message now; screens drop it at their next poll."""
    end_alert(parts().screens, alert_id, staff_user())
    flash(_("The urgent message has ended."))
    return redirect(url_for("admin.alerts_page"))
