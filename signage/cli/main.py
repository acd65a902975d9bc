"""The `signage` command. Output for scripts goes to stdout, messages for people to stderr."""

from __future__ import annotations

import contextlib
import datetime as dt
import faulthandler
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from signage.accounts.users import ROLES
from signage.cli.admin import backup, db, restore, settings
from signage.cli.content import export_usb, package
from signage.cli.edge import close_with_command, edge
from signage.cli.edge import command_parts as _parts
from signage.cli.edge import say as _say
from signage.config import Config, Issue, load_folder
from signage.config.validate import media_issues
from signage.config.when import json_values, parse_moment
from signage.errors import SignageError
from signage.phrases import N_
from signage.programme.segments import facts_from_rows, requirement_issues
from signage.settings import Settings, load_settings

if TYPE_CHECKING:
    from signage.parts import Signage


def _stop_on_sigterm() -> Callable[[], None]:
    """Let SIGTERM stop the process as Ctrl-C does: running as PID 1 (in a container) the
    kernel ignores signals that have no handler, so `docker stop` would wait, then kill.

    A stop that comes while the process starts waits for the call returned, made once the
    scheduler has started: raised inside the scheduler's start, it would break a lock there.
    Nor does the handler write while the start does (a write into a write of the same
    stream raises).
    """
    started = False
    asked = False

    def stopping() -> None:
        _say("stopping (SIGTERM)")
        raise SystemExit(0)

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal asked
        asked = True
        if started:
            stopping()

    def start_done() -> None:
        nonlocal started
        started = True
        if asked:
            stopping()

    signal.signal(signal.SIGTERM, stop)
    return start_done


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="court-signage")
def main() -> None:
    """Court lobby signage: playlists for the screens of a court."""


@main.command()
@click.option("--host", help="Address to listen on (default SIGNAGE_HOST, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default SIGNAGE_PORT, 8000).")
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Requests served at once.",
)
@edge
def serve(host: str | None, port: int | None, threads: int) -> None:
    """Run the web server and the scheduler in one process (the embedded default)."""
    from signage.jobs.scheduler import start_scheduler, stop_scheduler
    from signage.web import create_web_app
    from signage.web.request_limits import serve_embedded

    parts = _parts()
    app = create_web_app(parts)
    settings = parts.settings
    host = host or settings.host
    port = port or settings.port
    _queue_demo_media(parts)
    started = _stop_on_sigterm()
    try:
        start_scheduler(parts)
        started()
        _say(f"serving on http://{host}:{port}/  (health: http://{host}:{port}/healthz)")
        _say("display URL of a screen: signage screen-url <screen-id>")
        _say(f"staff pages: http://{host}:{port}/admin/")
        _hint_first_admin(parts)
        # Uploads may be as large as the setting; every other body stays small.
        serve_embedded(
            app,
            upload_limit=(settings.max_upload_mb + 1) * 1024 * 1024,
            host=host,
            port=port,
            threads=threads,
            ident="signage",
        )
    finally:
        stop_scheduler(parts)


def _queue_demo_media(parts: Signage) -> None:
    """On the first start, queue the demo clips and poster the demo playlists name."""
    from signage.jobs.preparation import enqueue_demo_media

    try:
        queued = enqueue_demo_media(parts)
    except SignageError as error:
        _say(f"warning: the demo media could not be made: {error.message}")
        return
    if queued:
        _say(f"demo media being prepared: {', '.join(queued)}")


def _hint_first_admin(parts: Signage) -> None:
    """Nobody can sign in on a fresh install: say how to make the first admin."""
    from signage.accounts.users import count_users

    if count_users(parts.store) == 0:
        _say("no staff account yet; create the first admin: signage user add <name> --role admin")


@main.command()
@edge
def worker() -> None:
    """Prepare media and share the housekeeping, beside gunicorn running signage.wsgi:app."""
    from signage.jobs.scheduler import start_scheduler, stop_scheduler

    parts = _parts()
    _say("worker running; stop with Ctrl-C")
    # `kill -USR1 <pid>` writes every thread's stack to stderr (the journal): how to see
    # where a worker that seems stuck is waiting.
    # (the process's own stderr: under a test runner sys.stderr may have no file behind it)
    if sys.__stderr__ is not None:
        faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)
    with _stop_signals() as stop_signal:
        try:
            start_scheduler(parts, serves_web=False)
            _say(f"stopping ({stop_signal().name})")
            _say("worker stopped")
        finally:
            stop_scheduler(parts)


