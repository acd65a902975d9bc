"""The media library in the database: ids, preparation jobs and their states.

A row is its own job: ``queued`` when the upload is stored, ``processing`` (with ``progress``)
once a worker claims it, then ``ready`` with its prepared file or ``failed`` with a plain
``error``. Claims are compare-and-set updates, so two workers never take the same row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pypinyin import lazy_pinyin

from signage.config.model import SLUG, SLUG_HELP
from signage.db import Store, media, now
from signage.errors import Conflict, Forbidden, Invalid, NotFound, SignageError
from signage.media.prepare import PreparedMedia

QUEUED, PROCESSING, READY, FAILED = "queued", "processing", "ready", "failed"
# A file that crashes the process (or is stopped by restarts) this often is given up on.
MAX_ATTEMPTS = 3
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}
MEDIA_CHANGED = "version:media"  # the counter screens' manifests are rebuilt on

TITLE_LIMIT = 200  # the media table's title column


def uploads_folder(media_dir: Path) -> Path:
    """Where originals wait for preparation, under generated ASCII names."""
    return Path(media_dir) / "uploads"


def files_folder(media_dir: Path) -> Path:
    """Where prepared files and thumbnails are served from."""
    return Path(media_dir) / "files"


def slug_from_name(name: str) -> str:
    """An id from a file name: Chinese as pinyin, then ASCII letters and digits joined by -."""
    # 宪法宣传周.mp4 -> xian-fa-xuan-chuan-zhou: staff recognise the id in YAML and URLs.
    stem = "-".join(lazy_pinyin(Path(name).stem))
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:56].strip("-")


def _exists(conn: sa.Connection, media_id: str) -> bool:
    return conn.scalar(sa.select(media.c.id).where(media.c.id == media_id)) is not None


def media_exists(store: Store, media_id: str) -> bool:
    """Whether the library has media with this id, in any state."""
    with store.engine.connect() as conn:
        return _exists(conn, media_id)


def _check_wanted(conn: sa.Connection, wanted: str) -> None:
    if not SLUG.match(wanted):
        raise Invalid(f"{wanted[:64]!r} cannot be a media id; {SLUG_HELP}", code="bad_media_id")
    if _exists(conn, wanted):
        raise Conflict(
            f"there is already media with the id {wanted!r}; choose another id, "
            "or delete that media first",
            code="media_exists",
        )


def check_media_id(store: Store, wanted: str | None) -> None:
    """422 for a malformed id, 409 for a taken one; nothing when no id is asked for."""
    if wanted:
        with store.engine.connect() as conn:
            _check_wanted(conn, wanted)


def new_media_id(store: Store, wanted: str | None, original_name: str | None) -> str:
    """The id for new media: the one asked for (422 if malformed, 409 if taken) or a free one."""
    with store.engine.connect() as conn:
        if wanted:
            _check_wanted(conn, wanted)
            return wanted
        base = slug_from_name(original_name or "") or "media"
        candidates = [base] + [f"{base}-{number}" for number in range(2, 1000)]
        return next(candidate for candidate in candidates if not _exists(conn, candidate))


def enqueue(
    store: Store,
    media_id: str,
    *,
    upload: str,
    original_name: str | None,
    title: str | None,
    created_by: str | None,
    claimed_by: str | None = None,
    approved: bool = True,
    unit: str | None = None,
) -> dict[str, Any]:
    """Add media waiting for preparation (already claimed when ``claimed_by`` is given);
    not ``approved``, screens skip it until a reviewer approves it."""
    moment = now()
    kind = "image" if Path(upload).suffix.lower() in IMAGE_SUFFIXES else "video"
    title = (title or "").strip() or (Path(original_name).stem if original_name else media_id)
    values = {
        "id": media_id,
        "kind": kind,
        "title": title[:TITLE_LIMIT],
        "original_name": (original_name or "")[:255] or None,
        "status": PROCESSING if claimed_by else QUEUED,
        "progress": 0.0,
        "upload": upload,
        "claimed_by": claimed_by,
        "attempts": 1 if claimed_by else 0,
        "created_by": created_by,
        "created_at": moment,
        "updated_at": moment,
        "approved": approved,
        "unit": unit,
    }
    try:
        with store.engine.begin() as conn:
            conn.execute(media.insert().values(**values))
    except sa.exc.IntegrityError:
        raise Conflict(
            f"there is already media with the id {media_id!r}", code="media_exists"
        ) from None
    return values


def media_row(store: Store, media_id: str) -> dict[str, Any]:
    """One media row; 404 when there is none."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(media).where(media.c.id == media_id)).mappings().first()
    if row is None:
        raise NotFound(f"there is no media with the id {media_id!r}")
    return dict(row)


