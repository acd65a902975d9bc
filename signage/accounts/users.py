"""Staff accounts: creating them, signing in, and what admins change (role, password)."""

from __future__ import annotations

import functools
import re
import secrets
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from signage.accounts.audit import audit
from signage.accounts.login_limit import LoginLimiter
from signage.accounts.staff import ROLES, Actor, StaffUser
from signage.db import Store, now, tokens, users
from signage.errors import Conflict, Invalid, NotFound, Unauthorized
from signage.phrases import N_

# Who may approve someone else's change when review is on.
REVIEW_ROLES = ("admin", "reviewer")
USER_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256  # one limit for setting and for signing in, so every password set works
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# What a StaffUser is read from: every column of the users table but the password hash.
STAFF_COLUMNS = tuple(users.c[field] for field in StaffUser.model_fields)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(N_("role must be one of {roles}"), code="bad_role", roles=list(ROLES))


@functools.cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most used passwords of public leaks, as zxcvbn ships them.
    return frozenset(FREQUENCY_LISTS["passwords"])


def _check_password(password: str, name: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            N_("the password must have at least {count} characters"),
            code="short_password",
            count=MIN_PASSWORD,
        )
    if len(password) > MAX_PASSWORD:
        raise Invalid(
            N_("the password may have at most {count} characters"),
            code="long_password",
            count=MAX_PASSWORD,
        )
    lowered = password.lower()
    # A name of one or two characters ("li") is part of too many good phrases to refuse.
    if lowered in _common_passwords() or (len(name) >= 3 and name.lower() in lowered):
        raise Invalid(
            N_(
                "this password is among the most used ones or contains the user name; "
                "choose a longer phrase of unrelated words"
            ),
            code="weak_password",
        )


def new_stamp() -> str:
    """A fresh session stamp: sessions made before it stop working."""
    return secrets.token_hex(16)


def _check_unit(unit: str | None) -> None:
    # Whether the unit is in site.yaml is the edge's question (signage.units.check_unit_exists).
    if unit is not None and not UNIT_ID.match(unit):
        raise Invalid(
            N_("a unit id is lowercase letters, digits, - and _, as under units: in site.yaml"),
            code="bad_unit",
        )


def add_user(
    store: Store,
    name: str,
    role: str,
    password: str | None,
    actor: StaffUser | None = None,
    unit: str | None = None,
) -> int:
    """Create a staff user (actor None: the command line); the password is kept only hashed.
    A `unit` limits an editor or reviewer to that tribunal (admins are county-wide)."""
    if not USER_NAME.match(name):
        raise Invalid(
            N_(
                "a user name is 1-64 letters, digits, Chinese characters, '.', '-' or '_', "
                "no spaces"
            ),
            code="bad_user_name",
        )
    _check_role(role)
    _check_unit(unit)
    if password is not None:
        _check_password(password, name)
    values = {
        "unit": unit,
        "name": name,
        "role": role,
        "password_hash": generate_password_hash(password) if password else None,
        "created_at": now(),
        "disabled": False,
        "stamp": new_stamp(),
    }
    taken = Conflict(N_("there is already a user named {name!r}"), code="user_exists", name=name)
    try:
        with store.engine.begin() as conn:
            # Ed and ed would be two accounts nobody could tell apart in the audit log.
            alike = sa.select(users.c.id).where(sa.func.lower(users.c.name) == name.lower())
            if conn.scalar(alike) is not None:
                raise taken
            user_id = conn.execute(users.insert().values(**values)).inserted_primary_key[0]
    except sa.exc.IntegrityError:
        raise taken from None
    audit(store, actor, "user.add", name, {"role": role, **({"unit": unit} if unit else {})})
    return user_id


def user_by_name(store: Store, name: str) -> StaffUser | None:
    """The account of this name, or None."""
    query = sa.select(*STAFF_COLUMNS).where(users.c.name == name)
    with store.engine.connect() as conn:
        found = conn.execute(query).mappings().first()
    return StaffUser(**found) if found else None


