"""The store on a real PostgreSQL: schema, start-up refusal, claims, leases, hand edits."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from signage.config.history import list_revisions
from signage.errors import SignageError
from signage.jobs.leases import take_lease
from signage.jobs.scheduler import HOUSEKEEPING, reload_configuration
from signage.media import library
from signage.parts import Signage, build_parts
from tests.commands import run_signage
from tests.postgres import PostgresServer
from tests.test_migrations import schema_differences


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return postgres.new_database()


@pytest.fixture
def instances(playlists_dir: Path, media_dir: Path, pg_url: str) -> Iterator[list[Signage]]:
    """Four processes' parts on one PostgreSQL database and one shared folder."""
    settings = {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "DATABASE_URL": pg_url}
    made = [build_parts(settings) for _ in range(4)]
    yield made
    for instance in made:
        instance.store.engine.dispose()


def test_migrations_make_exactly_db_py_on_postgresql(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_an_unmigrated_postgresql_refuses_to_start_naming_the_command(
    postgres: PostgresServer, playlists_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    admin = sa.create_engine(postgres.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE "not_migrated"'))
    admin.dispose()
    url = postgres.url("not_migrated")
    with pytest.raises(SignageError, match="run `signage db upgrade` once"):
        build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "DATABASE_URL": url})
    env = {
        "PATH": "/usr/bin:/bin",
        "SIGNAGE_PLAYLISTS_DIR": str(playlists_dir),
        "SIGNAGE_MEDIA_DIR": str(media_dir),
        "SIGNAGE_DATABASE_URL": url,
    }
    worker = run_signage(env, "worker")
    assert worker.returncode == 1
    assert worker.stderr.strip().splitlines()[-1].startswith("error: the database schema is at")
    assert run_signage(env, "db", "upgrade").returncode == 0
    assert run_signage(env, "db", "current").returncode == 0


def test_claims_on_postgresql_never_take_one_clip_twice(instances: list[Signage]) -> None:
    store = instances[0].store
    for n in range(24):
        library.enqueue(
            store, f"clip-{n}", upload=f"u{n}.mp4", original_name=None, title=None, created_by=None
        )

    def claim_all(instance: Signage) -> list[str]:
        taken = []
        while row := library.claim_next(instance.store, f"host:{id(instance)}"):
            taken.append(row["id"])
        return taken

    with ThreadPoolExecutor(len(instances)) as threads:
        batches = list(threads.map(claim_all, instances))
    claimed = [media_id for batch in batches for media_id in batch]
    assert sorted(claimed) == sorted(f"clip-{n}" for n in range(24))


def test_one_lease_holder_and_one_revision_per_hand_edit_on_postgresql(
    instances: list[Signage], playlists_dir: Path
) -> None:
    stores = [instance.store for instance in instances]
    with ThreadPoolExecutor(len(stores)) as threads:
        won = list(
            threads.map(
                take_lease, stores, [HOUSEKEEPING] * 4, [f"p:{n}" for n in range(4)], [30] * 4
            )
        )
    assert won.count(True) == 1
    evening = playlists_dir / "evening.yaml"
    for edit in range(3):
        evening.write_text(evening.read_text(encoding="utf-8") + f"# {edit}\n", encoding="utf-8")
        with ThreadPoolExecutor(len(instances)) as threads:
            list(threads.map(reload_configuration, instances))
    revisions = list_revisions(stores[0], "evening.yaml")
    assert [r.author for r in revisions].count("disk") == 1 + 3
