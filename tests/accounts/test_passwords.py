"""How a password is kept: the production hashing, without the suite's once-per-password
cache (tests/conftest.py), which only spares the other tests from hashing again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug import security

from signage.accounts import users
from signage.db import users as users_table
from signage.errors import SignageError
from signage.parts import Signage

PASSWORD = "correct horse battery"


def test_a_password_is_kept_as_a_salted_scrypt_hash(
    parts: Signage, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("generate_password_hash", "check_password_hash"):
        monkeypatch.setattr(users, name, getattr(security, name))
    users.add_user(parts.store, "wang", "admin", PASSWORD)
    users.add_user(parts.store, "li", "editor", PASSWORD)
    with parts.store.engine.connect() as conn:
        query = sa.select(users_table.c.name, users_table.c.password_hash)
        kept = {name: hashed for name, hashed in conn.execute(query)}
    assert all(hashed.startswith("scrypt:") for hashed in kept.values()), kept
    assert PASSWORD not in "".join(kept.values())
    assert kept["wang"] != kept["li"]  # salted: the same password, two hashes
    limiter = parts.login_limiter
    assert users.authenticate(parts.store, limiter, "wang", PASSWORD, None).name == "wang"
    with pytest.raises(SignageError) as refused:
        users.authenticate(parts.store, limiter, "wang", PASSWORD + "!", None)
    assert refused.value.code == "bad_login"
