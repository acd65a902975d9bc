"""Checks every /api/v1 answer a test gets against the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from signage.web.openapi import openapi_document

PREFIX = "/api/v1"
DOCUMENT = openapi_document()


def path_template(app: Flask, path: str, method: str) -> str | None:
    """The documented path of a request ("/playlists/{playlist_id}"); None when unrouted."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
    except HTTPException:
        return None
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule).removeprefix(PREFIX)


def check_against_schema(body: Any, schema: dict[str, Any]) -> None:
    """Fail with the first mismatch between a JSON body and a schema of the document."""
    root = {**schema, "components": DOCUMENT["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: e.path)
    assert not errors, f"{errors[0].message} at {list(errors[0].path)}"


def check_response(app: Flask, method: str, path: str, response: TestResponse) -> None:
    """The status is documented for this operation and the body matches its schema."""
    template = path_template(app, path, method)
    if template is None:  # unrouted: still the one error shape
        check_against_schema(response.get_json(), DOCUMENT["components"]["schemas"]["Error"])
        return
    operation = DOCUMENT["paths"].get(template, {}).get(method.lower())
    assert operation, f"{method} {template} is not in the OpenAPI document"
    status = str(response.status_code)
    spec = operation["responses"].get(status)
    if spec is None:
        assert response.status_code >= 400, f"{method} {template} {status} is undocumented"
        spec = operation["responses"]["default"]
    content = spec.get("content")
    if not content:
        return
    assert response.mimetype in content, f"{method} {template} {status}: {response.mimetype}"
    if response.mimetype == "application/json":
        check_against_schema(response.get_json(), content["application/json"]["schema"])


class Api:
    """The Flask test client with a token, checking each answer against the document."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def open(
        self,
        method: str,
        path: str,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        """Send a request to /api/v1<path>; the checked response."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        full = PREFIX + path
        response = self.client.open(full, method=method, headers=headers, **kwargs)
        check_response(self.app, method, full.split("?", 1)[0], response)
        return response

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.open("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.open("POST", path, token, **kwargs)

    def put(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.open("PUT", path, token, **kwargs)

    def patch(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.open("PATCH", path, token, **kwargs)

    def delete(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.open("DELETE", path, token, **kwargs)


def error_of(response: TestResponse) -> dict[str, Any]:
    """The error object of an answer, after checking it is the one error shape."""
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]
