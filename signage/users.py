"""Staff accounts as admins manage them: list, change a role, reset a password."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from signage.auth import MIN_PASSWORD, ROLES
from signage.errors import Conflict, Invalid, NotFound
from signage.revisions import audit
from signage.store import Store, users


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
    """Make the user an admin or an editor; the last admin cannot step down."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    admins = [u for u in list_users(store) if u["role"] == "admin" and not u["disabled"]]
    if role != "admin" and [u["name"] for u in admins] == [name]:
        raise Conflict("this is the only administrator; make someone else admin first")
    _update(store, name, role=role)
    audit(store, actor, "user.role", name, {"role": role})


def reset_password(store: Store, name: str, password: str, actor: Mapping[str, Any]) -> None:
    """Give the user a new password (at least MIN_PASSWORD characters)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must have at least {MIN_PASSWORD} characters")
    _update(store, name, password_hash=generate_password_hash(password))
    audit(store, actor, "user.password", name)
