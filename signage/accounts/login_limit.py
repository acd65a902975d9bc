"""Slowing down password guessing: failed sign-ins counted per account and per address.

Both sign-in paths (the staff form and POST /api/v1/session) go through
`signage.accounts.users.authenticate`, which consults the one limiter of the instance.

The failures are rows in the database, so the count holds across WSGI workers and
restarts. An account locks after a few failures (whoever sends them); an address locks
only after many more, so one person mistyping, or one office behind a proxy, does not
lock the other accounts used from the same address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from signage.db import Store, login_failures, now
from signage.errors import TooManyAttempts
from signage.phrases import N_

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = dt.timedelta(minutes=5)


@dataclass
class LoginLimiter:
    """Refuses sign-ins for an account or an address that failed too often in the window."""

    store: Store
    account_limit: int = ACCOUNT_LIMIT
    address_limit: int = ADDRESS_LIMIT
    window: dt.timedelta = WINDOW
    clock: Callable[[], dt.datetime] = field(default=now)

    def _subjects(self, account: str, address: str | None) -> list[tuple[str, str, int]]:
        found = [("account", account.lower()[:200], self.account_limit)]
        if address:
            found.append(("address", address[:200], self.address_limit))
        return found

    def _wait(self, conn: sa.Connection, scope: str, subject: str, limit: int) -> float:
        """Seconds until this subject is under its limit again (0: it is now)."""
        moment = self.clock()
        times = conn.scalars(
            sa.select(login_failures.c.at)
            .where(
                login_failures.c.scope == scope,
                login_failures.c.subject == subject,
                login_failures.c.at > moment - self.window,
            )
            .order_by(login_failures.c.at.desc())
            .limit(limit)
        ).all()
        if len(times) < limit:
            return 0.0
        # The oldest of the last `limit` failures leaving the window frees one attempt.
        return (times[-1] + self.window - moment).total_seconds()

    def check(self, account: str, address: str | None) -> None:
        """429 (with the seconds to wait) while the account or the address is locked."""
        with self.store.engine.connect() as conn:
            waits = [self._wait(conn, *subject) for subject in self._subjects(account, address)]
        longest = max(waits)
        if longest > 0:
            minutes = max(1, round(longest / 60))
            raise TooManyAttempts(
                N_("too many failed sign-ins; try again in {minutes} minute(s)"),
                retry_after=int(longest) + 1,
                minutes=minutes,
            )

    def failed(self, account: str, address: str | None) -> list[str]:
        """Count one failure; the scopes ("account", "address") this failure locked."""
        moment = self.clock()
        locked = []
        with self.store.engine.begin() as conn:
            # Old rows mean nothing any more: keep the table as small as the window.
            conn.execute(login_failures.delete().where(login_failures.c.at <= moment - self.window))
            for scope, subject, limit in self._subjects(account, address):
                conn.execute(
                    login_failures.insert().values(scope=scope, subject=subject, at=moment)
                )
                if self._wait(conn, scope, subject, limit) > 0:
                    locked.append(scope)
        return locked

    def succeeded(self, account: str) -> None:
        """Forget the account's failures (the person knew the password)."""
        with self.store.engine.begin() as conn:
            conn.execute(
                login_failures.delete().where(
                    login_failures.c.scope == "account",
                    login_failures.c.subject == account.lower()[:200],
                )
            )
