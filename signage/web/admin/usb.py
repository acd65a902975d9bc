"""The playlists page's USB button: the stick's files for a TV's own player, as one zip."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import request, send_file

from signage.accounts.audit import audit
from signage.db import now
from signage.errors import Invalid
from signage.media import library
from signage.packages.usb import HEIGHTS, MAX_DAYS, export_usb
from signage.web.admin.base import bp, user
from signage.web.context import parts


def _chosen(name: str, default: str, allowed: range | tuple[int, ...]) -> int | None:
    """A number of the form among those allowed; None for anything else."""
    text = request.form.get(name, default).strip()
    return int(text) if text.isdigit() and int(text) in allowed else None


@bp.post("/playlists/<playlist_id>/usb")
def playlists_usb(playlist_id: str) -> Any:
    """Make the playlist's stick (the days from today asked for) and send it as a zip."""
    signage = parts()
    days = _chosen("days", "1", range(1, MAX_DAYS + 1))
    if days is None:
        raise Invalid(f"the days are a number from 1 to {MAX_DAYS}", code="bad_days")
    height = _chosen("height", "1080", HEIGHTS)
    if height is None:
        raise Invalid(f"the picture height is one of {HEIGHTS}", code="bad_height")
    config = signage.screens.config()
    today = now().astimezone(config.site.zone).date()
    # Beside the media (the disk meant for large files), in folders of our own naming; the
    # zip has no name on disk at all, so nothing stays behind once it is sent.
    work = library.uploads_folder(signage.settings.media_dir)
    work.mkdir(parents=True, exist_ok=True)
    out = tempfile.TemporaryFile(dir=work)
    try:
        with tempfile.TemporaryDirectory(prefix=".usb-", dir=work) as folder:
            stick_folder = Path(folder) / "stick"
            stick = export_usb(
                signage, stick_folder, playlist_id, first_day=today, days=days, height=height
            )
            # Video does not compress further: stored, the zip is made as fast as copied.
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
                for path in sorted(stick_folder.iterdir()):
                    archive.write(path, f"{playlist_id}/{path.name}")
    except BaseException:
        out.close()
        raise
    out.seek(0)
    audit(
        signage.store,
        user(),
        "playlist.usb",
        playlist_id,
        {"days": days, "files": len(stick.files)},
    )
    return send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{playlist_id}-usb-{today.isoformat()}.zip",
    )
