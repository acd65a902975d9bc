"""The runtime database: tables and the queries on them (SQLAlchemy Core).

SQLite by default; any SQLAlchemy URL works. The schema is created on start.
"""

from __future__ import annotations

import datetime as dt
import secrets
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
)

plays = sa.Table(
    "plays",
    metadata,
    sa.Column("screen_id", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("item_key", sa.String(160), nullable=False),
    sa.Column("item_type", sa.String(16), nullable=False),
    sa.Column("media_id", sa.String(64)),
    sa.Column("started_at", UtcDateTime, nullable=False, index=True),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
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
    sa.Column("duration", sa.Float),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("file", sa.String(128)),  # content-hashed name of the prepared file
    sa.Column("thumbnail", sa.String(128)),
    sa.Column("size", sa.BigInteger),
    sa.Column("upload", sa.String(128)),  # the original under its ASCII name, until prepared
    sa.Column("claimed_by", sa.String(128)),  # host:pid of the process preparing it
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def default_database_url(media_dir: Path) -> str:
    """A SQLite file inside the media folder."""
    return f"sqlite:///{(media_dir / 'signage.db').resolve()}"


def create_store_engine(url: str) -> Engine:
    """An engine with the schema created; SQLite in WAL mode with a busy timeout."""
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

    metadata.create_all(engine)
    return engine


class Store:
    """Queries the core needs; other parts add their own beside their noun."""

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
        found = self.get_meta("secret_key")
        if found:
            return found
        with self.engine.begin() as conn:
            try:
                conn.execute(
                    meta.insert().values(key="secret_key", value=secrets.token_urlsafe(48))
                )
            except sa.exc.IntegrityError:
                pass
        return self.get_meta("secret_key") or ""

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

    def counters(self) -> dict[str, str]:
        """Every change counter, read in one query."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(meta.c.key, meta.c.value).where(meta.c.key.like("version:%"))
            )
            return {key: value for key, value in rows}

    # -- users and tokens --------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str | None) -> int:
        """Insert a user; raises IntegrityError when the name is taken."""
        with self.engine.begin() as conn:
            return conn.execute(
                users.insert().values(
                    name=name,
                    role=role,
                    password_hash=password_hash,
                    created_at=now(),
                    disabled=False,
                )
            ).inserted_primary_key[0]

    def user_by_name(self, name: str) -> dict[str, Any] | None:
        """The user row, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
            return dict(row) if row else None

    def add_token(self, user_id: int, token_hash: str, expires_at: dt.datetime | None) -> None:
        """Keep a token's hash."""
        with self.engine.begin() as conn:
            conn.execute(
                tokens.insert().values(
                    user_id=user_id,
                    token_hash=token_hash,
                    created_at=now(),
                    expires_at=expires_at,
                )
            )

    def user_by_token(self, token_hash: str) -> dict[str, Any] | None:
        """The user a live (not revoked, not expired) token belongs to."""
        moment = now()
        query = (
            sa.select(users, tokens.c.id.label("token_id"))
            .join(tokens, tokens.c.user_id == users.c.id)
            .where(
                tokens.c.token_hash == token_hash,
                tokens.c.revoked_at.is_(None),
                users.c.disabled.is_(False),
            )
            .where(sa.or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > moment))
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).mappings().first()
            if row is None:
                return None
            conn.execute(
                tokens.update().where(tokens.c.id == row["token_id"]).values(last_used_at=moment)
            )
            return dict(row)

    def revoke_token(self, token_hash: str) -> bool:
        """Stop a token from working; False when it is unknown or already revoked."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    tokens.update()
                    .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None))
                    .values(revoked_at=now())
                ).rowcount
            )

    # -- screens -----------------------------------------------------------------------

    def screen_key_row(self, screen_id: str) -> dict[str, Any] | None:
        """The key record of a screen (generation, hash), or None before first use."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(screen_keys).where(screen_keys.c.screen_id == screen_id))
                .mappings()
                .first()
            )
            return dict(row) if row else None

    def all_screen_keys(self) -> dict[str, dict[str, Any]]:
        """Every screen's key record by screen id."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(screen_keys)).mappings()
            return {row["screen_id"]: dict(row) for row in rows}

    def set_screen_key(self, screen_id: str, generation: int, key_hash: str | None) -> None:
        """Create or replace a screen's key record."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                screen_keys.update()
                .where(screen_keys.c.screen_id == screen_id)
                .values(generation=generation, key_hash=key_hash, created_at=now())
            ).rowcount
            if not updated:
                conn.execute(
                    screen_keys.insert().values(
                        screen_id=screen_id,
                        generation=generation,
                        key_hash=key_hash,
                        created_at=now(),
                    )
                )
        self.bump("version:keys")

    def record_heartbeat(self, screen_id: str, values: dict[str, Any]) -> None:
        """Remember that a screen was seen, and what it reported."""
        values = {**values, "last_seen": now()}
        with self.engine.begin() as conn:
            updated = conn.execute(
                screen_status.update()
                .where(screen_status.c.screen_id == screen_id)
                .values(**values)
            ).rowcount
            if not updated:
                conn.execute(screen_status.insert().values(screen_id=screen_id, **values))

    def screen_statuses(self) -> dict[str, dict[str, Any]]:
        """The last heartbeat of every screen that ever sent one."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(screen_status)).mappings()
            return {row["screen_id"]: dict(row) for row in rows}

    def add_plays(self, screen_id: str, records: list[dict[str, Any]]) -> int:
        """Store proof-of-play records; ones already stored (same client id) count once."""
        if not records:
            return 0
        received = now()
        rows = [{**r, "screen_id": screen_id, "received_at": received} for r in records]
        with self.engine.begin() as conn:
            known = set(
                conn.scalars(
                    sa.select(plays.c.client_id).where(
                        plays.c.screen_id == screen_id,
                        plays.c.client_id.in_([r["client_id"] for r in rows]),
                    )
                )
            )
            fresh = {r["client_id"]: r for r in rows if r["client_id"] not in known}
            if fresh:
                conn.execute(plays.insert(), list(fresh.values()))
            return len(fresh)

    # -- alerts --------------------------------------------------------------------------

    def active_alerts(self, moment: dt.datetime) -> list[dict[str, Any]]:
        """Alerts not ended and not past their `until`, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(alerts)
                .where(alerts.c.ended_at.is_(None), alerts.c.until > moment)
                .order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
            ).mappings()
            return [dict(row) for row in rows]

    def add_alert(
        self, text: str, screens: list[str] | None, until: dt.datetime, created_by: str | None
    ) -> int:
        """Store an urgent message; screens see it at their next poll."""
        with self.engine.begin() as conn:
            alert_id = conn.execute(
                alerts.insert().values(
                    text=text,
                    screens=screens,
                    until=until,
                    created_by=created_by,
                    created_at=now(),
                )
            ).inserted_primary_key[0]
        self.bump("version:alerts")
        return alert_id

    def alert(self, alert_id: int) -> dict[str, Any] | None:
        """One alert, ended or not, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).mappings().first()
            return dict(row) if row else None

    def end_alert(self, alert_id: int, moment: dt.datetime) -> bool:
        """End an alert now; False when it had already ended. Screens drop it at next poll."""
        with self.engine.begin() as conn:
            ended = conn.execute(
                alerts.update()
                .where(alerts.c.id == alert_id, alerts.c.ended_at.is_(None))
                .values(ended_at=moment)
            ).rowcount
        if ended:
            self.bump("version:alerts")
        return bool(ended)

    # -- media -------------------------------------------------------------------------

    def ready_media(self) -> dict[str, dict[str, Any]]:
        """Media that screens can play, by id."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(media).where(media.c.status == "ready")).mappings()
            return {row["id"]: dict(row) for row in rows}
