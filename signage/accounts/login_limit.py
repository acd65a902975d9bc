"""Slowing down password guessing: at most a few failed sign-ins per user and per address.

Both sign-in paths (the staff form and POST /api/v1/session) go through
`signage.accounts.users.authenticate`, which consults the one limiter of the instance.

Counts live in this process's memory (a sliding window), which is enough for the embedded
server: one process serves every request. Several WSGI workers each keep their own count,
so an attacker gets at most that many times the limit; a restart forgets the counts.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from signage.errors import TooManyAttempts

MAX_FAILURES = 5
WINDOW_SECONDS = 300.0


class LoginLimiter:
    """Remembers recent failures by key ('user:<name>', 'addr:<ip>') and refuses past a limit."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, moment: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= moment - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def check(self, *keys: str) -> None:
        """429 (with the seconds to wait) when any key has reached the limit."""
        moment = self.clock()
        with self._lock:
            waits = [
                failures[0] + self.window - moment
                for key in keys
                if len(failures := self._recent(key, moment)) >= self.limit
            ]
        if waits:
            minutes = max(1, round(max(waits) / 60))
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {minutes} minute(s)",
                retry_after=int(max(waits)) + 1,
            )

    def failed(self, *keys: str) -> None:
        """Count one failed attempt against each key."""
        moment = self.clock()
        with self._lock:
            for key in keys:
                self._failures[key].append(moment)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys (the person knew the password)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
