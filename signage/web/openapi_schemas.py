"""The JSON schemas of the API's answers, for the OpenAPI document (signage/web/openapi.py).

Request bodies are not written here: their schemas come from the pydantic models that
validate them (signage/web/bodies.py).
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
ANY: Schema = {}


def nullable(schema: Schema) -> Schema:
    """The schema or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """A JSON object with these keys (further keys allowed, so additions do not break)."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def array(items: Schema) -> Schema:
    """A JSON array of items."""
    return {"type": "array", "items": items}


def ref(name: str) -> Schema:
    """A reference to a named schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: Schema) -> dict[str, Any]:
    """A JSON body of this schema."""
    return {"content": {"application/json": {"schema": schema}}}


def reply(text: str, schema: Schema | None = None, **extra: Any) -> dict[str, Any]:
    """A documented response: description, JSON schema (if any) and other fields."""
    return {"description": text, **(json_content(schema) if schema is not None else {}), **extra}


SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "additionalProperties": False,
                "properties": {"code": STRING, "message": STRING, "details": ANY},
            }
        },
    },
    "Review": obj(
        {
            "id": INT,
            "file": STRING,
            "action": {"enum": ["save", "create", "restore"]},
            "author": STRING,
            "state": {"enum": ["pending", "approved", "rejected"]},
            "comment": nullable(STRING),
            "decided_by": nullable(STRING),
            "decided_at": nullable(TIME),
            "base_revision": nullable(INT),
            "revision": nullable(INT),
            "version": STRING,
            "created_at": TIME,
            "updated_at": TIME,
            "url": STRING,
        }
    ),
    "ReviewDetail": {
        "allOf": [
            ref("Review"),
            obj(
                {
                    "text": STRING,
                    "diff": STRING,
                    "file_moved_on": BOOL,
                    "media_added": array(STRING),
                    "media": array(ref("Media")),
                }
            ),
        ]
    },
    "Media": obj(
        {
            "id": STRING,
            "kind": nullable(STRING),
            "title": nullable(STRING),
            "original_name": nullable(STRING),
            "status": {"enum": ["queued", "processing", "ready", "failed"]},
            "progress": NUMBER,
            "error": nullable(STRING),
            "duration": nullable(NUMBER),
            "width": nullable(INT),
            "height": nullable(INT),
            "url": nullable(STRING),
            "used_by": array(STRING),
            "approved": BOOL,
            "captions_pending": nullable(STRING),  # held captions' file: the version to approve
            "captions_pending_by": nullable(STRING),
            "published": BOOL,
            "publisher": nullable(STRING),  # the trusted publisher it came from
            "withdrawn_at": nullable(TIME),  # no longer in that publisher's feed
            "topics": array(STRING),
        },
        {"unit": nullable(STRING)},  # the uploader's unit; null: the county's
    ),
    "MediaList": obj({"media": array(ref("Media"))}),
    "MediaQueued": obj({"id": STRING, "status": STRING}),
    "MediaDeleted": obj({"id": STRING, "deleted": BOOL}),
}
