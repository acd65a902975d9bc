"""The `signage` command: `main` holds the everyday commands, `admin` and `content` the rest,
`edge` how every command ends (one line on stderr, exit 1 on an error)."""

from signage.cli.main import main

__all__ = ["main"]
