"""What waits for a reviewer: uploads and captions held for review, and the count in the
menu's badge."""

from __future__ import annotations

from typing import Any

from signage.accounts.users import may_review
from signage.edits.drafts import PENDING, count_pending, review_rows
from signage.media import library
from signage.web.admin.base import user
from signage.web.context import parts
from signage.web.media_json import describe_media


def waiting_media() -> list[dict[str, Any]]:
    """Uploads held for review, prepared or not, as the media page shows them."""
    instance = parts()
    rows = [row for row in library.all_media(instance.store) if not row["approved"]]
    return describe_media(instance, rows)


def waiting_captions() -> list[dict[str, Any]]:
    """Clips whose uploaded captions wait for a reviewer, each with the words to read."""
    instance = parts()
    rows = [row for row in library.all_media(instance.store) if row["captions_pending"]]
    folder = library.files_folder(instance.settings.media_dir)
    found = describe_media(instance, rows)
    for item in found:
        held = folder / item["captions_pending"]
        text = held.read_text("utf-8") if held.is_file() else ""
        # The cues as the reviewer reads them: the file's format line says nothing to them.
        item["captions_text"] = text.removeprefix("WEBVTT").strip()
    return found


def review_badge() -> int:
    """What waits for this reviewer: others' drafts, uploads and captions (0 for editors, or
    off)."""
    instance = parts()
    who = user()
    if not instance.settings.review or not may_review(who):
        return 0
    mine = len(review_rows(instance.store, state=PENDING, author=who["name"]))
    theirs = [m for m in waiting_media() if m["created_by"] != who["name"]]
    captions = [m for m in waiting_captions() if m["captions_pending_by"] != who["name"]]
    return count_pending(instance.store) - mine + len(theirs) + len(captions)
