"""Admins only: staff accounts (disable, enable) and API tokens (list, revoke by id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request
from pydantic import BaseModel, ConfigDict

from signage.accounts.staff import Role
from signage.accounts.tokens import Token, list_tokens, revoke_token_id
from signage.accounts.users import list_users, set_disabled
from signage.web.answers import answers
from signage.web.api.base import bp
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts


class Account(BaseModel):
    """A staff account as admins see it, without its password."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    disabled: bool
    unit: str | None  # the tribunal whose things it may change; None: county-wide
    created_at: dt.datetime


class Accounts(BaseModel):
    """Every staff account, by name."""

    model_config = ConfigDict(extra="forbid")

    users: list[Account]


class AccountSwitched(BaseModel):
    """An account's new state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    disabled: bool


class TokenList(BaseModel):
    """Every API token (of one user when asked), newest first."""

    model_config = ConfigDict(extra="forbid")

    tokens: list[Token]


class TokenRevoked(BaseModel):
    """The id of the token that stopped working."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    revoked: int


@bp.get("/users")
@staff_required("admin")
@answers(Accounts)
def users_list() -> Any:
    """Every account with its role and whether it is disabled."""
    return Accounts(
        users=[
            Account(
                name=user.name,
                role=user.role,
                disabled=user.disabled,
                unit=user.unit,
                created_at=user.created_at,
            )
            for user in list_users(parts().store)
        ]
    )


def _switch(name: str, disabled: bool) -> AccountSwitched:
    set_disabled(parts().store, name, disabled, staff_user())
    return AccountSwitched(name=name, disabled=disabled)


@bp.post("/users/<name>/disable")
@staff_required("admin")
@answers(AccountSwitched)
def user_disable(name: str) -> Any:
    """Disable the account: its sessions and tokens stop working at once."""
    return _switch(name, True)


@bp.post("/users/<name>/enable")
@staff_required("admin")
@answers(AccountSwitched)
def user_enable(name: str) -> Any:
    """Let a disabled account sign in again (its old tokens stay revoked)."""
    return _switch(name, False)


@bp.get("/tokens")
@staff_required("admin")
@answers(TokenList)
def tokens_list() -> Any:
    """Every API token (of ?user= when given), newest first, without the secret."""
    return TokenList(tokens=list_tokens(parts().store, request.args.get("user")))


@bp.delete("/tokens/<int:token_id>")
@staff_required("admin")
@answers(TokenRevoked)
def token_revoke(token_id: int) -> Any:
    """Revoke a token by its id, without knowing its text."""
    revoke_token_id(parts().store, token_id, staff_user())
    return TokenRevoked(revoked=token_id)
