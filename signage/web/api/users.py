"""Admins only: staff accounts (disable, enable) and API tokens (list, revoke by id)."""

from __future__ import annotations

from typing import Any

from flask import request

from signage.accounts.tokens import list_tokens, revoke_token_id
from signage.accounts.users import list_users, set_disabled
from signage.config.when import iso
from signage.web.api.base import bp
from signage.web.auth import current_user, staff_required
from signage.web.context import parts


@bp.get("/users")
@staff_required("admin")
def users_list() -> Any:
    """Every account with its role and whether it is disabled."""
    return {
        "users": [
            {
                "name": row["name"],
                "role": row["role"],
                "disabled": row["disabled"],
                "unit": row["unit"],
                "created_at": iso(row["created_at"]),
            }
            for row in list_users(parts().store)
        ]
    }


def _switch(name: str, disabled: bool) -> Any:
    set_disabled(parts().store, name, disabled, current_user())
    return {"name": name, "disabled": disabled}


@bp.post("/users/<name>/disable")
@staff_required("admin")
def user_disable(name: str) -> Any:
    """Disable the account: its sessions and tokens stop working at once."""
    return _switch(name, True)


@bp.post("/users/<name>/enable")
@staff_required("admin")
def user_enable(name: str) -> Any:
    """Let a disabled account sign in again (its old tokens stay revoked)."""
    return _switch(name, False)


@bp.get("/tokens")
@staff_required("admin")
def tokens_list() -> Any:
    """Every API token (of ?user= when given), newest first, without the secret."""
    return {"tokens": list_tokens(parts().store, request.args.get("user"))}


@bp.delete("/tokens/<int:token_id>")
@staff_required("admin")
def token_revoke(token_id: int) -> Any:
    """Revoke a token by its id, without knowing its text."""
    revoke_token_id(parts().store, token_id, current_user())
    return {"revoked": token_id}
