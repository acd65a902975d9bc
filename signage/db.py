"""The runtime database: every table on one MetaData, the engine, and the meta values.

SQLite by default; any SQLAlchemy URL works. The schema is made and changed by the
migrations in `signage.migrations` (a new table or column here needs one). Each noun keeps
its queries beside it (accounts, screens, media, config.history); this module holds only
what they all share: the tables, aware UTC times, and the change counters in `meta`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()


class UtcDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> Any:
        return None if value is None else value.replace(tzinfo=dt.UTC)


meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(256)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    # Changes on every password change and disable: sessions carrying an older stamp end.
    sa.Column("stamp", sa.String(32)),
    sa.Column("unit", sa.String(64)),  # the tribunal (units: in site.yaml); NULL: county-wide
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scope", sa.String(16), nullable=False),  # account | address
    sa.Column("subject", sa.String(200), nullable=False),  # a lowercased name, an address
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_login_failures_subject", "scope", "subject", "at"),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
    sa.Column("last_used_at", UtcDateTime),
)

screen_keys = sa.Table(
    "screen_keys",
    metadata,
    sa.Column("screen_id", sa.String(64), primary_key=True),
    sa.Column("generation", sa.Integer, nullable=False, default=1),
    sa.Column("key_hash", sa.String(64)),  # NULL: revoked
    sa.Column("created_at", UtcDateTime, nullable=False),
)

screen_status = sa.Table(
    "screen_status",
    metadata,
    sa.Column("screen_id", sa.String(64), primary_key=True),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.Column("now_playing", sa.JSON),
    sa.Column("player_version", sa.String(64)),
    sa.Column("last_error", sa.Text),
    sa.Column("cache", sa.JSON),
    sa.Column("address", sa.String(64)),
    # The screen's engine ({chromium, lacks}) and the clips it cannot play (its heartbeat's).
    sa.Column("engine", sa.JSON),
    sa.Column("unplayable", sa.JSON),
)

# What staff asked a screen to do at its next heartbeat; a column is cleared when told.
screen_requests = sa.Table(
    "screen_requests",
    metadata,
    sa.Column("screen_id", sa.String(64), primary_key=True),
    sa.Column("snapshot_at", UtcDateTime),
    sa.Column("reload_at", UtcDateTime),
)

# Pictures of what screens showed (small JPEGs), kept a week; in the database, so every
# node sees them, backups hold them, and no file name is ever made from a request.
screen_snapshots = sa.Table(
    "screen_snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("screen_id", sa.String(64), nullable=False),
    sa.Column("taken_at", UtcDateTime, nullable=False),
    sa.Column("jpeg", sa.LargeBinary, nullable=False),
    sa.Index("ix_screen_snapshots_screen", "screen_id", "taken_at"),
)

# When screens were on: one row per stretch of heartbeats without a silence longer than the
# offline threshold, its end moved on by each beat. A few rows per screen and day (not one
# per beat), so years of a province's screens stay small; housekeeping prunes old ones.
screen_uptime = sa.Table(
    "screen_uptime",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("screen_id", sa.String(64), nullable=False),
    sa.Column("since", UtcDateTime, nullable=False),
    sa.Column("until", UtcDateTime, nullable=False),
    sa.Index("ix_screen_uptime_screen", "screen_id", "until"),
    sa.Index("ix_screen_uptime_until", "until"),
)

plays = sa.Table(
    "plays",
    metadata,
    sa.Column("screen_id", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("item_key", sa.String(160), nullable=False),
    sa.Column("item_type", sa.String(16), nullable=False),
    sa.Column("media_id", sa.String(64)),
    # What the item was when it played, so later edits never rewrite a report.
    # NULL in rows stored before these columns existed.
    sa.Column("playlist_id", sa.String(64)),
    sa.Column("playlist_name", sa.String(200)),
    sa.Column("title", sa.String(200)),
    sa.Column("started_at", UtcDateTime, nullable=False, index=True),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    # The topics the item had when it played, so the ledger survives later edits.
    sa.Column("topics", sa.JSON),
    # The layout's zone it played in; NULL: the main zone (and every row from before zones).
    sa.Column("zone", sa.String(32)),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("screens", sa.JSON),  # list of screen ids/groups; NULL: every screen
    sa.Column("until", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime),
)

media = sa.Table(
    "media",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # video | image
    sa.Column("title", sa.String(200), nullable=False, default=""),
    sa.Column("original_name", sa.String(255)),
    sa.Column("status", sa.String(16), nullable=False),  # queued|processing|ready|failed
    sa.Column("progress", sa.Float, nullable=False, default=0.0),
    sa.Column("error", sa.Text),
    sa.Column("error_code", sa.String(32)),
    # The error as its phrase (JSON: template and parameters), for the staff pages to say in
    # their language; NULL for rows that failed before it was kept (they show `error`).
    sa.Column("error_phrase", sa.Text),
    sa.Column("duration", sa.Float),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("file", sa.String(128)),  # content-hashed name of the prepared file
    sa.Column("thumbnail", sa.String(128)),
    sa.Column("captions", sa.String(128)),  # content-hashed .vtt beside the prepared file
    sa.Column("size", sa.BigInteger),
    sa.Column("upload", sa.String(128)),  # the original under its ASCII name, until prepared
    sa.Column("claimed_by", sa.String(128)),  # host:pid:instance of the process preparing it
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # False: uploaded while review is on, and no reviewer has approved it yet
    sa.Column("approved", sa.Boolean, nullable=False, default=True, server_default=sa.true()),
    # With review on: captions uploaded (a content-named .vtt) and by whom, until a reviewer
    # approves them into `captions`; screens show `captions` meanwhile.
    sa.Column("captions_pending", sa.String(128)),
    sa.Column("captions_pending_by", sa.String(64)),
    # The trusted publisher whose package brought it; NULL: uploaded or made here.
    sa.Column("publisher", sa.String(200)),
    # Offered to other courts at /api/v1/published (the feed).
    sa.Column("published", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    # Subscribed, and no longer in its publisher's feed: kept, and marked for staff to decide.
    sa.Column("withdrawn_at", UtcDateTime),
    sa.Column("topics", sa.JSON),  # 普法 topic ids from site.yaml `topics:`; NULL: none
    sa.Column("unit", sa.String(64)),  # the uploader's unit; NULL: the county's
)

# What content packages brought in: a package imported again finds its items here and
# changes nothing; the same item from two publishers, or changed since, is new content.
package_items = sa.Table(
    "package_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("publisher_key", sa.String(64), nullable=False),  # base64 Ed25519 public key
    sa.Column("kind", sa.String(16), nullable=False),  # media | playlist
    sa.Column("origin_id", sa.String(64), nullable=False),  # its id on the publisher's side
    sa.Column("sha256", sa.String(64), nullable=False),  # of the file as packaged
    sa.Column("local_id", sa.String(64), nullable=False),
    sa.Column("imported_by", sa.String(64)),
    sa.Column("imported_at", UtcDateTime, nullable=False),
    sa.Column("feed", sa.String(500)),  # the subscribed index it came from; NULL: a package
    sa.UniqueConstraint("publisher_key", "kind", "origin_id", "sha256"),
)


hearings = sa.Table(
    "hearings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, nullable=False, index=True),  # the site's local date
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime),  # only when the export says; else derived on output
    sa.Column("case_number", sa.String(100), nullable=False),
    sa.Column("cause", sa.String(200), nullable=False, default=""),
    # [{"role": "原告", "name": "张三"}, …] as exported: names leave the server only masked
    # where the hearing is not public or its cause is sensitive (signage.hearings.privacy).
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("judge", sa.String(100), nullable=False, default=""),
    sa.Column("courtroom", sa.String(100), nullable=False, default=""),
    sa.Column("public", sa.Boolean, nullable=False, default=True),
    sa.Column("imported_by", sa.String(64)),
    sa.Column("imported_at", UtcDateTime, nullable=False),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file", sa.String(80), nullable=False, index=True),
    sa.Column("text", sa.Text),  # NULL: the file was deleted
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("author", sa.String(64), nullable=False),  # a user name, or "disk"
    sa.Column("action", sa.String(16), nullable=False),  # save|create|delete|restore|disk|approve
    sa.Column("restored_from", sa.Integer),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# A change to a YAML file waiting for (or decided by) a reviewer, while review is on.
reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file", sa.String(80), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # save|create|restore
    sa.Column("restored_from", sa.Integer),
    sa.Column("base_etag", sa.String(64)),  # the file when the draft was made; NULL: absent
    sa.Column("base_revision", sa.Integer),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),  # pending|approved|rejected
    sa.Column("comment", sa.Text),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", UtcDateTime),
    sa.Column("revision", sa.Integer),  # what approving wrote
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("user", sa.String(64)),  # NULL: the command line or the system
    sa.Column("action", sa.String(32), nullable=False, index=True),
    sa.Column("target", sa.String(200)),
    sa.Column("details", sa.JSON),
)

# Who does the housekeeping of this database (one process at a time), and until when.
leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(128), nullable=False),  # host:pid
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("renewed_at", UtcDateTime, nullable=False),
)


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """SHA-256 of a random secret (a token, a screen key): kept instead of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def default_database_url(media_dir: Path) -> str:
    """A SQLite file inside the media folder."""
    return f"sqlite:///{(media_dir / 'signage.db').resolve()}"