@contextlib.contextmanager
def _stop_signals() -> Iterator[Callable[[], signal.Signals]]:
    """Catch SIGTERM and Ctrl-C from here on; yields a wait for the first of them.

    Python's own C-level handler writes each signal's number into a pipe (its wakeup fd),
    which the wait reads: nothing of ours runs in between. A Python handler runs in the main
    thread between two of its steps, wherever it is: setting a threading.Event there
    deadlocked when the signal landed while the main thread held that event's lock on its
    way into the wait (a worker stopped a moment after it started then ignored every
    SIGTERM); raising there broke a lock inside the scheduler's start; and a handler that
    wrote to the pipe itself came too late when the signal landed just before the read.
    """
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # the wakeup fd must never block a signal

    def noted(_signum: int, _frame: Any) -> None:
        """Nothing to do: the signal's number is in the pipe already."""

    kept = {each: signal.signal(each, noted) for each in (signal.SIGTERM, signal.SIGINT)}
    kept_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def wait() -> signal.Signals:
        while (number := os.read(read_end, 1)[0]) not in kept:
            pass  # another signal with a Python handler: not a stop
        return signal.Signals(number)

    try:
        yield wait
    finally:
        signal.set_wakeup_fd(kept_fd)
        for each, handler in kept.items():
            signal.signal(each, handler)
        os.close(read_end)
        os.close(write_end)


def _folder_config() -> tuple[dict[str, Any], Config | None, list[Any]]:
    settings = load_settings()
    config, issues = load_folder(settings.playlists_dir)
    return settings, config, issues


