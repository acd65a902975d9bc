"""Proof-of-play retention: housekeeping deletes the plays older than KEEP_PLAYS_DAYS
(default three years) in batches, on SQLite and on PostgreSQL, and keeps the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from signage.db import Store, create_store_engine, plays
from signage.jobs.scheduler import housekeeping_jobs, prune_old_plays
from signage.parts import build_parts
from signage.screens.plays import PRUNE_BATCH, prune_plays
from signage.settings import SettingsError, load_settings
from tests.postgres import PostgresServer

MOMENT = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)


def add_plays(
    store: Store, screen_id: str, days_ago: float, count: int, prefix: str, moment: dt.datetime
) -> None:
    """count plays of one screen that started days_ago before moment."""
    started = moment - dt.timedelta(days=days_ago)
    rows = [
        {
            "screen_id": screen_id,
            "client_id": f"{prefix}-{n}",
            "item_key": "daytime#0",
            "item_type": "tip",
            "started_at": started + dt.timedelta(seconds=n),
            "seconds": 10.0,
            "received_at": started,
        }
        for n in range(count)
    ]
    with store.engine.begin() as conn:
        conn.execute(plays.insert(), rows)


def kept(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(plays.c.client_id)).scalars())


def check_pruning(store: Store) -> None:
    # More old rows than one batch, over two screens, and rows either side of the line.
    add_plays(store, "lobby-east", 2000, PRUNE_BATCH, "ancient-east", MOMENT)
    add_plays(store, "lobby-west", 1097, 7, "old-west", MOMENT)
    add_plays(store, "lobby-west", 1095, 3, "recent-west", MOMENT)
    add_plays(store, "lobby-east", 0.5, 2, "today-east", MOMENT)

    assert prune_plays(store, MOMENT, 1096) == PRUNE_BATCH + 7
    remaining = kept(store)
    assert remaining == {"recent-west-0", "recent-west-1", "recent-west-2"} | {
        "today-east-0",
        "today-east-1",
    }
    assert prune_plays(store, MOMENT, 1096) == 0  # nothing more: the second run is a no-op
    assert prune_plays(store, MOMENT, 1) == 3
    assert kept(store) == {"today-east-0", "today-east-1"}


def test_old_plays_go_and_the_rest_stay_on_sqlite(tmp_path: Path) -> None:
    parts = build_parts({"PLAYLISTS_DIR": tmp_path / "playlists", "MEDIA_DIR": tmp_path / "m"})
    check_pruning(parts.store)


def test_old_plays_go_and_the_rest_stay_on_postgresql(postgres: PostgresServer) -> None:
    store = Store(create_store_engine(postgres.new_database()))
    try:
        check_pruning(store)
    finally:
        store.engine.dispose()


def test_housekeeping_prunes_by_the_setting(playlists_dir: Path, media_dir: Path) -> None:
    assert load_settings(environ={}).keep_plays_days == 1096  # three years
    parts = build_parts(
        {"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir, "KEEP_PLAYS_DAYS": "30"}
    )
    assert (prune_old_plays, 3600) in housekeeping_jobs(parts)
    # The job prunes as of now, so the rows are placed relative to it.
    now = dt.datetime.now(dt.UTC)
    add_plays(parts.store, "lobby-east", 31, 4, "month-old", now)
    add_plays(parts.store, "lobby-east", 29, 2, "recent", now)
    assert prune_old_plays(parts) == 4
    assert kept(parts.store) == {"recent-0", "recent-1"}


@pytest.mark.parametrize("raw", ["0", "-3", "three years", "40000"])
def test_a_wrong_retention_names_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="SIGNAGE_KEEP_PLAYS_DAYS"):
        load_settings(environ={"SIGNAGE_KEEP_PLAYS_DAYS": raw})
