"""The API as a whole: every route described, errors in one shape, roles and tokens enforced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from jsonschema import Draft202012Validator

from signage.cli.main import main
from signage.db import tokens
from signage.web.api.openapi import served_routes
from signage.web.bodies import REQUEST_BODIES
from tests.web.api_check import DOCUMENT, Api, error_of

PLACEHOLDERS = {
    "screen_id": "lobby-east",
    "playlist_id": "daytime",
    "file": "site.yaml",
    "revision": "1",
    "alert_id": "1",
    "media_id": "anti-fraud",
    "review_id": "1",
    "name": "editor",
    "token_id": "1",
}


def operations(app: Flask, wanted: Callable[[dict], bool]) -> list[tuple[str, str]]:
    """(method, path) of the operations this app serves whose description is `wanted`."""
    return sorted(
        (method.upper(), path)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if wanted(operation) and (method.upper(), path) in served_routes(app)
    )


def needs(*schemes: str) -> Callable[[dict], bool]:
    """Whether an operation accepts one of these security schemes."""
    return lambda op: bool({name for s in op["security"] for name in s} & set(schemes))


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: PLACEHOLDERS[m.group(1)], path)


def operations_of(document: dict) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in document["paths"].items() for m in item}


def test_every_route_is_in_the_openapi_document_and_it_serves_just_those(
    app: Flask, api: Api
) -> None:
    routes = served_routes(app)
    assert ("PUT", "/playlists/{playlist_id}") in routes
    assert routes - operations_of(DOCUMENT) == set(), "routes missing from the document"
    served = api.get("/openapi.json")
    assert served.status_code == 200 and operations_of(served.get_json()) == routes
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_without_credentials_every_staff_route_answers_401_in_the_error_shape(
    api: Api,
) -> None:
    for method, path in operations(api.app, needs("bearer")):
        response = api.open(method, concrete(path))
        assert response.status_code == 401, (method, path)
        assert error_of(response)["code"] == "unauthorized"


def test_screen_routes_need_the_screen_key(api: Api) -> None:
    for method, path in operations(api.app, needs("screenKey")):
        response = api.open(method, concrete(path), query_string={"key": "wrong"}, json={})
        assert response.status_code == 403, (method, path)
        assert error_of(response)["code"] == "bad_screen_key"


def test_editors_are_refused_admin_actions(api: Api, editor_token: str, admin_token: str) -> None:
    admin_only = operations(api.app, lambda op: op.get("description") == "Needs the admin role.")
    assert ("GET", "/audit") in admin_only and ("POST", "/screens/{screen_id}/key") in admin_only
    for method, path in admin_only:
        refused = api.open(method, concrete(path), editor_token)
        assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    assert api.get("/audit", admin_token).status_code == 200


def test_errors_elsewhere_under_the_api_keep_the_shape(api: Api, editor_token: str) -> None:
    assert error_of(api.get("/nothing-here"))["code"] == "not_found"
    assert error_of(api.open("PATCH", "/site", editor_token))["code"] == "method_not_allowed"
    broken = api.post(
        "/alerts", editor_token, data="{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and error_of(broken)["code"] == "bad_json"


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_expired_and_revoked_tokens_stop_working(
    app: Flask, api: Api, editor_token: str, how: str
) -> None:
    assert api.get("/screens", editor_token).status_code == 200
    store = app.extensions["signage"].store
    with store.engine.begin() as conn:
        if how == "expired":
            conn.execute(
                tokens.update().values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
        else:
            conn.execute(tokens.update().values(revoked_at=dt.datetime.now(dt.UTC)))
    refused = api.get("/screens", editor_token)
    assert refused.status_code == 401 and error_of(refused)["code"] == "bad_token"


def test_token_lifetime_and_revocation_from_the_command_line(
    app: Flask,
    api: Api,
    playlists_dir,
    media_dir,
    monkeypatch: pytest.MonkeyPatch,
    admin_token: str,
    database_url: str | None,
) -> None:
    monkeypatch.setenv("SIGNAGE_PLAYLISTS_DIR", str(playlists_dir))
    monkeypatch.setenv("SIGNAGE_MEDIA_DIR", str(media_dir))
    if database_url:
        monkeypatch.setenv("SIGNAGE_DATABASE_URL", database_url)
    runner = CliRunner()
    created = runner.invoke(main, ["token", "create", "admin", "--days", "30"])
    token = created.stdout.strip()
    assert created.exit_code == 0 and api.get("/session", token).status_code == 200
    with app.extensions["signage"].store.engine.connect() as conn:
        expires = conn.scalar(sa.select(sa.func.max(tokens.c.expires_at)))
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    revoked = runner.invoke(main, ["token", "revoke", token])
    assert revoked.exit_code == 0 and "revoked" in revoked.stderr
    assert api.get("/session", token).status_code == 401
    again = runner.invoke(main, ["token", "revoke", token])
    assert again.exit_code == 1 and "already revoked" in again.stderr
    assert api.get("/session", admin_token).status_code == 200


def test_request_schemas_are_the_models_that_validate_the_requests() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for model in REQUEST_BODIES:
        generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, nested in generated.pop("$defs", {}).items():
            assert schemas[name] == nested, name
        assert schemas[model.__name__] == generated, model.__name__
    # Every JSON request body in the document names one of those models.
    named = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for item in DOCUMENT["paths"].values()
        for operation in item.values()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert named == {f"#/components/schemas/{m.__name__}" for m in REQUEST_BODIES}
    # The limits the views enforce are in the document (they once said 200 where the
    # model allowed 800, and left out the plays' item pattern and bounds).
    assert schemas["NewAlert"]["properties"]["text"]["maxLength"] == 800
    play = schemas["Play"]
    assert play["additionalProperties"] is False and "pattern" in play["properties"]["item"]
    assert play["properties"]["seconds"]["maximum"] == 24 * 3600
