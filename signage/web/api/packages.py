"""Content packages over HTTP: export a signed package, import one from a trusted publisher."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from typing import Any

from flask import send_file

from signage.accounts.audit import audit
from signage.db import now
from signage.media import library
from signage.packages.export import build_package
from signage.packages.imports import ImportedPackage, import_package
from signage.web.answers import answers
from signage.web.api.base import bp, parse_body
from signage.web.api.media import streamed_upload
from signage.web.auth import staff_required, staff_user
from signage.web.bodies import PackageExport
from signage.web.context import parts


@bp.post("/packages/export")
@staff_required("admin")
def export_package() -> Any:
    """A package of these media and playlists (with the media they name), signed here."""
    signage = parts()
    wanted = parse_body(PackageExport)
    folder = library.uploads_folder(signage.settings.media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # On disk beside the media, not in memory: a package may hold gigabytes of clips. The
    # file has no name, so nothing is left behind when the answer ends or fails.
    out = tempfile.TemporaryFile(dir=folder)
    try:
        exported = build_package(signage, out, wanted.media, wanted.playlists)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    audit(signage.store, staff_user(), "package.export", None, asdict(exported))
    name = f"package-{now().strftime('%Y%m%d-%H%M%S')}.tar"
    return send_file(out, mimetype="application/x-tar", as_attachment=True, download_name=name)


@bp.post("/packages")
@staff_required("admin")
@answers(ImportedPackage)
def import_package_upload() -> Any:
    """Import a package (multipart file) from a trusted publisher: checked whole first."""
    signage = parts()
    upload = streamed_upload(signage)
    try:
        imported = import_package(signage, upload.path, staff_user())
    finally:
        upload.path.unlink(missing_ok=True)
    return imported
