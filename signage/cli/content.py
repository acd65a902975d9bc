"""Commands that move content between installations: `signage package export|import|key`
and `signage export-usb`."""

from __future__ import annotations

from pathlib import Path

import click

from signage.cli.edge import command_parts as _parts
from signage.cli.edge import edge, say


@click.group()
def package() -> None:
    """Signed content packages: clips, posters, captions and playlists for another court."""


@package.command("export")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--media", "media_ids", multiple=True, metavar="ID", help="A clip or picture.")
@click.option(
    "--playlist", "playlist_ids", multiple=True, metavar="ID", help="A playlist, with its media."
)
@edge
def package_export(target: Path, media_ids: tuple[str, ...], playlist_ids: tuple[str, ...]) -> None:
    """Write a package signed with this server's key (give --media and --playlist as often
    as needed)."""
    from signage.packages.export import export_package

    exported = export_package(_parts(), target, media_ids, playlist_ids)
    say(
        f"{target}: {len(exported.media)} media, {len(exported.playlists)} playlist(s), "
        f"{exported.size} bytes"
    )


@package.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@edge
def package_import(source: Path) -> None:
    """Check a package from a trusted publisher whole, then add its media (prepared now) and
    playlists. Prints "<kind> <publisher's id> <id here>" per new item on stdout."""
    from signage.jobs.preparation import prepare_claimed
    from signage.packages.imports import import_package

    imported = import_package(_parts(), source, None, prepare=prepare_claimed)
    for kind, items in (("media", imported.media), ("playlist", imported.playlists)):
        for origin, local in items.items():
            click.echo(f"{kind}\t{origin}\t{local}")
    say(
        f"from {imported.publisher}: {len(imported.media)} new media, "
        f"{len(imported.playlists)} new playlist(s), {len(imported.unchanged)} already here"
    )
    if imported.reviews:
        say(f"playlists wait for review: {', '.join(f'#{n}' for n in imported.reviews)}")
    if imported.topics_left_off:
        left = ", ".join(dict.fromkeys(imported.topics_left_off))
        say(f"topics this court's site.yaml does not declare were left off: {left}")


@package.command("key")
@edge
def package_key() -> None:
    """Print the line a receiving server appends to its SIGNAGE_TRUSTED_PUBLISHERS file."""
    from signage.packages.keys import own_publisher

    parts = _parts()
    config = parts.screens.config()
    click.echo(own_publisher(parts.store, config.site.name).line())


@click.command("export-usb")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--playlist", "playlist_id", required=True, metavar="ID", help="The playlist.")
@click.option(
    "--days",
    default=1,
    show_default=True,
    type=click.IntRange(1, 366),
    help="Items that play on any of this many days from today (site time).",
)
@click.option(
    "--height",
    default=1080,
    show_default=True,
    type=click.Choice(["360", "720", "1080"]),
    help="Picture height; 720 for old TVs.",
)
@edge
def export_usb(target: Path, playlist_id: str, days: int, height: str) -> None:
    """Write a playlist for a TV's USB player into an empty folder: numbered MP4 files,
    all.mp4 and playlist.m3u. Prints each file's name and seconds on stdout."""
    from signage.db import now
    from signage.packages.usb import export_usb as write_stick

    parts = _parts()
    today = now().astimezone(parts.screens.config().site.zone).date()
    stick = write_stick(parts, target, playlist_id, first_day=today, days=days, height=int(height))
    for written in stick.files:
        click.echo(f"{written.name}\t{written.seconds:.1f}")
    for reason in stick.left_out:
        say(reason)
    say(f"{target}: {len(stick.files)} files and {stick.joined}, {stick.seconds:.0f} s in all")
