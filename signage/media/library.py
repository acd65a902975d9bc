"""The media library in the database: ids, preparation jobs and their states.

A row is its own job: ``queued`` when the upload is stored, ``processing`` (with ``progress``)
once a worker claims it, then ``ready`` with its prepared file or ``failed`` with a plain
``error``. Claims are compare-and-set updates, so two workers never take the same row.
"""

from __future__ import annotations

import json
import os
import re
import socket
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from signage.config.model import SLUG, SLUG_HELP, plain_line
from signage.db import Store, media, now
from signage.errors import Conflict, Forbidden, Invalid, NotFound, SignageError
from signage.phrases import N_, Phrase, PhraseError

if TYPE_CHECKING:  # the web edge reads rows without loading the ffmpeg code that prepares them
    from signage.media.prepare import PreparedMedia

QUEUED, PROCESSING, READY, FAILED = "queued", "processing", "ready", "failed"
# A file that crashes the process (or is stopped by restarts) this often is given up on.
MAX_ATTEMPTS = 3
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}
MEDIA_CHANGED = "version:media"  # the counter screens' manifests are rebuilt on
INSTANCE = uuid.uuid4().hex[:12]  # this start of this process

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
    # Imported here: its dictionary takes a quarter of a second to load, for uploads only.
    from pypinyin import lazy_pinyin

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
        raise Invalid(
            N_("{media_id!r} cannot be a media id; {help}"),
            code="bad_media_id",
            media_id=wanted[:64],
            help=Phrase(SLUG_HELP),
        )
    if _exists(conn, wanted):
        raise Conflict(
            N_(
                "there is already media with the id {media_id!r}; choose another id, "
                "or delete that media first"
            ),
            code="media_exists",
            media_id=wanted,
        )


def check_media_id(store: Store, wanted: str | None) -> None:
    """422 for a malformed id, 409 for a taken one; nothing when no id is asked for."""
    if wanted:
        with store.engine.connect() as conn:
            _check_wanted(conn, wanted)


def free_id(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not taken (ids stay within 64)."""
    stem = base[:56].rstrip("-_") or "media"
    candidates = [base] + [f"{stem}-{number}" for number in range(2, 1000)]
    found = next((candidate for candidate in candidates if not taken(candidate)), None)
    if found is None:
        raise Conflict(
            N_("no free id is left near {base!r}; delete some first"),
            code="media_exists",
            base=base,
        )
    return found


def new_media_id(store: Store, wanted: str | None, original_name: str | None) -> str:
    """The id for new media: the one asked for (422 if malformed, 409 if taken) or a free one."""
    with store.engine.connect() as conn:
        if wanted:
            _check_wanted(conn, wanted)
            return wanted
        base = slug_from_name(original_name or "") or "media"
        return free_id(base, lambda candidate: _exists(conn, candidate))


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
    publisher: str | None = None,
    topics: list[str] | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    """Add media waiting for preparation (already claimed when ``claimed_by`` is given);
    not ``approved``, screens skip it until a reviewer approves it; ``publisher`` names
    the trusted publisher whose package brought it."""
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
        "publisher": publisher,
        "topics": topics or None,
        "unit": unit,
    }
    try:
        with store.engine.begin() as conn:
            conn.execute(media.insert().values(**values))
    except sa.exc.IntegrityError:
        raise Conflict(
            N_("there is already media with the id {media_id!r}; choose another id"),
            code="media_exists",
            media_id=media_id,
        ) from None
    return values


def media_row(store: Store, media_id: str) -> dict[str, Any]:
    """One media row; 404 when there is none."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(media).where(media.c.id == media_id)).mappings().first()
    if row is None:
        raise NotFound(
            N_("there is no media with the id {media_id!r}; reload the page"), media_id=media_id
        )
    return dict(row)


def all_media(store: Store) -> list[dict[str, Any]]:
    """Every media row, newest first."""
    query = sa.select(media).order_by(media.c.created_at.desc(), media.c.id)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def check_title(title: str) -> str:
    """The title as it is kept (trimmed); 422 `bad_title` when empty, too long, or holding
    control characters."""
    title = title.strip()
    if not title:
        raise Invalid(N_("write a title"), code="bad_title")
    try:
        plain_line(title)
    except PhraseError:
        raise Invalid(
            N_("the title holds control characters; type it again"), code="bad_title"
        ) from None
    if len(title) > TITLE_LIMIT:
        raise Invalid(
            N_("keep the title to {count} characters"), code="bad_title", count=TITLE_LIMIT
        )
    return title


def set_title(store: Store, media_id: str, title: str) -> None:
    """Give media a new title (what staff read everywhere; the id stays as it was)."""
    title = check_title(title)
    with store.engine.begin() as conn:
        changed = conn.execute(
            media.update().where(media.c.id == media_id).values(title=title, updated_at=now())
        ).rowcount
    if not changed:
        raise NotFound(
            N_("there is no media with the id {media_id!r}; reload the page"), media_id=media_id
        )


def checked_topics(topics: Iterable[str], declared: dict[str, str]) -> list[str]:
    """The topics in order, each once; 422 listing the declared ones when one is not."""
    chosen = list(dict.fromkeys(topic.strip() for topic in topics if topic.strip()))
    unknown = [topic for topic in chosen if topic not in declared]
    if unknown:
        known = [f"{key} ({name})" for key, name in declared.items()]
        raise Invalid(
            N_(
                "{topics} is not a topic declared under topics: in site.yaml; declared: "
                "{declared}; choose one of those"
            ),
            code="unknown_topic",
            details=[{"topic": topic} for topic in unknown],
            topics=[repr(topic) for topic in unknown],
            declared=known or Phrase(N_("none yet")),
        )
    return chosen


def set_topics(store: Store, media_id: str, topics: list[str]) -> None:
    """Give media its 普法 topics (already checked against site.yaml)."""
    with store.engine.begin() as conn:
        changed = conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(topics=topics or None, updated_at=now())
        ).rowcount
    if not changed:
        raise NotFound(
            N_("there is no media with the id {media_id!r}; reload the page"), media_id=media_id
        )
    store.bump(MEDIA_CHANGED)


