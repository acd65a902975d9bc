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
    "Issue": obj(
        {
            "file": STRING,
            "line": nullable(INT),
            "column": nullable(INT),
            "severity": {"enum": ["error", "warning"]},
            "code": STRING,
            "message": STRING,
        },
        # The message as an English template and its parameters, for clients that translate.
        {"template": STRING, "params": {"type": "object"}},
    ),
    "YamlFile": obj({"file": STRING, "etag": STRING, "yaml": STRING}),
    "Saved": obj(
        {"file": STRING, "etag": STRING, "revision": INT, "warnings": array(ref("Issue"))}
    ),
    "Held": obj(
        {
            "file": STRING,
            "etag": nullable(STRING),
            "review": obj({"id": INT, "state": {"enum": ["pending"]}, "url": STRING}),
            "warnings": array(ref("Issue")),
        }
    ),
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
    "ReviewList": obj({"reviews": array(ref("Review"))}),
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
    "PlaylistList": obj(
        {
            "playlists": array(
                obj(
                    {"id": STRING, "file": STRING, "name": nullable(STRING), "items": nullable(INT)}
                )
            )
        }
    ),
    "Deleted": obj({"deleted": STRING, "revision": INT}),
    "Revision": obj(
        {
            "revision": INT,
            "file": STRING,
            "author": STRING,
            "action": {"enum": ["save", "create", "delete", "restore", "disk", "approve"]},
            "restored_from": nullable(INT),
            "created_at": TIME,
            "deleted": BOOL,
            "size": nullable(INT),
        }
    ),
    "RevisionText": {"allOf": [ref("Revision"), obj({"text": nullable(STRING)})]},
    "RevisionList": obj({"file": STRING, "revisions": array(ref("Revision"))}),
    "ManifestItem": obj(
        {
            "key": STRING,
            "type": {"enum": ["video", "image", "tip", "hearings"]},
            "duration": nullable(NUMBER),
        },
        {
            "url": STRING,
            "media": STRING,
            "title": STRING,
            "body": STRING,
            "poster": STRING,
            "bytes": INT,
            "qr": obj({"url": STRING, "size": INT, "path": STRING}),
            "captions": STRING,
        },
    ),
    "Manifest": obj(
        {
            "version": INT,
            "server_time": TIME,
            "poll_seconds": INT,
            "screen": obj(
                {"id": STRING, "name": STRING, "orientation": STRING},
                {
                    "captions": BOOL,
                    "courtroom": nullable(STRING),
                    "hearing_band": BOOL,
                    "sync": BOOL,
                },
            ),
            "site": obj({"name": STRING, "timezone": STRING}, {"prefetch": STRING}),
            "hours": nullable(
                obj(
                    {
                        "text": STRING,
                        "until": TIME,
                        "awake": array(obj({"start": TIME, "end": TIME})),
                    }
                )
            ),
            "segments": array(
                obj(
                    {
                        "start": TIME,
                        "end": TIME,
                        "playlist": STRING,
                        "playlists": array(STRING),
                        "name": STRING,
                        "layout": STRING,
                        "items": array(ref("ManifestItem")),
                    }
                )
            ),
            "layouts": {
                "type": "object",
                "additionalProperties": obj(
                    {
                        "name": STRING,
                        "main": STRING,
                        "zones": array(
                            obj(
                                {
                                    "id": STRING,
                                    "area": array(NUMBER),
                                    "kind": {"enum": ["main", "playlist", "hearings"]},
                                },
                                {
                                    "playlist": STRING,
                                    "segments": array(
                                        obj(
                                            {
                                                "start": TIME,
                                                "end": TIME,
                                                "items": array(ref("ManifestItem")),
                                            }
                                        )
                                    ),
                                },
                            )
                        ),
                    }
                ),
            },
            "ticker": array(obj({"text": STRING, "start": TIME, "end": TIME})),
            "alert": nullable(obj({"id": INT, "text": STRING, "until": TIME})),
        }
    ),
    "HeartbeatAnswer": obj(
        {"ok": BOOL, "server_time": TIME},
        {"requests": array({"enum": ["snapshot", "reload"]})},
    ),
    "SnapshotStored": obj({"screen": STRING, "taken_at": TIME}),
    "KioskStatus": obj(
        {
            "screen": STRING,
            "awake": BOOL,
            "reporting": BOOL,
            "last_seen": nullable(TIME),
            "changes_at": nullable(TIME),
            "poll_seconds": INT,
        }
    ),
    "PlaysStored": obj(
        {"received": INT, "stored": INT, "unknown_items": array(STRING), "server_time": TIME}
    ),
    "PlayReport": obj(
        {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "screen": nullable(STRING),
            "rows": array(
                obj(
                    {
                        "day": {"type": "string", "format": "date"},
                        "screen": STRING,
                        "screen_name": nullable(STRING),
                        "playlist": nullable(STRING),
                        "playlist_name": nullable(STRING),
                        "item": STRING,
                        "type": STRING,
                        "media": nullable(STRING),
                        "title": nullable(STRING),
                        "plays": INT,
                        "seconds": NUMBER,
                        "in_config": BOOL,
                        "zone": nullable(STRING),
                    }
                )
            ),
        }
    ),
    "Ledger": obj(
        {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "by": {"enum": ["topic", "unit", "screen", "item"]},
            "rows": array(ref("LedgerRow")),
            "summary": array(ref("LedgerRow")),
            "requirements": array(
                obj(
                    {
                        "requirement": INT,
                        "day": {"type": "string", "format": "date"},
                        "screen": STRING,
                        "screen_name": STRING,
                        "clip": STRING,
                        "title": STRING,
                        "required": INT,
                        "played": INT,
                        "met": BOOL,
                        "on_hours": NUMBER,  # the hours its screen was on that day
                    }
                )
            ),
            "campaigns": array(
                obj(
                    {
                        "campaign": INT,
                        "topic": STRING,
                        "topic_name": STRING,
                        "screen": STRING,
                        "screen_name": STRING,
                        "first": {"type": "string", "format": "date"},
                        "last": {"type": "string", "format": "date"},
                        "wanted": INT,
                        "reached": NUMBER,
                        "met": BOOL,
                    }
                )
            ),
            "uptime": array(ref("LedgerUptime")),  # hours each screen was on per month
        }
    ),
    "LedgerUptime": obj(
        {
            "month": STRING,
            "screen": STRING,
            "screen_name": STRING,
            "unit": nullable(STRING),
            "unit_name": STRING,
            "on_hours": NUMBER,
            "days_on": INT,
        }
    ),
    "LedgerRow": obj(
        {
            "topic": nullable(STRING),
            "topic_name": STRING,
            "unit": nullable(STRING),
            "unit_name": STRING,
            "month": nullable(STRING),
            "plays": INT,
            "airtime_seconds": NUMBER,
            "airtime_hours": NUMBER,
            "items": INT,
            "screens": INT,
            "screen_ids": array(STRING),
            "on_hours": NUMBER,  # the hours the screen_ids were on in the month (or period)
        },
        {
            "screen": STRING,
            "screen_name": STRING,
            "item": STRING,
            "title": nullable(STRING),
        },
    ),
}