def all_media(store: Store) -> list[dict[str, Any]]:
    """Every media row, newest first."""
    query = sa.select(media).order_by(media.c.created_at.desc(), media.c.id)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def set_title(store: Store, media_id: str, title: str) -> None:
    """Give media a new title (what staff read everywhere; the id stays as it was)."""
    title = title.strip()
    if not title:
        raise Invalid("write a title", code="bad_title")
    if len(title) > TITLE_LIMIT:
        raise Invalid(f"keep the title to {TITLE_LIMIT} characters", code="bad_title")
    with store.engine.begin() as conn:
        changed = conn.execute(
            media.update().where(media.c.id == media_id).values(title=title, updated_at=now())
        ).rowcount
    if not changed:
        raise NotFound(f"there is no media with the id {media_id!r}")


def media_titles(store: Store, media_ids: Iterable[str]) -> dict[str, str]:
    """The title staff gave each of these media (only those that have one)."""
    wanted = sorted(set(media_ids))
    if not wanted:
        return {}
    query = sa.select(media.c.id, media.c.title).where(media.c.id.in_(wanted))
    with store.engine.connect() as conn:
        return {media_id: title for media_id, title in conn.execute(query) if title}


def status_counts(store: Store) -> dict[str, int]:
    """How many media are in each state."""
    query = sa.select(media.c.status, sa.func.count()).group_by(media.c.status)
    with store.engine.connect() as conn:
        found = {status: count for status, count in conn.execute(query)}
    return {status: found.get(status, 0) for status in (QUEUED, PROCESSING, READY, FAILED)}


def claim_next(store: Store, worker: str) -> dict[str, Any] | None:
    """Take the oldest queued media for preparation, or None when nothing waits."""
    while True:
        with store.engine.begin() as conn:
            media_id = conn.scalar(
                sa.select(media.c.id)
                .where(media.c.status == QUEUED)
                .order_by(media.c.created_at, media.c.id)
                .limit(1)
                # PostgreSQL: workers on several machines each skip the rows another is
                # claiming. SQLite has no row locks; the conditional update below decides.
                .with_for_update(skip_locked=True)
            )
            if media_id is None:
                return None
            claimed = conn.execute(
                media.update()
                .where(media.c.id == media_id, media.c.status == QUEUED)
                .values(
                    status=PROCESSING,
                    claimed_by=worker,
                    progress=0.0,
                    attempts=media.c.attempts + 1,
                    updated_at=now(),
                )
            ).rowcount
        if claimed:
            return media_row(store, media_id)


def report_progress(store: Store, media_id: str, fraction: float) -> None:
    """Record how far preparation got (also a sign that its worker is alive)."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id, media.c.status == PROCESSING)
            .values(progress=round(min(1.0, max(0.0, fraction)), 4), updated_at=now())
        )


def approve_media(store: Store, media_id: str, reviewer: str) -> dict[str, Any]:
    """Let screens play media held for review: once prepared, and not by its uploader."""
    row = media_row(store, media_id)
    if row["created_by"] == reviewer:
        raise Forbidden("nobody approves their own upload; ask another reviewer", code="own_change")
    if row["status"] != READY:
        raise Conflict(
            "approve it once it is prepared, after watching the prepared file",
            code="not_ready",
        )
    if not row["approved"]:
        with store.engine.begin() as conn:
            conn.execute(
                media.update().where(media.c.id == media_id).values(approved=True, updated_at=now())
            )
        store.bump(MEDIA_CHANGED)
    return media_row(store, media_id)


def report_alive(store: Store, media_id: str) -> None:
    """The claim's heartbeat: its worker is still at it, though the progress did not move."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id, media.c.status == PROCESSING)
            .values(updated_at=now())
        )


