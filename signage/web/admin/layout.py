"""What every staff page shares: the menu, the signed-in user, names and time formats."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from signage.errors import SignageError
from signage.media.library import media_titles
from signage.programme.segments import REQUIRED
from signage.web.admin.base import bp
from signage.web.admin.waiting import review_badge
from signage.web.auth import current_user
from signage.web.context import parts

# (section, endpoint, label, admins only); a page appears once its module registers it.
MENU = (
    ("overview", "admin.overview", _l("Overview"), False),
    ("playlists", "admin.playlists_list", _l("Playlists"), False),
    ("schedule", "admin.schedule_page", _l("Schedule"), False),
    ("calendar", "admin.calendar_page", _l("Holidays and make-up workdays"), False),
    ("alerts", "admin.alerts_page", _l("Urgent messages"), False),
    ("media", "admin.media_page", _l("Media library"), False),
    ("hearings", "admin.hearings_page", _l("Hearings"), False),
    ("reports", "admin.reports_page", _l("Play reports"), False),
    ("ledger", "admin.ledger_page", _l("Legal-education ledger"), False),
    ("history", "admin.history_page", _l("History"), False),
    ("reviews", "admin.reviews_page", _l("Pending review"), False),
    ("users", "admin.users_page", _l("Users"), True),
    ("screens", "admin.screens_page", _l("Screens"), True),
)

ROLE_NAMES = {"admin": _l("admin"), "reviewer": _l("reviewer"), "editor": _l("editor")}
ACTION_NAMES = {
    "save": _l("saved"),
    "create": _l("created"),
    "delete": _l("deleted"),
    "restore": _l("restored from"),
    "disk": _l("changed on disk"),
    "approve": _l("approved"),
}
MEDIA_STATUS = {
    "queued": _l("waiting"),
    "processing": _l("preparing"),
    "ready": _l("ready"),
    "failed": _l("refused"),
}
STATUS_NAMES = {
    "online": _l("online"),
    "offline": _l("offline"),
    "sleeping": _l("sleeping"),  # outside its opening hours
    "never": _l("never seen"),
}
KIND_NAMES = {
    "clip": _l("video"),
    "video": _l("video"),
    "tip": _l("tip"),
    "image": _l("poster"),
    "idle": _l("idle"),
    "alert": _l("urgent message"),
    "hearings": _l("hearings"),
    "sleeping": _l("sleeping"),  # black outside the opening hours
}

WEEKDAY_NAMES = (
    _l("Mon"),
    _l("Tue"),
    _l("Wed"),
    _l("Thu"),
    _l("Fri"),
    _l("Sat"),
    _l("Sun"),
)
OUTCOME_NAMES = {
    "wins": _l("plays"),
    "ties": _l("takes turns"),
    "loses": _l("loses (lower priority)"),
    "inactive": _l("not in effect"),
}


@bp.app_template_filter("clock")
def clock(value: str | dt.datetime | None) -> str:
    """An ISO time as staff read it, in the site's zone: 2026-12-01 08:30."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    config = parts().state.current
    if moment.tzinfo is not None and config is not None:
        # Stored times are UTC; a clerk reads the court's wall clock.
        moment = moment.astimezone(config.site.zone)
    return moment.strftime("%Y-%m-%d %H:%M")


@bp.app_template_filter("seconds_text")
def seconds_text(value: float | None) -> str:
    """A length in seconds as m:ss."""
    if value is None:
        return ""
    whole = round(value)
    return f"{whole // 60}:{whole % 60:02d}"


@bp.app_template_filter("size_text")
def size_text(value: int | None) -> str:
    """A size in bytes as staff read it (KB, MB, GB)."""
    if value is None:
        return ""
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@bp.app_template_filter("playlist_name")
def playlist_name(playlist_id: str | None) -> str:
    """What staff call a playlist: its `name:`, else its id."""
    config = parts().state.current
    playlist = config.playlists.get(playlist_id or "") if config else None
    if playlist is None and playlist_id == REQUIRED:
        return str(_l("Required play"))
    return (playlist.name if playlist else "") or playlist_id or ""


@bp.app_template_filter("file_title")
def file_title(name: str) -> str:
    """What staff call a file of the playlists folder: the site settings, or a playlist's name."""
    if name == "site.yaml":
        return str(_l("Site, screens and schedule"))
    return playlist_name(name.removesuffix(".yaml"))


@bp.app_template_filter("target_name")
def target_name(target: str) -> str:
    """What staff call a screen or group: its name in site.yaml, else its id."""
    config = parts().state.current
    return config.target_name(target) if config else target


@bp.app_template_filter("media_title")
def media_title(media_id: str | None) -> str:
    """What staff call a clip or poster: its title in the library, else its id."""
    if not media_id:
        return ""
    return media_titles(parts().store, [media_id]).get(media_id, media_id)


@bp.context_processor
def page_context() -> dict[str, Any]:
    """The menu (pages this user may open), the user, and names of states and kinds."""
    try:
        who = current_user()
    except SignageError:  # the error page of a refused request (a bad CSRF token, say)
        who = None
    menu = [
        (section, endpoint, label)
        for section, endpoint, label, admin_only in MENU
        if endpoint in current_app.view_functions
        and who is not None
        and (not admin_only or who.role == "admin")
        and (section != "reviews" or parts().settings.review)
    ]
    return {
        "current_user": who,
        "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        "menu": menu,
        "review_badge": review_badge() if who is not None else 0,
        "role_names": ROLE_NAMES,
        "status_names": STATUS_NAMES,
        "kind_names": KIND_NAMES,
        "status_words": MEDIA_STATUS,
        "action_names": ACTION_NAMES,
        "weekday_names": WEEKDAY_NAMES,
        "outcome_names": OUTCOME_NAMES,
        "site_name": config.site.name if (config := parts().state.current) else "",
    }
