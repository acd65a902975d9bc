"""Commands for the IT admin who runs the server: settings, schema, backup and restore."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from signage.cli.edge import close_with_command, edge, say
from signage.settings import load_settings, settings_in_effect


def _settings_rows() -> list[dict[str, Any]]:
    """The settings in effect, with the database the default points at spelled out."""
    import sqlalchemy as sa

    from signage.db import default_database_url

    rows = settings_in_effect()
    values = load_settings()
    for row in rows:
        if row["name"] == "SIGNAGE_DATABASE_URL":
            url = values.database_url or default_database_url(values.media_dir)
            # The URL may carry the database password: print it masked.
            row["value"] = sa.make_url(url).render_as_string(hide_password=True)
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON on stdout.")
@edge
def settings(as_json: bool) -> None:
    """Show each setting in effect and where it came from (default or environment)."""
    rows = _settings_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        value = "(none)" if row["value"] is None else row["value"]
        click.echo(f"{row['name']:<30} {value}  [{row['source']}]\n    {row['help']}")


@click.group()
def db() -> None:
    """The database schema: which revision it is at, and migrating it."""


def _engine() -> Any:
    from signage.db import create_store_engine, default_database_url

    values = load_settings()
    url = values.database_url or default_database_url(values.media_dir)
    return close_with_command(create_store_engine(url))


@db.command("upgrade")
@edge
def db_upgrade() -> None:
    """Migrate the database to this release's schema (run once per release on PostgreSQL)."""
    from signage.migrations import upgrade

    before, after = upgrade(_engine())
    if before == after:
        say(f"the database is already at revision {after}")
    else:
        say(f"database migrated from {before or 'empty'} to {after}")


@db.command("current")
@edge
def db_current() -> None:
    """Print the database's revision, and say whether it is this release's."""
    from signage.migrations import current_revision, head_revision

    current, head = current_revision(_engine()), head_revision()
    click.echo(current or "empty")
    if current != head:
        say(f"this release needs revision {head}: run `signage db upgrade`")
        sys.exit(1)


@db.command("revision", hidden=True)
@click.option("-m", "--message", required=True, help="What the schema change is for.")
@edge
def db_revision(message: str) -> None:
    """For developers: write a migration for what db.py has and the migrations lack."""
    from signage.migrations import write_revision

    click.echo(write_revision(message))


@click.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@edge
def backup(archive: Path) -> None:
    """Pack the database, playlists, media and secret key into ARCHIVE (.tar.gz)."""
    from signage.backup import create_backup

    for note in create_backup(load_settings(), archive):
        say(f"note: {note}")
    say(f"backup written to {archive}")
    say(
        "keep it as safe as a password: it holds the secret key every screen key derives "
        "from, and the staff accounts"
    )


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@edge
def restore(archive: Path) -> None:
    """Unpack ARCHIVE (made by `signage backup`) into this empty installation."""
    from signage.backup import restore_backup

    for note in restore_backup(load_settings(), archive):
        say(f"note: {note}")
    say("restored; start the services (the database is migrated if it is older)")
