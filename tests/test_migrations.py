"""Migrations: they make exactly db.py's schema, and carry a 0.1.0 database over intact."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from signage.db import create_store_engine, metadata
from signage.migrations import current_revision, ensure_schema, head_revision, upgrade
from signage.parts import build_parts
from tests.commands import run_signage

RELEASE_0_1_0 = Path(__file__).parent / "fixtures" / "release-0.1.0.sql"


def schema_differences(engine: sa.Engine) -> list[object]:
    """What db.py's tables have that the database lacks, or the other way round."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def rows_of_every_table(
    engine: sa.Engine, columns: dict[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Every row as text, table by table, of the columns the database has (or those named:
    a later schema adds columns, and the rows that were there must keep their values)."""
    found = sa.MetaData()
    found.reflect(engine)
    with engine.connect() as conn:
        return {
            table.name: sorted(
                repr(tuple(row))
                for row in conn.execute(
                    sa.select(*(table.c[name] for name in (columns or {}).get(table.name, [])))
                    if columns
                    else sa.select(table)
                )
            )
            for table in found.sorted_tables
            if table.name in metadata.tables and (not columns or table.name in columns)
        }


def columns_of_every_table(engine: sa.Engine) -> dict[str, list[str]]:
    """The columns each table of the database has, in their order."""
    inspector = sa.inspect(engine)
    return {
        name: [column["name"] for column in inspector.get_columns(name)]
        for name in inspector.get_table_names()
    }


def test_migrations_make_exactly_the_tables_db_py_defines(tmp_path: Path) -> None:
    # A table or column added to db.py without a migration fails here: write one with
    # `signage db revision -m "what it is for"` (see ARCHITECTURE.md).
    engine = create_store_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert upgrade(engine) == (None, head_revision())
    assert schema_differences(engine) == []
    assert current_revision(engine) == head_revision()


def test_a_release_0_1_0_database_goes_through_every_migration_with_nothing_lost(
    tmp_path: Path, playlists_dir: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    with sqlite3.connect(media / "signage.db") as old:
        old.executescript(RELEASE_0_1_0.read_text(encoding="utf-8"))
    before_engine = create_store_engine(f"sqlite:///{media / 'signage.db'}")
    before = rows_of_every_table(before_engine)
    released = columns_of_every_table(before_engine)
    assert all(before.values()), "the fixture has a row in every table"
    assert current_revision(before_engine) is None
    before_engine.dispose()

    parts = build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media})  # serve's start
    assert current_revision(parts.store.engine) == head_revision()
    assert schema_differences(parts.store.engine) == []
    after = rows_of_every_table(parts.store.engine, released)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), f"{table} lost rows"
    # The same secret: every screen key and session made before the upgrade still works.
    assert f"'secret_key', '{parts.screens.secret_key}'" in before["meta"][0]


def test_signage_db_current_and_upgrade(tmp_path: Path) -> None:
    env = {"SIGNAGE_MEDIA_DIR": str(tmp_path / "media"), "PATH": "/usr/bin:/bin"}

    def signage(*args: str) -> subprocess.CompletedProcess[str]:
        return run_signage(env, *args)

    behind = signage("db", "current")
    assert (behind.returncode, behind.stdout.strip()) == (1, "empty")
    assert "signage db upgrade" in behind.stderr
    assert (
        signage("db", "upgrade").stderr.strip()
        == f"database migrated from empty to {head_revision()}"
    )
    current = signage("db", "current")
    assert (current.returncode, current.stdout.strip()) == (0, head_revision())
    again = signage("db", "upgrade")
    assert "already at revision" in again.stderr


def test_an_up_to_date_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ensure_schema(engine)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
