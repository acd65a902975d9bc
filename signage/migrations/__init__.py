"""Schema migrations (Alembic): the revisions in versions/, and when each process runs them.

SQLite (the embedded default, one server) migrates itself on start. PostgreSQL is shared by
several servers, so an out-of-date schema stops the start with the command to run once:
`signage db upgrade`. Databases made before migrations existed (release 0.1.0, tables but
no alembic_version) are stamped at the initial revision, which is exactly their schema.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from signage.errors import SignageError
from signage.phrases import N_

log = logging.getLogger("signage.db")
# Alembic says which backend it found at INFO on every check: noise in a clean start.
logging.getLogger("alembic").setLevel(logging.WARNING)

FOLDER = Path(__file__).resolve().parent
INITIAL = "0001"
UPGRADE_COMMAND = "signage db upgrade"
# Any fixed number: PostgreSQL's advisory lock that keeps two upgrades from overlapping.
PG_UPGRADE_LOCK = 0x5167_0010


def _config(connection: sa.Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this release knows."""
    return ScriptDirectory.from_config(_config(None)).get_current_head() or INITIAL


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty one (or one from 0.1.0)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _made_before_migrations(conn: sa.Connection) -> bool:
    names = set(sa.inspect(conn).get_table_names())
    return "meta" in names and "alembic_version" not in names


@contextlib.contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    """Several gunicorn processes may start at once on one SQLite file: one migrates."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    # A separate file: a lock on the database file itself would be released by SQLite.
    with open(f"{database}-migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to the newest revision; the revisions before and after."""
    with _sqlite_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": PG_UPGRADE_LOCK})
        config = _config(conn)
        before = MigrationContext.configure(conn).get_current_revision()
        if before is None and _made_before_migrations(conn):
            command.stamp(config, INITIAL)
            before = INITIAL
        command.upgrade(config, "head")
    after = head_revision()
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)
    return before, after


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is this release's: migrate SQLite, refuse an old PostgreSQL."""
    head = head_revision()
    if current_revision(engine) == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    found = current_revision(engine) or "empty"
    raise SignageError(
        N_(
            "the database schema is at revision {found}, this release needs {head}: "
            "run `{command}` once, then start it again"
        ),
        code="schema_out_of_date",
        status=503,
        found=found,
        head=head,
        command=UPGRADE_COMMAND,
    )


def write_revision(message: str) -> Path:
    """For developers: a new revision file with what db.py has that the migrations lack."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = sa.create_engine(f"sqlite:///{scratch}/head.db")
        upgrade(engine)
        number = len(list(ScriptDirectory.from_config(_config(None)).walk_revisions())) + 1
        with engine.begin() as conn:
            script = command.revision(
                _config(conn), message, autogenerate=True, rev_id=f"{number:04d}"
            )
        engine.dispose()
    scripts = script if isinstance(script, list) else [script]
    return Path(scripts[0].path)
