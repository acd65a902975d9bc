"""The page a lobby screen opens (/display/<screen-id>?key=…), its scripts and service worker,
and the same player for staff previewing a screen at another time (/display/<id>/preview)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from signage import __version__
from signage.config.validate import Config
from signage.config.when import iso, json_values, parse_moment
from signage.db import now
from signage.edits.review import draft_config, visible_review
from signage.errors import Forbidden, NotFound, SignageError
from signage.programme.preview import check_preview_time
from signage.web.admin.issue_words import error_text
from signage.web.auth import current_user, screen_key_from_request
from signage.web.context import parts

bp = Blueprint("display", __name__, url_prefix="/display")

PLAYER_FILES = Path(__file__).parent / "static" / "display"
SERVICE_WORKER = "sw.js"
KEY_COOKIE = "screen_key"
KEY_COOKIE_DAYS = 400  # the longest lifetime Chromium keeps a cookie for
YEAR_SECONDS = 365 * 24 * 3600
# Everything the player needs comes from this server; nothing inline runs (the boot JSON is
# data), so injected markup could not run even if some text ever reached the page as HTML.
PLAYER_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)
# The staff preview is shown in a frame of the schedule page; live screens refuse framing.
PREVIEW_POLICY = PLAYER_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


@functools.cache
def player_build() -> tuple[str, tuple[str, ...]]:
    """The player's version (package version + hash of its files) and its asset names."""
    names = sorted(p.name for p in PLAYER_FILES.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (PLAYER_FILES / name).read_bytes())
    assets = tuple(name for name in names if name != SERVICE_WORKER)
    return f"{__version__}+{digest.hexdigest()[:10]}", assets


def boot_settings(screen_id: str) -> dict[str, Any]:
    """What the page needs before its first manifest arrives (and when none ever does)."""
    signage = parts()
    config = signage.screens.config()
    version, assets = player_build()
    base = url_for("display.asset", version=version, name="")
    api = f"/api/v1/screens/{screen_id}"
    return {
        "screen": {"id": screen_id, "name": config.screens[screen_id].name},
        "site": {"name": config.site.name, "timezone": config.site.timezone},
        "version": version,
        "asset_base": base,
        "assets": [base + name for name in assets],
        "service_worker": url_for("display.service_worker"),
        "manifest_url": api + "/manifest",
        "heartbeat_url": api + "/heartbeat",
        "plays_url": api + "/plays",
        "snapshot_url": api + "/snapshot",
        "snapshot_minutes": signage.settings.snapshot_minutes,
        "reload_at": signage.settings.display_reload_at,
        "poll_seconds": config.site.poll_seconds,
    }


def preview_boot(
    screen_id: str, at: dt.datetime, config: Config | None = None, item: str | None = None
) -> dict[str, Any]:
    """Boot settings of a staff preview: the clock starts at `at` with a manifest built for
    it (from `config`: a draft under review), the first item shown is `item` (its key) when
    it plays then, and there is nowhere to report to (no heartbeats, plays, service worker,
    reloads)."""
    screens = parts().screens
    zone = screens.config().site.zone
    manifest = screens.preview_manifest(screen_id, at, config)
    keys = {item.key for segment in manifest.segments for item in segment.items}
    return {
        **boot_settings(screen_id),
        "manifest_url": None,
        "heartbeat_url": None,
        "plays_url": None,
        "snapshot_url": None,
        "service_worker": None,
        "reload_at": "off",
        "preview": {
            "at": iso(at, zone),
            # The badge: never to be taken for a live screen, nor a draft for what plays.
            "label": ("草稿预览 " if config is not None else "预览 ")
            + at.astimezone(zone).strftime("%m-%d %H:%M"),
            "manifest": json_values(manifest),
            "item": item if item in keys else None,
        },
    }


REFUSED = ("此屏幕未授权", "请管理员用 signage screen-url 生成本屏幕的地址后重新打开。")
UNAVAILABLE = ("暂时无法播放", "服务器的播放配置有误，修正后本屏幕会自动恢复。")
UNAVAILABLE_RETRY_SECONDS = 30
NO_PREVIEW = ("无法预览", "请回到排期页面，另选屏幕或时间（前后十四天以内）。")


def _message_page(
    words: tuple[str, str], error: SignageError, retry: int | None, detail: str | None = None
) -> Response:
    title, hint = words
    page = render_template(
        "display_refused.html",
        title=title,
        hint=hint,
        message=detail or error.message,
        lang="zh-CN" if detail else "en",
        retry=retry,
    )
    response = make_response(page, error.status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<screen_id>")
def page(screen_id: str) -> Response:
    """The player; a full-screen refusal when the key is wrong, a waiting page without config."""
    service = parts().screens
    key = screen_key_from_request()
    try:
        service.verify_key(screen_id, key)
        boot = boot_settings(screen_id)
    except (Forbidden, NotFound) as error:
        refused = _message_page(REFUSED, error, retry=None)
        # The service worker forgets its copy of the page only on this server's own refusal.
        refused.headers["X-Signage-Refused"] = error.code
        return refused
    except SignageError as error:
        return _message_page(UNAVAILABLE, error, retry=UNAVAILABLE_RETRY_SECONDS)
    response = _player_page(boot, PLAYER_POLICY, cache="no-cache")
    # Media and API requests from the page (and from <video>) authenticate by this cookie,
    # so media URLs stay clean and cacheable; JavaScript never needs to read it.
    response.set_cookie(
        KEY_COOKIE,
        key,
        max_age=KEY_COOKIE_DAYS * 24 * 3600,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/<screen_id>/preview")
def preview(screen_id: str) -> Response:
    """For staff: the player showing the screen at ?at= (site time), with the draft of
    ?review=N applied when given; it reports nothing."""
    user = current_user()
    if user is None:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    service = parts().screens
    try:
        moment = now()
        at = parse_moment(request.args.get("at"), service.screen(screen_id).site.zone, moment)
        review = request.args.get("review")
        config = None
        if review:
            config = draft_config(parts(), visible_review(parts().store, user, review))
        item = request.args.get("item")
        boot = preview_boot(screen_id, check_preview_time(at, moment), config, item)
    except SignageError as error:
        # Staff read this one: the reason in their words, not the API's English.
        return _message_page(NO_PREVIEW, error, retry=None, detail=error_text(error))
    # no-store: the page holds a manifest built for one moment, for one signed-in person.
    return _player_page(boot, PREVIEW_POLICY, cache="no-store")


def _player_page(boot: dict[str, Any], policy: str, cache: str) -> Response:
    response = make_response(render_template("display.html", boot=boot))
    response.headers["Cache-Control"] = cache
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = policy
    return response


@bp.get("/assets/<version>/<path:name>")
def asset(version: str, name: str) -> Response:
    """A player script or style; immutable when asked for under the current version."""
    current, _ = player_build()
    response = send_from_directory(PLAYER_FILES, name, max_age=0)
    if version == current:
        response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/" + SERVICE_WORKER)
def service_worker() -> Response:
    """The service worker; its scope /display/ covers every request a player page makes."""
    response = send_from_directory(PLAYER_FILES, SERVICE_WORKER, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
