"""The pieces the OpenAPI document (signage/web/openapi.py) is written with, and the error's
schema.

No answer or request body is written here: their schemas are generated from the pydantic
models the views declare (signage/web/answers.py) and validate with (signage/web/bodies.py).
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
ANY: Schema = {}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """A JSON object with these keys (further keys allowed, so additions do not break)."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


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
                "properties": {
                    "code": STRING,
                    "message": STRING,
                    "details": ANY,
                    # Only to a signed-in browser session: for the staff pages' scripts.
                    "text": {
                        "type": "string",
                        "description": "The message in the staff pages' language.",
                    },
                },
            }
        },
    },
}
