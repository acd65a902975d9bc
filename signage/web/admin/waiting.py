"""What waits for a reviewer: uploads and captions held for review, and the count in the
menu's badge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from signage.accounts.users import may_review
from signage.edits.drafts import PENDING, count_pending, review_rows
from signage.media import library
from signage.media.listing import Media
from signage.web.auth import staff_user
from signage.web.context import parts
from signage.web.media_json import describe_media


@dataclass(frozen=True)
class HeldCaptions:
    """A clip whose uploaded captions wait for a reviewer, with the cues to read."""

    media: Media
    text: str


def waiting_media() -> list[Media]:
    """Uploads held for review, prepared or not, as the media page shows them."""
    instance = parts()
    rows = [row for row in library.all_media(instance.store) if not row["approved"]]
    return describe_media(instance, rows)


def _cues(held: Path) -> str:
    """The cues as the reviewer reads them: the file's format line says nothing to them."""
    text = held.read_text("utf-8") if held.is_file() else ""
    return text.removeprefix("WEBVTT").strip()


def waiting_captions() -> list[HeldCaptions]:
    """Clips whose uploaded captions wait for a reviewer, each with the words to read."""
    instance = parts()
    rows = [row for row in library.all_media(instance.store) if row["captions_pending"]]
    folder = library.files_folder(instance.settings.media_dir)
    return [
        HeldCaptions(item, _cues(folder / row["captions_pending"]))
        for row, item in zip(rows, describe_media(instance, rows), strict=True)
    ]


def review_badge() -> int:
    """What waits for this reviewer: others' drafts, uploads and captions (0 for editors, or
    off)."""
    instance = parts()
    who = staff_user()
    if not instance.settings.review or not may_review(who):
        return 0
    mine = len(review_rows(instance.store, state=PENDING, author=who.name))
    theirs = [m for m in waiting_media() if m.created_by != who.name]
    captions = [h for h in waiting_captions() if h.media.captions_pending_by != who.name]
    return count_pending(instance.store) - mine + len(theirs) + len(captions)
