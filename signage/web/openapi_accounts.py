"""The OpenAPI description of the admins' account routes (web/api/users.py)."""

from __future__ import annotations

from typing import Any

from signage.web.openapi_operations import operation, path_param, query
from signage.web.openapi_schemas import INT, reply

_NAME = path_param("name", "The user name")
_SWITCHED = {200: reply("The account's new state")}

ACCOUNT_PATHS: dict[str, Any] = {
    "/users": {"get": operation("Staff accounts", "admin", {200: reply("Accounts")})},
    "/users/{name}/disable": {
        "post": operation("Disable an account", "admin", _SWITCHED, (409,), (_NAME,))
    },
    "/users/{name}/enable": {
        "post": operation("Enable an account", "admin", _SWITCHED, (), (_NAME,))
    },
    "/tokens": {
        "get": operation(
            "API tokens",
            "admin",
            {200: reply("Tokens, newest first")},
            (),
            (query("user", "Only this user's tokens"),),
        )
    },
    "/tokens/{token_id}": {
        "delete": operation(
            "Revoke a token by id",
            "admin",
            {200: reply("Revoked")},
            (),
            (path_param("token_id", "The token's id", INT),),
        )
    },
}