PREPARED_COUNT = "metrics:media_prepared"
PREPARED_SECONDS = "metrics:media_preparation_seconds"


def count_preparation(store: Store, seconds: float) -> None:
    """Add one finished preparation and its seconds to the totals /metrics shows."""
    store.bump(PREPARED_COUNT)
    store.add(PREPARED_SECONDS, seconds)


def preparation_totals(store: Store) -> tuple[int, float]:
    """How many preparations finished, and the seconds they took together."""
    count = store.get_meta(PREPARED_COUNT)
    seconds = store.get_meta(PREPARED_SECONDS)
    return int(count or 0), float(seconds or 0.0)


def mark_ready(store: Store, media_id: str, prepared: PreparedMedia) -> None:
    """The media plays from now on: its prepared file, size and length are known."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(
                status=READY,
                progress=1.0,
                kind=prepared.kind,
                file=prepared.path.name,
                thumbnail=prepared.thumbnail.name,
                size=prepared.size,
                duration=prepared.duration or None,
                width=prepared.width,
                height=prepared.height,
                error=None,
                error_code=None,
                upload=None,
                claimed_by=None,
                updated_at=now(),
            )
        )
    store.bump(MEDIA_CHANGED)


def mark_failed(store: Store, media_id: str, error: SignageError) -> None:
    """The media cannot play; ``error`` says why in plain words."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(
                status=FAILED,
                error=error.message,
                error_code=error.code,
                upload=None,
                claimed_by=None,
                updated_at=now(),
            )
        )


def requeue_interrupted(store: Store, still_working: Callable[[dict[str, Any]], bool]) -> list[str]:
    """Queue again the media whose worker died mid-way; give up after MAX_ATTEMPTS."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(media).where(media.c.status == PROCESSING)).mappings()
        orphans = [dict(row) for row in rows if not still_working(dict(row))]
    requeued = []
    for row in orphans:
        if row["attempts"] >= MAX_ATTEMPTS:
            mark_failed(
                store,
                row["id"],
                SignageError(
                    f"preparation was interrupted {row['attempts']} times (the server stopped or "
                    "ran out of memory); upload the file again or try a smaller one",
                    code="interrupted",
                ),
            )
            continue
        with store.engine.begin() as conn:
            conn.execute(
                media.update()
                .where(media.c.id == row["id"], media.c.claimed_by == row["claimed_by"])
                .values(status=QUEUED, claimed_by=None, progress=0.0, updated_at=now())
            )
        requeued.append(row["id"])
    return requeued


def remove_media(store: Store, media_id: str, used_by: list[str]) -> dict[str, Any]:
    """Delete media no playlist uses and not being prepared; the deleted row."""
    row = media_row(store, media_id)
    if used_by:
        raise Conflict(
            f"{media_id!r} is used by the playlist(s) {', '.join(used_by)}; "
            "remove it from them first",
            code="media_in_use",
            details={"playlists": used_by},
        )
    with store.engine.begin() as conn:
        # Conditional, so a worker claiming it this instant wins and the delete is refused.
        deleted = conn.execute(
            media.delete().where(media.c.id == media_id, media.c.status != PROCESSING)
        ).rowcount
    if not deleted:
        raise Conflict(
            f"{media_id!r} is being prepared; delete it once it is ready or failed",
            code="media_busy",
        )
    store.bump(MEDIA_CHANGED)
    return row


def set_captions(store: Store, media_id: str, name: str | None) -> None:
    """The clip's captions from now on (a content-named .vtt), or none."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update().where(media.c.id == media_id).values(captions=name, updated_at=now())
        )
    store.bump(MEDIA_CHANGED)


def file_in_use(store: Store, name: str) -> bool:
    """Whether any media row still points at a prepared file, thumbnail or captions of this
    name."""
    query = sa.select(media.c.id).where(
        sa.or_(media.c.file == name, media.c.thumbnail == name, media.c.captions == name)
    )
    with store.engine.connect() as conn:
        return conn.scalar(query.limit(1)) is not None


def ready_media(store: Store) -> dict[str, dict[str, Any]]:
    """Media that screens can play, by id."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(media).where(media.c.status == "ready")).mappings()
        return {row["id"]: dict(row) for row in rows}