def create_store_engine(url: str) -> Engine:
    """An engine (SQLite in WAL mode with a busy timeout); `migrations` sees to the schema."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


class Store:
    """The database of one installation: its engine, its secret and its change counters."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- meta: secrets and change counters ---------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table."""
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(meta.c.value).where(meta.c.key == key))

    def set_meta(self, key: str, value: str) -> None:
        """Create or replace a value of the meta table."""
        with self.engine.begin() as conn:
            if not conn.execute(
                meta.update().where(meta.c.key == key).values(value=value)
            ).rowcount:
                conn.execute(meta.insert().values(key=key, value=value))

    def secret_key(self) -> str:
        """The site's secret, generated once and kept (first writer wins)."""
        return self.kept_secret("secret_key", lambda: secrets.token_urlsafe(48))

    def kept_secret(self, key: str, make: Callable[[], str]) -> str:
        """A secret of the meta table, made on first use; when two processes race, the first
        writer's value is the one every process keeps."""
        found = self.get_meta(key)
        if found:
            return found
        with self.engine.begin() as conn:
            try:
                conn.execute(meta.insert().values(key=key, value=make()))
            except sa.exc.IntegrityError:
                pass
        return self.get_meta(key) or ""

    def bump(self, counter: str) -> None:
        """Advance a change counter so every process notices (media, alerts, keys)."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                meta.update()
                .where(meta.c.key == counter)
                .values(value=sa.cast(sa.cast(meta.c.value, sa.Integer) + 1, sa.Text))
            ).rowcount
            if not updated:
                conn.execute(meta.insert().values(key=counter, value="1"))

    def add(self, total: str, amount: float) -> None:
        """Add to a running total in one statement, so concurrent workers lose nothing."""
        increment = (
            meta.update()
            .where(meta.c.key == total)
            .values(value=sa.cast(sa.cast(meta.c.value, sa.Float) + amount, sa.Text))
        )
        with self.engine.begin() as conn:
            if conn.execute(increment).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(meta.insert().values(key=total, value=repr(float(amount))))
            except sa.exc.IntegrityError:  # made by another worker meanwhile
                conn.execute(increment)

    def serialise(self, conn: sa.Connection, name: str) -> None:
        """Inside a transaction: wait until no other process holds the same name's turn.

        Updating one meta row takes SQLite's write lock, or that row's lock on PostgreSQL,
        until the transaction ends; reads after it see what the previous holder wrote.
        """
        key = f"turn:{name}"
        if not conn.execute(meta.update().where(meta.c.key == key).values(value="1")).rowcount:
            try:
                with conn.begin_nested():
                    conn.execute(meta.insert().values(key=key, value="1"))
            except sa.exc.IntegrityError:  # another process made it first: wait on it
                conn.execute(meta.update().where(meta.c.key == key).values(value="1"))

    def counters(self) -> dict[str, str]:
        """Every change counter, read in one query."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(meta.c.key, meta.c.value).where(meta.c.key.like("version:%"))
            )
            return {key: value for key, value in rows}
