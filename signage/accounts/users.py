"""Staff accounts: creating them, signing in, and what admins change (role, password)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from signage.accounts.audit import audit
from signage.accounts.login_limit import LoginLimiter
from signage.db import Store, now, users
from signage.errors import Conflict, Invalid, NotFound, Unauthorized

ROLES = ("admin", "reviewer", "editor")
# Who may approve someone else's change when review is on.
REVIEW_ROLES = ("admin", "reviewer")
USER_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must have at least {MIN_PASSWORD} characters")


def add_user(store: Store, name: str, role: str, password: str | None) -> int:
    """Create a staff user; the password is kept only as a salted hash."""
    if not USER_NAME.match(name):
        raise Invalid("a user name is 1-64 letters, digits, Chinese characters, '.', '-' or '_'")
    _check_role(role)
    if password is not None:
        _check_password(password)
    values = {
        "name": name,
        "role": role,
        "password_hash": generate_password_hash(password) if password else None,
        "created_at": now(),
        "disabled": False,
    }
    try:
        with store.engine.begin() as conn:
            return conn.execute(users.insert().values(**values)).inserted_primary_key[0]
    except sa.exc.IntegrityError:
        raise Conflict(f"there is already a user named {name!r}") from None


def user_by_name(store: Store, name: str) -> dict[str, Any] | None:
    """The user row, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        return dict(row) if row else None


def authenticate(
    store: Store, limiter: LoginLimiter, name: str, password: str, address: str | None
) -> dict[str, Any]:
    """The user whose name and password these are: the one sign-in path of the form and the
    API. 429 while this name or address has failed too often; 401 (audited) otherwise."""
    keys = (f"user:{name.lower()}", f"addr:{address}")
    limiter.check(*keys)
    user = user_by_name(store, name)
    if (
        user is None
        or user["disabled"]
        or not user["password_hash"]
        or not check_password_hash(user["password_hash"], password)
    ):
        limiter.failed(*keys)
        audit(store, None, "login.failed", name[:64])
        raise Unauthorized("the user name or password is wrong", code="bad_login")
    limiter.succeeded(keys[0])
    audit(store, user, "login", name)
    return user


def may_review(user: Mapping[str, Any] | None) -> bool:
    """Whether this user may approve or reject other people's changes."""
    return user is not None and user.get("role") in REVIEW_ROLES


def count_users(store: Store) -> int:
    """How many staff accounts exist (0 on a fresh install)."""
    with store.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(users)) or 0


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account by name, without password hashes."""
    query = sa.select(users.c.name, users.c.role, users.c.created_at, users.c.disabled).order_by(
        users.c.name
    )
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def _update(store: Store, name: str, **values: Any) -> None:
    with store.engine.begin() as conn:
        if not conn.execute(users.update().where(users.c.name == name).values(**values)).rowcount:
            raise NotFound(f"there is no user named {name!r}")


def set_role(store: Store, name: str, role: str, actor: Mapping[str, Any]) -> None:
    """Give the user a role of ROLES; the last admin cannot step down."""
    _check_role(role)
    admins = [u for u in list_users(store) if u["role"] == "admin" and not u["disabled"]]
    if role != "admin" and [u["name"] for u in admins] == [name]:
        raise Conflict("this is the only administrator; make someone else admin first")
    _update(store, name, role=role)
    audit(store, actor, "user.role", name, {"role": role})


def reset_password(store: Store, name: str, password: str, actor: Mapping[str, Any]) -> None:
    """Give the user a new password (at least MIN_PASSWORD characters)."""
    _check_password(password)
    _update(store, name, password_hash=generate_password_hash(password))
    audit(store, actor, "user.password", name)