def _media_warnings(settings: Settings, config: Config) -> list[Issue]:
    """Items whose media is not ready, when a media library exists to ask."""
    from signage.db import Store, create_store_engine, default_database_url
    from signage.media.library import ready_media
    from signage.migrations import ensure_schema

    url = settings.database_url
    if url is None:
        if not (settings.media_dir / "signage.db").exists():
            return []  # no library yet (a fresh checkout): nothing to compare with
        url = default_database_url(settings.media_dir)
    engine = close_with_command(create_store_engine(url))
    ensure_schema(engine)  # an empty or older SQLite file migrates, as `serve` would
    ready = ready_media(Store(engine))
    return media_issues(config, set(ready)) + requirement_issues(
        config, facts_from_rows(ready.values())
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@edge
def check(as_json: bool) -> None:
    """Validate the playlists folder; exit status 1 when it has errors."""
    settings, config, issues = _folder_config()
    if config is not None:
        issues += _media_warnings(settings, config)
    errors = [i for i in issues if i.severity == "error"]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": not errors,
                    "folder": str(settings.playlists_dir),
                    "issues": [i.to_dict() for i in issues],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for issue in issues:
            click.echo(str(issue))
        warnings = len(issues) - len(errors)
        if errors:
            _say(
                f"{len(errors)} error(s), {warnings} warning(s): screens keep the last good "
                "configuration until these are fixed"
            )
        else:
            _say(
                f"configuration OK ({warnings} warning(s)): "
                f"{len(config.screens) if config else 0} screens, "
                f"{len(config.playlists) if config else 0} playlists"
            )
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("screen_id")
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help='When to look ("2026-12-04 10:00"); default now, in the site\'s zone.',
)
@click.option(
    "--hours",
    default=24,
    show_default=True,
    type=click.IntRange(1, 24 * 14),
    help="How far ahead to list what plays.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@edge
def preview(screen_id: str, at_text: str | None, hours: int, as_json: bool) -> None:
    """Show what a screen plays at a moment and why: which rule won and which lost."""
    from signage.programme.preview import describe_preview, render_preview

    _, config, issues = _folder_config()
    if config is None:
        for issue in issues:
            _say(str(issue))
        raise SignageError(N_("the configuration has errors; fix them first (signage check)"))
    if screen_id not in config.screens:
        raise SignageError(
            N_("there is no screen {screen_id!r}; screens: {screens}"),
            code="not_found",
            screen_id=screen_id,
            screens=list(config.screens),
        )
    zone = config.site.zone
    at = parse_moment(at_text, zone, dt.datetime.now(zone))
    report = describe_preview(config, screen_id, at, dt.timedelta(hours=hours))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(render_preview(report))


@main.group()
def user() -> None:
    """Manage staff users."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@click.option("--unit", default=None, help="A unit of site.yaml's units: (a tribunal's staff).")
@edge
def user_add(name: str, role: str, password: str, unit: str | None) -> None:
    """Add a staff user who can sign in to the web UI."""
    from signage.accounts.users import add_user
    from signage.units import check_unit_exists

    parts = _parts()
    check_unit_exists(parts.state.current, unit)
    add_user(parts.store, name, role, password, unit=unit)
    _say(f"user {name!r} added as {role}" + (f" in unit {unit!r}" if unit else ""))


def _switch_user(name: str, disabled: bool) -> None:
    from signage.accounts.users import set_disabled

    set_disabled(_parts().store, name, disabled, None)
    _say(
        f"user {name!r} "
        + ("disabled; their sessions and tokens are ended" if disabled else "enabled")
    )


@user.command("disable")
@click.argument("name")
@edge
def user_disable(name: str) -> None:
    """Disable NAME: their sessions and tokens stop working at once."""
    _switch_user(name, True)


@user.command("enable")
@click.argument("name")
@edge
def user_enable(name: str) -> None:
    """Let NAME sign in again (tokens revoked by the disable stay revoked)."""
    _switch_user(name, False)


@main.group()
def token() -> None:
    """Manage API tokens for scripts."""


@token.command("create")
@click.argument("user_name", metavar="USER")
@click.option("--days", type=click.IntRange(1, 3650), help="Stop working after this many days.")
@edge
def token_create(user_name: str, days: int | None) -> None:
    """Print a new API token for USER (shown once; keep it secret)."""
    from signage.accounts.tokens import create_token

    click.echo(create_token(_parts().store, user_name, days))


@token.command("list")
@click.argument("user_name", metavar="[USER]", required=False)
@edge
def token_list(user_name: str | None) -> None:
    """Print every token (of USER) as: id, user, created, expires, last used, revoked."""
    from signage.accounts.tokens import list_tokens

    for token in list_tokens(_parts().store, user_name):
        row = json_values(token)
        fields = ("id", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
        click.echo("\t".join(str(row[name] or "-") for name in fields))


@token.command("revoke")
@click.argument("token_ref", metavar="ID|TOKEN")
@edge
def token_revoke(token_ref: str) -> None:
    """Stop a token from working at once: its id from `token list`, or its text."""
    from signage.accounts.tokens import revoke_token, revoke_token_id

    if token_ref.isascii() and token_ref.isdigit() and len(token_ref) < 16:
        revoke_token_id(_parts().store, int(token_ref))
    else:
        revoke_token(_parts().store, token_ref)
    _say("token revoked")


@main.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--id", "media_id", help="Media id (one file only); default from the file name.")
@edge
def import_media(files: tuple[Path, ...], media_id: str | None) -> None:
    """Add clips and pictures from disk to the library, preparing each one now.

    Prints "<id> <status>" per file on stdout; exit status 1 when any was refused.
    """
    from signage.jobs.preparation import import_file

    if media_id and len(files) > 1:
        raise SignageError(N_("--id names a single file; without it each id comes from its name"))
    parts = _parts()
    failed = 0
    for path in files:
        with click.progressbar(length=1000, label=path.name, file=sys.stderr) as bar:
            row = import_file(
                parts,
                path,
                media_id=media_id,
                on_progress=lambda f: bar.update(round(f * 1000) - bar.pos),
            )
        click.echo(f"{row['id']}\t{row['status']}")
        if row["status"] != "ready":
            failed += 1
            _say(f"{path.name}: {row['error']}")
    sys.exit(1 if failed else 0)


@main.command("screen-url")
@click.argument("screen_id")
@edge
def screen_url(screen_id: str) -> None:
    """Print the address a screen opens (creating its key on first use)."""
    from signage.screens.keys import ensure_screen_key

    parts = _parts()
    parts.screens.screen(screen_id)
    key = ensure_screen_key(parts.store, parts.screens.secret_key, screen_id)
    settings = parts.settings
    public_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    click.echo(f"{public_url}/display/{screen_id}?key={key}")


main.add_command(settings)
main.add_command(db)
main.add_command(backup)
main.add_command(restore)
main.add_command(package)
main.add_command(export_usb)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="signage")
