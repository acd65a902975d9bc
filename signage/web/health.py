"""/healthz: 200 while all is well, 503 with the reasons when something needs a person.

Monitors read the status code and the problem codes; the details (paths, versions,
configuration errors, who holds the housekeeping lease) are for signed-in staff only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from typing import Any

from flask import Blueprint

from signage.jobs.leases import scheduler_report
from signage.media.ffmpeg import describe_ffmpeg
from signage.media.library import status_counts
from signage.parts import Signage
from signage.web.auth import current_user
from signage.web.context import parts

bp = Blueprint("health", __name__)

LOW_DISK_BYTES = 2 * 1024**3
FFMPEG_CHECK_SECONDS = 60.0  # running `ffmpeg -version` on every probe of a monitor is waste

_ffmpeg_checked: dict[tuple[str | None, str | None], tuple[float, dict[str, Any]]] = {}


def _ffmpeg_report(ffmpeg: str | None, ffprobe: str | None) -> dict[str, Any]:
    """Where ffmpeg is and its version, asked again at most once a minute per process."""
    key = (ffmpeg, ffprobe)
    checked = _ffmpeg_checked.get(key)
    if checked is None or time.monotonic() - checked[0] > FFMPEG_CHECK_SECONDS:
        checked = (time.monotonic(), describe_ffmpeg(ffmpeg, ffprobe))
        _ffmpeg_checked[key] = checked
    return checked[1]


def _config_report(signage: Signage) -> dict[str, Any]:
    state = signage.state
    errors = [i.to_dict() for i in state.issues if i.severity == "error"]
    warnings = [i.to_dict() for i in state.issues if i.severity == "warning"]
    warnings += [
        {"message": w, "severity": "warning", "code": "item_skipped"}
        for w in signage.screens.warnings()
    ]
    current = state.current
    return {
        "state": "ok" if not errors else "error" if current is None else "stale",
        "serving": None
        if current is None
        else {"digest": current.digest, "version": state.version},
        "loaded_at": state.loaded_at.isoformat() if state.loaded_at else None,
        "errors": errors,
        "warnings": warnings,
    }


def health_report(signage: Signage) -> dict[str, Any]:
    """Everything /healthz knows, with `problems`: the codes of what needs a person."""
    config = _config_report(signage)
    media_dir = signage.settings.media_dir
    free = shutil.disk_usage(media_dir).free
    scheduler = scheduler_report(signage)
    ffmpeg = _ffmpeg_report(signage.settings.ffmpeg, signage.settings.ffprobe)
    problems = [
        code
        for code, present in (
            ("config_rejected", bool(config["errors"])),
            ("scheduler_stale", not scheduler["alive"]),
            ("disk_low", free < LOW_DISK_BYTES),
            ("ffmpeg_missing", not ffmpeg["found"]),
        )
        if present
    ]
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": config,
        "scheduler": scheduler,
        "disk": {"path": str(media_dir), "free_bytes": free, "low": free < LOW_DISK_BYTES},
        "ffmpeg": ffmpeg,
        "media": status_counts(signage.store),
    }


@bp.get("/healthz")
def healthz() -> Any:
    """State for monitoring: 200 when all is well, 503 when degraded; details for staff."""
    report = health_report(parts())
    status = 503 if report["problems"] else 200
    if current_user() is None:
        return {"status": report["status"], "problems": report["problems"]}, status
    return report, status
