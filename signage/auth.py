"""Who may call what: staff users with tokens or sessions, screens with their keys."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from signage.csrf import check_csrf
from signage.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from signage.revisions import audit
from signage.store import Store, now

ROLES = ("admin", "editor")
USER_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
TOKEN_PREFIX = "sgn_"
MIN_PASSWORD = 8

F = TypeVar("F", bound=Callable[..., Any])


def digest(secret: str) -> str:
    """SHA-256 of a random secret; what the store keeps instead of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


# -- staff ---------------------------------------------------------------------------------


def add_user(store: Store, name: str, role: str, password: str | None) -> int:
    """Create a staff user; the password is kept only as a salted hash."""
    if not USER_NAME.match(name):
        raise Invalid("a user name is 1-64 letters, digits, Chinese characters, '.', '-' or '_'")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must have at least {MIN_PASSWORD} characters")
    hashed = generate_password_hash(password) if password else None
    try:
        return store.add_user(name, role, hashed)
    except sa.exc.IntegrityError:
        raise Conflict(f"there is already a user named {name!r}") from None


def create_token(
    store: Store, name: str, days: int | None = None, actor: dict[str, Any] | None = None
) -> str:
    """A new API token for the user, valid `days` days (None: until revoked); shown once."""
    user = store.user_by_name(name)
    if user is None or user["disabled"]:
        raise NotFound(f"there is no active user named {name!r}; add one with `signage user add`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = None if days is None else now() + dt.timedelta(days=days)
    store.add_token(user["id"], digest(token), expires_at)
    audit(
        store,
        actor,
        "token.create",
        name,
        {"expires_at": expires_at.isoformat(timespec="seconds") if expires_at else None},
    )
    return token


def revoke_token(store: Store, token: str, actor: dict[str, Any] | None = None) -> None:
    """Stop a token from working at once; 404 when it is unknown or already revoked."""
    if not store.revoke_token(digest(token.strip())):
        raise NotFound("no live token matches; it may be mistyped or already revoked")
    audit(store, actor, "token.revoke", token.strip()[: len(TOKEN_PREFIX) + 4] + "…")


def authenticate(store: Store, name: str, password: str) -> dict[str, Any]:
    """The user whose name and password these are; 401 (and an audit entry) otherwise."""
    user = store.user_by_name(name)
    if (
        user is None
        or user["disabled"]
        or not user["password_hash"]
        or not check_password_hash(user["password_hash"], password)
    ):
        audit(store, None, "login.failed", name[:64])
        raise Unauthorized("the user name or password is wrong", code="bad_login")
    audit(store, user, "login", name)
    return user


def current_user() -> dict[str, Any] | None:
    """The staff user of this request (Bearer token or browser session), or None."""
    if "user" in g:
        return g.user
    store: Store = current_app.extensions["signage"].store
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = store.user_by_token(digest(header.removeprefix("Bearer ").strip()))
        if user is None:
            raise Unauthorized(
                "the token is wrong, expired or revoked; create a new one with "
                "`signage token create <user>`",
                code="bad_token",
            )
    elif session.get("user"):
        check_csrf()  # a cookie is ambient authority: state changes need the page's token
        found = store.user_by_name(session["user"])
        user = found if found and not found["disabled"] else None
    g.user = user
    return user


def staff_required(role: str | None = None) -> Callable[[F], F]:
    """Decorator: the request must come from a signed-in user (with this role, if given)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise Unauthorized(
                    "sign in first, or send the header Authorization: Bearer <token>"
                )
            if role is not None and user["role"] != role:
                raise Forbidden(f"this needs the {role} role; ask an administrator")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


# -- screens -------------------------------------------------------------------------------


def derive_screen_key(secret_key: str, screen_id: str, generation: int) -> str:
    """The key of a screen: derived from the site secret, so the URL can be printed again."""
    mac = hmac.new(
        secret_key.encode(), f"screen:{screen_id}:{generation}".encode(), hashlib.sha256
    ).digest()
    return urlsafe_b64encode(mac[:24]).decode()


def ensure_screen_key(store: Store, secret_key: str, screen_id: str) -> str:
    """The screen's current key, created on first use (or after a revocation)."""
    row = store.screen_key_row(screen_id)
    if row is not None and row["key_hash"]:
        return derive_screen_key(secret_key, screen_id, row["generation"])
    generation = row["generation"] + 1 if row else 1
    key = derive_screen_key(secret_key, screen_id, generation)
    store.set_screen_key(screen_id, generation, digest(key))
    return key


def rotate_screen_key(store: Store, secret_key: str, screen_id: str) -> str:
    """Give the screen a new key; the old URL stops working at once."""
    row = store.screen_key_row(screen_id)
    generation = (row["generation"] if row else 0) + 1
    key = derive_screen_key(secret_key, screen_id, generation)
    store.set_screen_key(screen_id, generation, digest(key))
    return key


def revoke_screen_key(store: Store, screen_id: str) -> None:
    """Take the screen's key away: its URL gets 403 until a new key is made."""
    row = store.screen_key_row(screen_id)
    store.set_screen_key(screen_id, row["generation"] if row else 0, None)


def screen_key_from_request() -> str:
    """The key a screen sent: `?key=`, the X-Screen-Key header, or its cookie."""
    return (
        request.headers.get("X-Screen-Key")
        or request.args.get("key")
        or request.cookies.get("screen_key")
        or ""
    )
