"""The playlists page's USB button: the stick's files for a TV's own player, as one zip."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import send_file

from signage.accounts.audit import audit
from signage.db import now
from signage.errors import Invalid
from signage.media import library
from signage.packages.usb import HEIGHTS, MAX_DAYS, export_usb
from signage.phrases import N_
from signage.web.admin.base import bp
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.forms import UsbForm, takes_form


@bp.post("/playlists/<playlist_id>/usb")
@takes_form(UsbForm)
def playlists_usb(playlist_id: str, form: UsbForm) -> Any:
    """Make the playlist's stick (the days from today asked for) and send it as a zip."""
    signage = parts()
    days = form.days
    if days is None or not 1 <= days <= MAX_DAYS:
        raise Invalid(N_("the days are a number from 1 to {most}"), code="bad_days", most=MAX_DAYS)
    height = form.height
    if height not in HEIGHTS:
        raise Invalid(
            N_("the picture height is one of {heights}"), code="bad_height", heights=list(HEIGHTS)
        )
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
        staff_user(),
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
