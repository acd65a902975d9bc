"""A real PostgreSQL (Debian's) started by the tests in a temp folder, on a unix socket.

initdb and pg_ctl refuse to run as root, so they run as the unprivileged `nobody` user in
a folder of its own. Each test gets a fresh database, copied from one template database that
was migrated once per cluster as `signage db upgrade` does (a copy takes a fraction of a
second; a full migration took seconds per test). `tests/test_postgres.py` still migrates an
empty database with the real `signage db upgrade`.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from signage.migrations import upgrade

BINARIES = Path("/usr/lib/postgresql/15/bin")
RUN_AS = "nobody"


def missing_reason() -> str | None:
    """Why PostgreSQL cannot run here, or None when it can."""
    if not (BINARIES / "initdb").exists():
        return "Debian's postgresql 15 is not installed (./scripts/setup installs it)"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != RUN_AS:
        return "the tests start PostgreSQL as the user nobody, which needs root"
    return None


class PostgresServer:
    """One PostgreSQL cluster in a temp folder, reached through its socket in that folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="signage-pg-"))
        user = pwd.getpwnam(RUN_AS)
        os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.data = self.folder / "data"
        self._names = itertools.count(1)
        self._template: str | None = None
        self._as_user(
            BINARIES / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._as_user(
            BINARIES / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.folder / "server.log",
            "-w",
            "-o",
            f"-k {self.folder} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start",
        )

    def _as_user(self, *argv: object) -> None:
        command = [
            "setpriv",
            f"--reuid={RUN_AS}",
            "--regid=nogroup",
            "--clear-groups",
            *map(str, argv),
        ]
        done = subprocess.run(command, capture_output=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no server log)"
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n"
                f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}"
                f"\nserver.log:\n{tail}"
            )

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database of this cluster."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}"

    def _create(self, name: str, template: str | None = None) -> None:
        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{template}"' if template else ""
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
        admin.dispose()

    def _migrated_template(self) -> str:
        """The database every test's copy comes from, migrated on first use."""
        if self._template is None:
            name = "signage_template"
            self._create(name)
            engine = sa.create_engine(self.url(name))
            upgrade(engine)
            engine.dispose()  # a template with a session open cannot be copied
            self._template = name
        return self._template

    def new_database(self) -> str:
        """A fresh, migrated database; its URL."""
        name = f"signage_{os.getpid()}_{next(self._names)}"
        self._create(name, template=self._migrated_template())
        return self.url(name)

    def stop(self) -> None:
        """Stop the cluster and remove its folder."""
        try:
            self._as_user(BINARIES / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
