"""The JSON schemas of the API's bodies, for the OpenAPI document (signage/web/openapi.py)."""

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
    "YamlDocument": obj({"yaml": STRING}, {"id": STRING}),
    "YamlFile": obj({"file": STRING, "etag": STRING, "yaml": STRING}),
    "Saved": obj(
        {"file": STRING, "etag": STRING, "revision": INT, "warnings": array(ref("Issue"))}
    ),
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
            "action": {"enum": ["save", "create", "delete", "restore", "disk"]},
            "restored_from": nullable(INT),
            "created_at": TIME,
            "deleted": BOOL,
            "size": nullable(INT),
        }
    ),
    "RevisionText": {"allOf": [ref("Revision"), obj({"text": nullable(STRING)})]},
    "RevisionList": obj({"file": STRING, "revisions": array(ref("Revision"))}),
    "AuditList": obj(
        {
            "entries": array(
                obj(
                    {
                        "id": INT,
                        "at": TIME,
                        "user": nullable(STRING),
                        "action": STRING,
                        "target": nullable(STRING),
                        "details": ANY,
                    }
                )
            )
        }
    ),
    "NewAlert": obj(
        {
            "text": {"type": "string", "maxLength": 200},
            "screens": {"anyOf": [array(STRING), {"const": "all"}]},
            "until": {**TIME, "description": "ISO-8601 with offset; at most 7 days"},
        }
    ),
    "Alert": obj(
        {
            "id": INT,
            "text": STRING,
            "screens": {"anyOf": [array(STRING), {"const": "all"}]},
            "reaches": array(STRING),
            "until": TIME,
            "created_by": nullable(STRING),
            "created_at": TIME,
            "ended_at": nullable(TIME),
        }
    ),
    "AlertList": obj({"alerts": array(ref("Alert"))}),
    "ScreenList": obj(
        {
            "screens": array(
                obj(
                    {
                        "id": STRING,
                        "name": STRING,
                        "groups": array(STRING),
                        "orientation": {"enum": ["landscape", "portrait"]},
                        "status": {"enum": ["online", "offline", "never"]},
                        "last_seen": nullable(TIME),
                        "now_playing": nullable({"type": "object"}),
                        "player_version": nullable(STRING),
                        "last_error": nullable(STRING),
                        "cache": nullable({"type": "object"}),
                        "address": nullable(STRING),
                        "key": {"enum": ["none", "active", "revoked"]},
                    }
                )
            )
        }
    ),
    "KeyRotated": obj({"screen": STRING, "display_url": STRING}),
    "KeyRevoked": obj({"screen": STRING, "key": {"const": "revoked"}}),
    "PlanItem": obj(
        {"key": STRING, "type": {"enum": ["clip", "tip", "image"]}},
        {"media": STRING, "text": STRING, "seconds": INT},
    ),
    "Timeline": obj(
        {
            "screen": STRING,
            "timezone": STRING,
            "from": TIME,
            "to": TIME,
            "segments": array(
                obj(
                    {
                        "start": TIME,
                        "end": TIME,
                        "playlists": array(STRING),
                        "decided_by": STRING,
                        "items": array(ref("PlanItem")),
                        "rules": array(
                            obj(
                                {
                                    "rule": INT,
                                    "playlist": STRING,
                                    "priority": INT,
                                    "outcome": STRING,
                                    "reason": STRING,
                                }
                            )
                        ),
                    }
                )
            ),
        }
    ),
    "Manifest": obj(
        {
            "version": INT,
            "server_time": TIME,
            "poll_seconds": INT,
            "screen": obj(
                {"id": STRING, "name": STRING, "orientation": STRING},
                {"captions": BOOL, "courtroom": nullable(STRING), "hearing_band": BOOL},
            ),
            "site": obj({"name": STRING, "timezone": STRING}),
            "segments": array(
                obj(
                    {
                        "start": TIME,
                        "end": TIME,
                        "playlist": STRING,
                        "playlists": array(STRING),
                        "name": STRING,
                        "items": array(
                            obj(
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
                                    "qr": obj({"url": STRING, "size": INT, "path": STRING}),
                                    "captions": STRING,
                                },
                            )
                        ),
                    }
                )
            ),
            "ticker": array(obj({"text": STRING, "start": TIME, "end": TIME})),
            "alert": nullable(obj({"id": INT, "text": STRING, "until": TIME})),
        }
    ),
    "Heartbeat": {
        "type": "object",
        "properties": {
            "now_playing": nullable({"type": "object"}),
            "player_version": nullable({"type": "string", "maxLength": 64}),
            "last_error": nullable({"type": "string", "maxLength": 2000}),
            "cache": nullable({"type": "object"}),
        },
    },
    "HeartbeatAnswer": obj({"ok": BOOL, "server_time": TIME}),
    "PlayBatch": obj(
        {
            "plays": {
                "type": "array",
                "maxItems": 1000,
                "items": obj(
                    {
                        "id": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9_.:\\-]{1,64}$",
                            "description": "Made by the screen; a retried record counts once",
                        },
                        "item": {
                            "type": "string",
                            "description": "<playlist-id>#<index>, as in manifests",
                        },
                        "type": {"enum": ["video", "image", "tip", "hearings"]},
                        "started_at": TIME,
                        "seconds": NUMBER,
                    },
                    {"media": STRING},
                ),
            }
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
                        "item": STRING,
                        "type": STRING,
                        "media": nullable(STRING),
                        "title": nullable(STRING),
                        "plays": INT,
                        "seconds": NUMBER,
                        "in_config": BOOL,
                    }
                )
            ),
        }
    ),
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
        }
    ),
    "MediaList": obj({"media": array(ref("Media"))}),
    "MediaQueued": obj({"id": STRING, "status": STRING}),
    "MediaDeleted": obj({"id": STRING, "deleted": BOOL}),
    "Login": obj({"name": STRING, "password": STRING}),
    "Who": obj({"name": STRING, "role": {"enum": ["admin", "editor"]}}),
    "SignedOut": obj({"signed_out": BOOL}),
}
