"""Backup and restore of one installation: database, playlists, media, the secret key.

The archive is what a court needs to come back on a new machine with every screen URL
still working: the SQLite database copied online with SQLite's backup API (safe beside a
running server and its WAL files), `playlists/`, the prepared media and the uploads waiting
for preparation, and the site's secret key (every screen key and session derives from it).
PostgreSQL is backed up with its own tools (pg_dump); the archive then holds the rest.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa

from signage import __version__
from signage.db import create_store_engine, default_database_url, meta
from signage.errors import SignageError
from signage.phrases import N_
from signage.settings import Settings

DATABASE = "signage.db"
SECRET = "secret_key"
ABOUT = "backup.json"


def _database_url(settings: Settings) -> str:
    return settings.database_url or default_database_url(settings.media_dir)


def _sqlite_path(url: str) -> Path | None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def _folders(settings: Settings) -> dict[str, Path]:
    media = Path(settings.media_dir)
    return {
        "playlists": Path(settings.playlists_dir),
        "media/files": media / "files",
        "media/uploads": media / "uploads",
    }


def _secret_key(settings: Settings, url: str) -> str | None:
    if settings.secret_key:
        return settings.secret_key
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.select(meta.c.value).where(meta.c.key == "secret_key"))
    finally:
        engine.dispose()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _skip_partials(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # Half-written files of a running preparation or upload are not worth keeping.
    return None if Path(info.name).name.startswith(".partial") else info


def create_backup(settings: Settings, target: Path) -> list[str]:
    """Write the archive; notes for the person running it (what was left out, and why)."""
    url = _database_url(settings)
    database = _sqlite_path(url)
    notes = []
    target.parent.mkdir(parents=True, exist_ok=True)
    # Only the owner may read the archive: it holds the secret key and password hashes.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        about = {"version": __version__, "made_at": dt.datetime.now(dt.UTC).isoformat()}
        if database is not None:
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / DATABASE
                source, destination = sqlite3.connect(database), sqlite3.connect(copy)
                try:
                    source.backup(destination)  # consistent even while the server writes
                finally:
                    source.close()
                    destination.close()
                archive.add(copy, DATABASE)
            about["database"] = "sqlite"
        else:
            about["database"] = sa.make_url(url).get_backend_name()
            notes.append(
                "the database is not in the archive: back it up with its own tools "
                "(PostgreSQL: pg_dump -Fc signage > signage.dump) at the same time"
            )
        secret = _secret_key(settings, url)
        if secret:
            _add_bytes(archive, SECRET, secret.encode())
        for name, folder in _folders(settings).items():
            if folder.is_dir():
                archive.add(folder, name, filter=_skip_partials)
        _add_bytes(archive, ABOUT, json.dumps(about, indent=2).encode())
    return notes


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def restore_backup(settings: Settings, source: Path) -> list[str]:
    """Unpack an archive into an empty installation; notes for the person running it."""
    url = _database_url(settings)
    database = _sqlite_path(url)
    folders = _folders(settings)
    occupied = [str(path) for path in folders.values() if not _is_empty(path)]
    if database is not None and database.exists():
        occupied.append(str(database))
    if occupied:
        raise SignageError(
            N_("restore only into an empty installation; these already hold something: {occupied}"),
            code="not_empty",
            occupied=occupied,
        )
    notes = []
    try:
        archive = tarfile.open(source, mode="r:gz")
    except (OSError, tarfile.TarError) as error:
        raise SignageError(
            N_("{source} is not a signage backup: {reason}"),
            code="bad_backup",
            source=str(source),
            reason=str(error),
        ) from None
    with archive:
        names = set(archive.getnames())
        if ABOUT not in names:
            raise SignageError(
                N_("{source} is not a signage backup (no {about})"),
                code="bad_backup",
                source=str(source),
                about=ABOUT,
            )
        for name, folder in folders.items():
            members = [m for m in archive.getmembers() if m.name.startswith(name + "/")]
            folder.mkdir(parents=True, exist_ok=True)
            for member in members:
                member.name = member.name.removeprefix(name + "/")
            # The data filter refuses links out of the folder, absolute paths and devices.
            archive.extractall(folder, members=members, filter="data")
        secret = archive.extractfile(SECRET).read().decode() if SECRET in names else None
        if DATABASE in names:
            if database is None:
                notes.append(
                    "the archive holds a SQLite database but this installation uses "
                    f"{sa.make_url(url).get_backend_name()}: it was not restored"
                )
            else:
                database.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(DATABASE) as packed, open(database, "wb") as out:
                    out.write(packed.read())
    if secret:
        notes += _restore_secret(settings, url, secret)
    return notes


def _restore_secret(settings: Settings, url: str, secret: str) -> list[str]:
    if settings.secret_key and settings.secret_key != secret:
        return [
            "SIGNAGE_SECRET_KEY differs from the backed-up key: screen URLs made before the "
            "backup stop working unless it is set to the old value"
        ]
    if settings.secret_key:
        return []
    engine = create_store_engine(url)
    try:
        return _keep_secret(engine, secret)
    finally:
        engine.dispose()


def _keep_secret(engine: sa.Engine, secret: str) -> list[str]:
    with engine.begin() as conn:
        names = set(sa.inspect(conn).get_table_names())
        found = (
            conn.scalar(sa.select(meta.c.value).where(meta.c.key == "secret_key"))
            if "meta" in names
            else None
        )
    if found is not None and found != secret:
        return ["the database has another secret key than the archive; it was kept"]
    if "meta" not in names:
        return [
            "the database has no tables yet: run `signage db upgrade`, then restore again "
            "into emptied folders so the secret key is kept"
        ]
    if found is None:
        with engine.begin() as conn:
            conn.execute(meta.insert().values(key="secret_key", value=secret))
    return []
