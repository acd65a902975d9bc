"""/healthz: is the configuration good, is the scheduler alive, is there disk left."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

from flask import Blueprint

from signage.jobs import scheduler_report
from signage.media.ffmpeg import describe_ffmpeg
from signage.media.library import status_counts
from signage.web.context import parts

bp = Blueprint("health", __name__)

LOW_DISK_BYTES = 2 * 1024**3


@bp.get("/healthz")
def healthz() -> Any:
    """State for monitoring; 200 while screens are being served, 503 when they cannot be."""
    signage = parts()
    state = signage.state
    errors = [i.to_dict() for i in state.issues if i.severity == "error"]
    warnings = [i.to_dict() for i in state.issues if i.severity == "warning"]
    warnings += [
        {"message": w, "severity": "warning", "code": "item_skipped"}
        for w in signage.screens.warnings()
    ]
    current = state.current
    config = {
        "state": "ok" if not errors else "error" if current is None else "stale",
        "serving": None
        if current is None
        else {"digest": current.digest, "version": state.version},
        "loaded_at": state.loaded_at.isoformat() if state.loaded_at else None,
        "errors": errors,
        "warnings": warnings,
    }
    media_dir = signage.settings["MEDIA_DIR"]
    free = shutil.disk_usage(media_dir).free
    scheduler = scheduler_report(signage)
    ffmpeg = describe_ffmpeg(signage.settings["FFMPEG"], signage.settings["FFPROBE"])
    problems = bool(errors) or free < LOW_DISK_BYTES or not scheduler["alive"]
    problems = problems or not ffmpeg["found"]
    body = {
        "status": "ok" if not problems else "degraded",
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": config,
        "scheduler": scheduler,
        "disk": {"path": str(media_dir), "free_bytes": free, "low": free < LOW_DISK_BYTES},
        "ffmpeg": ffmpeg,
        "media": status_counts(signage.store),
    }
    return body, (200 if current is not None else 503)