def media_topics(store: Store) -> dict[str, list[str]]:
    """Media id -> its topics, for media that has any."""
    query = sa.select(media.c.id, media.c.topics).where(media.c.topics.is_not(None))
    with store.engine.connect() as conn:
        return {media_id: list(topics) for media_id, topics in conn.execute(query) if topics}


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


def worker_name() -> str:
    """This process, this start, as a media row's ``claimed_by``."""
    return f"{socket.gethostname()}:{os.getpid()}:{INSTANCE}"


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
        raise Forbidden(
            N_("nobody approves their own upload; ask another reviewer"), code="own_change"
        )
    if row["status"] != READY:
        raise Conflict(
            N_("approve it once it is prepared, after watching the prepared file"),
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
                error_phrase=None,
                upload=None,
                claimed_by=None,
                updated_at=now(),
            )
        )
    store.bump(MEDIA_CHANGED)


def mark_failed(store: Store, media_id: str, error: SignageError) -> None:
    """The media cannot play; ``error`` says why in plain words (and as its phrase, for the
    staff pages to say in their language)."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(
                status=FAILED,
                error=error.message,
                error_code=error.code,
                error_phrase=json.dumps(error.phrase.to_dict(), ensure_ascii=False),
                upload=None,
                claimed_by=None,
                updated_at=now(),
            )
        )


def failure_phrase(row: dict[str, Any]) -> dict[str, Any] | None:
    """A failed row's error as its phrase in JSON form ({"template", "params"}); None for a
    row that failed before phrases were kept (or that did not fail)."""
    try:
        phrase = json.loads(row.get("error_phrase") or "null")
    except ValueError:
        return None
    if not isinstance(phrase, dict) or not isinstance(phrase.get("template"), str):
        return None
    return phrase


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
                    N_(
                        "preparation was interrupted {count} times (the server stopped or ran "
                        "out of memory); upload the file again or try a smaller one"
                    ),
                    code="interrupted",
                    count=row["attempts"],
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
            N_("{media_id!r} is used by the playlist(s) {playlists}; remove it from them first"),
            code="media_in_use",
            details={"playlists": used_by},
            media_id=media_id,
            playlists=used_by,
        )
    with store.engine.begin() as conn:
        # Conditional, so a worker claiming it this instant wins and the delete is refused.
        deleted = conn.execute(
            media.delete().where(media.c.id == media_id, media.c.status != PROCESSING)
        ).rowcount
    if not deleted:
        raise Conflict(
            N_("{media_id!r} is being prepared; delete it once it is ready or failed"),
            code="media_busy",
            media_id=media_id,
        )
    store.bump(MEDIA_CHANGED)
    return row


def set_captions(store: Store, media_id: str, name: str | None) -> None:
    """The clip's captions from now on (a content-named .vtt), or none; none held either."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(
                captions=name, captions_pending=None, captions_pending_by=None, updated_at=now()
            )
        )
    store.bump(MEDIA_CHANGED)


