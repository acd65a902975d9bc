"""Telling people when a screen goes dark during its scheduled hours (SIGNAGE_ALERT_WEBHOOK).

A screen's scheduled hours are its opening hours (`hours:`) when it keeps some, else when
the rule that wins for it names a time of day (the lobby's "08:30-17:30" on workdays): a
screen switched off at night, outside its hours or when only an all-day rule applies, is
nobody's concern. The webhook gets a JSON POST when a screen counts as
offline in those hours and again when it is back; the body carries `msgtype`/`text` as
WeCom (企业微信) and DingTalk (钉钉) group robots read it, and the screens as data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from signage.config import Config
from signage.config.when import iso
from signage.db import Store
from signage.programme.schedule import is_awake, resolve_segments
from signage.screens.status import ScreenState, screen_overview

log = logging.getLogger("signage.screens")

REPORTED = "outages:reported"  # meta: the screens whose outage was announced
TIMEOUT_SECONDS = 10


def screens_in_scheduled_hours(config: Config, moment: dt.datetime) -> set[str]:
    """The screens within their opening hours, or without any, whose winning rule at this
    moment names a time of day."""
    schedule = config.site_file.schedule
    found = set()
    for screen_id in config.screens:
        if config.hours_for(screen_id):
            if is_awake(config, screen_id, moment):
                found.add(screen_id)
            continue
        segments = resolve_segments(config, screen_id, moment, moment + dt.timedelta(seconds=1))
        if segments and any(schedule[i].time is not None for i in segments[0].rules):
            found.add(screen_id)
    return found


def _message(config: Config, dark: list[ScreenState], back: list[ScreenState]) -> dict:
    site = config.site.name
    # the webhook's JSON, times as the API writes them
    seen = {s.id: iso(s.last_seen) if s.last_seen else None for s in dark}
    lines = [
        f"【屏幕离线 screen offline】{site} {s.name}（{s.id}）最后在线 last seen {seen[s.id]}"
        for s in dark
    ] + [f"【屏幕恢复 screen back】{site} {s.name}（{s.id}）" for s in back]
    return {
        "msgtype": "text",
        "text": {"content": "\n".join(lines)},
        "offline": [{"id": s.id, "name": s.name, "last_seen": seen[s.id]} for s in dark],
        "back": [{"id": s.id, "name": s.name} for s in back],
    }


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
        answer.read()


def notify_outages(
    store: Store, config: Config, moment: dt.datetime, offline_after_polls: int, url: str
) -> dict[str, list[str]]:
    """Announce screens gone dark in their scheduled hours, and back; what was announced."""
    reported = set(json.loads(store.get_meta(REPORTED) or "[]"))
    scheduled = screens_in_scheduled_hours(config, moment)
    overview = screen_overview(config, store, moment, offline_after_polls)
    dark = [s for s in overview if s.status == "offline" and s.id in scheduled - reported]
    back = [s for s in overview if s.status == "online" and s.id in reported]
    if not dark and not back:
        return {"offline": [], "back": []}
    try:
        _post(url, _message(config, dark, back))
    except (urllib.error.URLError, OSError) as error:
        # Not marked as announced: the next run tries again.
        log.warning("the outage webhook could not be reached: %s", error)
        return {"offline": [], "back": []}
    now_reported = (reported | {s.id for s in dark}) - {s.id for s in back}
    store.set_meta(REPORTED, json.dumps(sorted(now_reported)))
    return {"offline": [s.id for s in dark], "back": [s.id for s in back]}
