"""API tokens for scripts: made for a user, shown once, kept only as a hash, revocable."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.accounts.staff import StaffUser
from signage.accounts.users import STAFF_COLUMNS, user_by_name
from signage.config.when import iso
from signage.db import Store, digest, now, tokens, users
from signage.errors import NotFound
from signage.phrases import N_

TOKEN_PREFIX = "sgn_"


def create_token(
    store: Store, name: str, days: int | None = None, actor: StaffUser | None = None
) -> str:
    """A new API token for the user, valid `days` days (None: until revoked); shown once."""
    user = user_by_name(store, name)
    if user is None or user.disabled:
        raise NotFound(
            N_("there is no active user named {name!r}; add one with `signage user add`"),
            name=name,
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = None if days is None else now() + dt.timedelta(days=days)
    with store.engine.begin() as conn:
        conn.execute(
            tokens.insert().values(
                user_id=user.id,
                token_hash=digest(token),
                created_at=now(),
                expires_at=expires_at,
            )
        )
    audit(
        store,
        actor,
        "token.create",
        name,
        {"expires_at": iso(expires_at) if expires_at else None},
    )
    return token


def user_by_token(store: Store, token: str) -> StaffUser | None:
    """The user a live (not revoked, not expired) token belongs to; notes its use."""
    moment = now()
    query = (
        sa.select(
            *STAFF_COLUMNS,
            tokens.c.id.label("token_id"),
            tokens.c.last_used_at.label("token_last_used"),
        )
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(
            tokens.c.token_hash == digest(token),
            tokens.c.revoked_at.is_(None),
            users.c.disabled.is_(False),
        )
        .where(sa.or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > moment))
    )
    with store.engine.begin() as conn:
        found = conn.execute(query).mappings().first()
        if found is None:
            return None
        row = dict(found)
        token_id, last_used = row.pop("token_id"), row.pop("token_last_used")
        conn.execute(tokens.update().where(tokens.c.id == token_id).values(last_used_at=moment))
    user = StaffUser(**row)
    # One audit line per token and day: enough to see a leaked token at work, not a flood.
    if last_used is None or last_used.date() != moment.date():
        audit(store, user, "token.use", f"token {token_id}")
    return user


class Token(BaseModel):
    """An API token as admins see it, without its secret."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    user: str
    created_at: dt.datetime
    expires_at: dt.datetime | None  # None: until revoked
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def list_tokens(store: Store, name: str | None = None) -> list[Token]:
    """Every token (of one user, if named), newest first, without its secret."""
    query = (
        sa.select(
            tokens.c.id,
            users.c.name.label("user"),
            tokens.c.created_at,
            tokens.c.expires_at,
            tokens.c.last_used_at,
            tokens.c.revoked_at,
        )
        .join(users, users.c.id == tokens.c.user_id)
        .order_by(tokens.c.id.desc())
    )
    if name is not None:
        if user_by_name(store, name) is None:
            raise NotFound(N_("there is no user named {name!r}"), name=name)
        query = query.where(users.c.name == name)
    with store.engine.connect() as conn:
        return [Token(**row) for row in conn.execute(query).mappings()]


def revoke_token_id(store: Store, token_id: int, actor: StaffUser | None = None) -> None:
    """Stop the token with this id (from `list_tokens`) from working at once."""
    with store.engine.begin() as conn:
        revoked = conn.execute(
            tokens.update()
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        ).rowcount
    if not revoked:
        raise NotFound(
            N_("there is no live token {token_id}; `signage token list` shows them"),
            token_id=token_id,
        )
    audit(store, actor, "token.revoke", f"token {token_id}")


def revoke_token(store: Store, token: str, actor: StaffUser | None = None) -> None:
    """Stop a token from working at once; 404 when it is unknown or already revoked."""
    token = token.strip()
    with store.engine.begin() as conn:
        revoked = conn.execute(
            tokens.update()
            .where(tokens.c.token_hash == digest(token), tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        ).rowcount
    if not revoked:
        raise NotFound(N_("no live token matches; it may be mistyped or already revoked"))
    audit(store, actor, "token.revoke", token[: len(TOKEN_PREFIX) + 4] + "…")
