"""How every command ends: messages for people on stderr, domain errors as one line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.engine import Engine

from signage.errors import SignageError

if TYPE_CHECKING:
    from signage.parts import Signage


def say(message: str) -> None:
    """A message for people: on stderr, so stdout stays for scripts."""
    click.echo(message, err=True)


def edge(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SignageError as error:
            say(f"error: {error.message}")
            sys.exit(1)

    return wrapper


def close_with_command(engine: Engine) -> Engine:
    """Close the engine's connections when the command ends (PostgreSQL's are sockets)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(engine.dispose)
    return engine


def command_parts() -> Signage:
    """The parts of this installation for one command, closed when the command ends."""
    from signage.parts import build_parts

    parts = build_parts()
    close_with_command(parts.store.engine)
    return parts