def hold_captions(store: Store, media_id: str, name: str, author: str) -> None:
    """Keep uploaded captions aside until a reviewer approves them; screens keep the old."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(captions_pending=name, captions_pending_by=author, updated_at=now())
        )


def approve_captions(store: Store, media_id: str, reviewer: str, version: str | None) -> None:
    """Put held captions on the screens: the `version` the reviewer read (the .vtt's name),
    never their uploader's own."""
    row = media_row(store, media_id)
    if not row["captions_pending"]:
        raise Conflict(
            N_("no captions of {media_id!r} wait for review; reload the page"),
            code="decided",
            media_id=media_id,
        )
    if row["captions_pending_by"] == reviewer:
        raise Forbidden(
            N_("nobody approves their own captions; ask another reviewer"), code="own_change"
        )
    if version != row["captions_pending"]:
        raise Conflict(
            N_(
                "the captions of {media_id!r} were uploaded again after you read them; "
                "nothing was approved. Read the new ones, then approve them"
            ),
            code="review_changed",
            details={"version": row["captions_pending"]},
            media_id=media_id,
        )
    with store.engine.begin() as conn:
        done = conn.execute(
            media.update()
            .where(media.c.id == media_id, media.c.captions_pending == version)
            .values(
                captions=version, captions_pending=None, captions_pending_by=None, updated_at=now()
            )
        ).rowcount
    if not done:
        raise Conflict(
            N_("the captions of {media_id!r} changed meanwhile; reload the page"),
            code="decided",
            media_id=media_id,
        )
    store.bump(MEDIA_CHANGED)


def drop_held_captions(store: Store, media_id: str, version: str | None) -> None:
    """Turn held captions down: the clip keeps the captions it shows (if `version` is still
    the held file; a newer upload waits on)."""
    with store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == media_id, media.c.captions_pending == version)
            .values(captions_pending=None, captions_pending_by=None, updated_at=now())
        )


def file_in_use(store: Store, name: str) -> bool:
    """Whether any media row still points at a prepared file, thumbnail or captions of this
    name."""
    query = sa.select(media.c.id).where(
        sa.or_(
            media.c.file == name,
            media.c.thumbnail == name,
            media.c.captions == name,
            media.c.captions_pending == name,
        )
    )
    with store.engine.connect() as conn:
        return conn.scalar(query.limit(1)) is not None


def ready_media(store: Store) -> dict[str, dict[str, Any]]:
    """Media that screens can play, by id."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(media).where(media.c.status == "ready")).mappings()
        return {row["id"]: dict(row) for row in rows}


def set_published(store: Store, media_id: str, published: bool) -> dict[str, Any]:
    """Offer media to other courts' subscriptions, or stop offering it; the row."""
    with store.engine.begin() as conn:
        changed = conn.execute(
            media.update()
            .where(media.c.id == media_id)
            .values(published=published, updated_at=now())
        ).rowcount
    if not changed:
        raise NotFound(
            N_("there is no media with the id {media_id!r}; reload the page"), media_id=media_id
        )
    return media_row(store, media_id)


def published_media(store: Store) -> list[dict[str, Any]]:
    """Media offered in the feed that screens here could play too (ready, approved)."""
    query = (
        sa.select(media)
        .where(media.c.published, media.c.status == READY, media.c.approved)
        .order_by(media.c.id)
    )
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def mark_withdrawn(store: Store, media_ids: Iterable[str], withdrawn: bool) -> list[str]:
    """Mark subscribed media as withdrawn by their publisher (or back in its feed); the ids
    whose mark changed. Nothing is deleted: staff decide what goes."""
    wanted = sorted(set(media_ids))
    if not wanted:
        return []
    state = media.c.withdrawn_at.is_(None) if withdrawn else media.c.withdrawn_at.is_not(None)
    with store.engine.begin() as conn:
        changing = list(conn.scalars(sa.select(media.c.id).where(media.c.id.in_(wanted), state)))
        if changing:
            conn.execute(
                media.update()
                .where(media.c.id.in_(changing))
                .values(withdrawn_at=now() if withdrawn else None, updated_at=now())
            )
    return changing
