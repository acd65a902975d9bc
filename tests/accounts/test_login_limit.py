"""The sign-in limiter: counted in the database, per account and per address."""

from __future__ import annotations

import datetime as dt

import pytest

from signage.accounts.audit import audit_entries
from signage.accounts.login_limit import LoginLimiter
from signage.accounts.users import add_user, authenticate
from signage.errors import SignageError
from signage.parts import Signage, build_parts

PASSWORD = "correct horse battery"
START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def test_failures_count_per_account_and_forget_after_the_window(parts: Signage) -> None:
    moment = [START]
    limiter = LoginLimiter(parts.store, 2, 3, dt.timedelta(minutes=5), lambda: moment[0])
    assert limiter.failed("wang", "10.0.0.5") == []
    assert limiter.failed("Wang", "10.0.0.5") == ["account"]
    with pytest.raises(SignageError) as refused:
        limiter.check("WANG", "10.0.0.9")  # the account, from anywhere
    assert refused.value.status == 429 and refused.value.headers()["Retry-After"] == "301"
    limiter.check("li", "10.0.0.5")  # another account from the same address still may
    assert limiter.failed("li", "10.0.0.5") == ["address"]
    with pytest.raises(SignageError):
        limiter.check("zhao", "10.0.0.5")  # the address has now failed too often
    moment[0] = START + dt.timedelta(minutes=5, seconds=1)
    limiter.check("wang", "10.0.0.5")


def test_the_count_holds_across_processes(
    parts: Signage, playlists_dir: object, media_dir: object
) -> None:
    add_user(parts.store, "wang", "admin", PASSWORD)
    for _ in range(5):
        with pytest.raises(SignageError):
            authenticate(parts.store, parts.login_limiter, "wang", "wrong one", "10.0.0.5")
    # A second instance on the same database (another WSGI worker, or after a restart).
    other = build_parts({"PLAYLISTS_DIR": playlists_dir, "MEDIA_DIR": media_dir})
    with pytest.raises(SignageError) as refused:
        authenticate(other.store, other.login_limiter, "wang", PASSWORD, "10.0.0.7")
    assert refused.value.status == 429
    actions = [e.action for e in audit_entries(parts.store)]
    assert actions.count("login.failed") == 5 and actions.count("login.locked") == 1


def test_one_locked_account_does_not_lock_the_others_at_that_address(parts: Signage) -> None:
    add_user(parts.store, "wang", "admin", PASSWORD)
    add_user(parts.store, "li", "editor", PASSWORD)
    for _ in range(6):
        with pytest.raises(SignageError):
            authenticate(parts.store, parts.login_limiter, "wang", "wrong one", "10.0.0.5")
    user = authenticate(parts.store, parts.login_limiter, "li", PASSWORD, "10.0.0.5")
    assert user.name == "li"
    entry = audit_entries(parts.store, action="login")[0]
    assert entry.user == "li" and entry.details == {"address": "10.0.0.5"}
