"""Builders of the OpenAPI document's operations: security, error answers, parameters."""

from __future__ import annotations

from typing import Any

from signage.web.openapi_schemas import STRING, Schema, obj, ref, reply

ERRORS = {
    400: "The request is malformed (for example a bad id)",
    401: "No valid token or session",
    403: "Signed in, but the role does not allow this (or a wrong screen key)",
    404: "There is no such thing",
    409: "Refused because of the current state (exists, in use)",
    412: "Someone saved the file since it was read (If-Match is stale)",
    413: "The body is too large",
    415: "The body's Content-Type is not accepted",
    422: "The content has problems; `details` lists each one",
    428: "If-Match is required",
    503: "No configuration has loaded yet",
    507: "The disk is too full to receive the upload",
}


def operation(
    summary: str,
    auth: str | None,
    ok: dict[int, dict[str, Any]],
    errors: tuple[int, ...] = (),
    params: tuple[Schema, ...] = (),
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation; auth is staff, admin, screen or None (public)."""
    statuses = set(errors) | {400, 404, 405, 413}
    security: list[dict[str, list[str]]] = []
    if auth in ("staff", "admin"):
        statuses |= {401, 403}
        security = [{"bearer": []}, {"session": []}]
    elif auth == "screen":
        statuses |= {403}
        security = [{"screenKey": []}, {"screenKeyHeader": []}]
    responses: dict[str, Any] = {str(code): spec for code, spec in ok.items()}
    for code in sorted(statuses):
        responses[str(code)] = reply(ERRORS.get(code, "Error"), ref("Error"))
    responses["default"] = reply("Any other error, in the same shape", ref("Error"))
    op: dict[str, Any] = {"summary": summary, "responses": responses, "security": security}
    if auth == "admin":
        op["description"] = "Needs the admin role."
    if params:
        op["parameters"] = list(params)
    if body is not None:
        op["requestBody"] = body
    return op


def path_param(name: str, text: str, schema: Schema = STRING) -> Schema:
    """A parameter of the URL path."""
    return {"name": name, "in": "path", "required": True, "description": text, "schema": schema}


def query(name: str, text: str, schema: Schema = STRING) -> Schema:
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "description": text, "schema": schema}


def header(name: str, text: str) -> Schema:
    """An optional request header."""
    return {"name": name, "in": "header", "required": False, "description": text, "schema": STRING}


MEDIA_ID = path_param("media_id", "Media id (lowercase letters, digits, - and _)")
FILE_FORM = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": obj({"file": {"type": "string", "format": "binary"}})}
    },
}