def authenticate(
    store: Store, limiter: LoginLimiter, name: str, password: str, address: str | None
) -> StaffUser:
    """The user whose name and password these are: the one sign-in path of the form and the
    API. 429 while this name or address has failed too often; 401 (audited) otherwise."""
    limiter.check(name, address)
    query = sa.select(*STAFF_COLUMNS, users.c.password_hash).where(users.c.name == name)
    with store.engine.connect() as conn:
        found = conn.execute(query).mappings().first()
    row = dict(found) if found else {}
    hashed = row.pop("password_hash", None)
    if not row or row["disabled"] or not hashed or not check_password_hash(hashed, password):
        locked = limiter.failed(name, address)
        audit(store, None, "login.failed", name[:64], {"address": address})
        if locked:
            audit(store, None, "login.locked", name[:64], {"address": address, "by": locked})
        raise Unauthorized(N_("the user name or password is wrong"), code="bad_login")
    limiter.succeeded(name)
    user = StaffUser(**row)
    audit(store, user, "login", name, {"address": address})
    return user


def may_review(user: Actor | None) -> bool:
    """Whether this user may approve or reject other people's changes."""
    return user is not None and user.role in REVIEW_ROLES


def count_users(store: Store) -> int:
    """How many staff accounts exist (0 on a fresh install)."""
    with store.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(users)) or 0


def list_users(store: Store) -> list[StaffUser]:
    """Every account by name."""
    query = sa.select(*STAFF_COLUMNS).order_by(users.c.name)
    with store.engine.connect() as conn:
        return [StaffUser(**row) for row in conn.execute(query).mappings()]


def _update(store: Store, name: str, **values: Any) -> None:
    with store.engine.begin() as conn:
        if not conn.execute(users.update().where(users.c.name == name).values(**values)).rowcount:
            raise NotFound(N_("there is no user named {name!r}"), name=name)


def _keep_an_admin(store: Store, name: str) -> None:
    admins = [u for u in list_users(store) if u.role == "admin" and not u.disabled]
    if [u.name for u in admins] == [name]:
        raise Conflict(
            N_("this is the only administrator; make someone else admin first"), code="last_admin"
        )


def _end_sessions_and_tokens(store: Store, name: str, **values: Any) -> None:
    """Change the account and, in the same transaction, end its sessions and tokens."""
    moment = now()
    with store.engine.begin() as conn:
        user_id = conn.scalar(sa.select(users.c.id).where(users.c.name == name))
        if user_id is None:
            raise NotFound(N_("there is no user named {name!r}"), name=name)
        conn.execute(
            users.update().where(users.c.id == user_id).values(stamp=new_stamp(), **values)
        )
        conn.execute(
            tokens.update()
            .where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=moment)
        )


def set_role(store: Store, name: str, role: str, actor: StaffUser) -> None:
    """Give the user a role of ROLES; the last admin cannot step down."""
    _check_role(role)
    if role != "admin":
        _keep_an_admin(store, name)
    _update(store, name, role=role)
    audit(store, actor, "user.role", name, {"role": role})


def set_unit(store: Store, name: str, unit: str | None, actor: StaffUser | None) -> None:
    """Put the user in a unit (None: county-wide again)."""
    _check_unit(unit)
    _update(store, name, unit=unit)
    audit(store, actor, "user.unit", name, {"unit": unit})


def user_units(store: Store) -> dict[str, str | None]:
    """User name -> unit, for lists that show each unit its own people's work."""
    with store.engine.connect() as conn:
        return {row.name: row.unit for row in conn.execute(sa.select(users.c.name, users.c.unit))}


def set_disabled(store: Store, name: str, disabled: bool, actor: StaffUser | None) -> None:
    """Disable an account (its sessions and tokens end at once) or enable it again."""
    if disabled:
        _keep_an_admin(store, name)
        _end_sessions_and_tokens(store, name, disabled=True)
    else:
        _update(store, name, disabled=False)
    audit(store, actor, "user.disable" if disabled else "user.enable", name)


def reset_password(store: Store, name: str, password: str, actor: StaffUser | None) -> None:
    """Give the user a new password; their sessions and tokens end at once."""
    _check_password(password, name)
    _end_sessions_and_tokens(store, name, password_hash=generate_password_hash(password))
    audit(store, actor, "user.password", name)
