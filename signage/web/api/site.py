"""Staff read and replace site.yaml (site, screens, schedule, ticker) as YAML text."""

from __future__ import annotations

from typing import Any

from signage.config.validate import SITE_FILE
from signage.edits.saving import Held, Saved, read_version, save_file
from signage.web.answers import answers
from signage.web.api.base import bp
from signage.web.api.documents import YamlFile, file_answer, if_match, saved_answer, yaml_body
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts


@bp.get("/site")
@staff_required()
@answers(YamlFile)
def get_site() -> Any:
    """site.yaml exactly as stored, with its ETag."""
    folder = parts().settings.playlists_dir
    return file_answer(read_version(folder, SITE_FILE))


@bp.put("/site")
@staff_required()
@answers(Saved)
@answers(Held, status=202)
def put_site() -> Any:
    """Replace site.yaml: validated with every playlist, If-Match checked, atomic."""
    content, _ = yaml_body()
    saved = save_file(
        parts(),
        SITE_FILE,
        content,
        if_match=if_match(),
        author=staff_user(),
        action="save",
    )
    return saved_answer(saved)
