"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Operations are written as data with a few builders; tests check every route is here and
that real responses match these schemas. The request bodies' schemas are generated from
the pydantic models that validate them (signage/web/bodies.py), and the answers' schemas
from the models each view declares (`@answers`, signage/web/answers.py), so the document
cannot drift from them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from pydantic import BaseModel

from signage import __version__
from signage.web.answers import declared_answers
from signage.web.bodies import REQUEST_BODIES
from signage.web.openapi_accounts import ACCOUNT_PATHS
from signage.web.openapi_hearings import HEARING_PATHS
from signage.web.openapi_operations import MEDIA_ID, header, operation, path_param, query
from signage.web.openapi_packages import PACKAGE_PATHS
from signage.web.openapi_schemas import (
    INT,
    SCHEMAS,
    STRING,
    Schema,
    json_content,
    obj,
    ref,
    reply,
)

REF_TEMPLATE = "#/components/schemas/{model}"
PREFIX = "/api/v1"
SKIP = {"HEAD", "OPTIONS"}

BINARY = {"type": "string", "format": "binary"}
SCREEN_ID = path_param("screen_id", "Screen id from site.yaml")
PLAYLIST_ID = path_param("playlist_id", "Playlist id (lowercase letters, digits, - and _)")
FILE = path_param("file", "site.yaml or <playlist-id>.yaml")
REVISION = path_param("revision", "Revision number", INT)
IF_MATCH = header("If-Match", "The ETag from GET; required by PUT (428 without, 412 if stale)")
YAML_BODY = {
    "required": True,
    "description": 'The YAML text, stored exactly as sent; or JSON {"yaml": "..."}',
    "content": {
        "text/yaml": {"schema": STRING},
        "application/yaml": {"schema": STRING},
        "application/json": {"schema": ref("YamlDocument")},
    },
}
ETAG = {"ETag": {"description": "Hash of the file's bytes", "schema": STRING}}


PLAYS_NOTE = (
    "A batch with the same id twice (duplicate_play), or a start more than 10 minutes in "
    "the future (future_play), is "
    "refused whole (422, details list each record; nothing stored). Item keys the current "
    "configuration does not know (edited since) are stored and listed in `unknown_items`."
)


def _paths() -> dict[str, dict[str, Any]]:
    staff, admin, screen = "staff", "admin", "screen"
    yaml_file = {
        200: {
            "description": "The YAML text; JSON {file, etag, yaml} with Accept: application/json",
            "headers": ETAG,
            "content": {"text/yaml": {"schema": STRING}},
        }
    }
    held = reply("With review on: kept as a draft for a reviewer; file unchanged")
    saved = {200: reply("Saved; the new ETag", headers=ETAG), 202: held}
    review_id = path_param("review_id", "Review number", INT)
    decision = {"required": True, **json_content(ref("Decision"))}
    put_errors = (409, 412, 415, 422, 428)
    return {
        "/openapi.json": {"get": operation("This document", None, {200: reply("OpenAPI 3.1")})},
        "/session": {
            "post": operation(
                "Sign in (sets the session cookie)",
                None,
                {200: reply("Signed in")},
                (401, 422),
                body={"required": True, **json_content(ref("Login"))},
            ),
            "get": operation("Who is signed in", staff, {200: reply("The user")}),
            "delete": operation("Sign out", staff, {200: reply("Signed out")}),
        },
        "/site": {
            "get": operation("site.yaml as stored", staff, yaml_file),
            "put": operation(
                "Replace site.yaml (validated with every playlist)",
                staff,
                saved,
                put_errors,
                (IF_MATCH,),
                YAML_BODY,
            ),
        },
        "/playlists": {
            "get": operation("The playlists", staff, {200: reply("Every playlist file")}),
            "post": operation(
                "Create a playlist (id in ?id= or the JSON body)",
                staff,
                {201: reply("Created", headers=ETAG), 202: held},
                (409, 415, 422),
                (query("id", "The new playlist's id"),),
                YAML_BODY,
            ),
        },
        "/playlists/{playlist_id}": {
            "get": operation("A playlist's YAML as stored", staff, yaml_file, (), (PLAYLIST_ID,)),
            "put": operation(
                "Replace a playlist (validated, If-Match, atomic)",
                staff,
                saved,
                put_errors,
                (PLAYLIST_ID, IF_MATCH),
                YAML_BODY,
            ),
            "delete": operation(
                "Delete a playlist no rule uses",
                staff,
                {200: reply("Deleted")},
                (409, 412, 422),
                (PLAYLIST_ID, IF_MATCH),
            ),
        },
        "/history/{file}": {
            "get": operation(
                "Revisions of a file, newest first",
                staff,
                {200: reply("Revisions")},
                (422,),
                (FILE, query("limit", "At most this many", INT)),
            )
        },
        "/history/{file}/{revision}": {
            "get": operation(
                "One revision with its text",
                staff,
                {200: reply("The revision")},
                (),
                (FILE, REVISION),
            )
        },
        "/history/{file}/diff": {
            "get": operation(
                "Unified diff between two revisions",
                staff,
                {
                    200: {
                        "description": "diff -u output",
                        "content": {"text/x-diff": {"schema": STRING}},
                    }
                },
                (422,),
                (FILE, query("from", "Older revision", INT), query("to", "Newer revision", INT)),
            )
        },
        "/history/{file}/{revision}/restore": {
            "post": operation(
                "Restore a revision (validated like a save; a new revision)",
                staff,
                saved,
                (409, 412, 422),
                (FILE, REVISION, IF_MATCH),
            )
        },
        "/audit": {
            "get": operation(
                "The audit log, newest first",
                admin,
                {200: reply("Entries")},
                (422,),
                (
                    query("limit", "At most this many", INT),
                    query("before", "Entries older than this id", INT),
                    query("action", "Only this action"),
                    query("user", "Only this user"),
                    query("unit", "Only what this unit's people did"),
                ),
            )
        },
        "/alerts": {
            "get": operation("Alerts showing now", staff, {200: reply("Active alerts")}, (503,)),
            "post": operation(
                "Put an urgent message on screens",
                staff,
                {201: reply("Posted")},
                (422, 503),
                body={"required": True, **json_content(ref("NewAlert"))},
            ),
        },
        "/alerts/{alert_id}": {
            "delete": operation(
                "End an alert",
                staff,
                {200: reply("The ended alert")},
                (503,),
                (path_param("alert_id", "Alert id", INT),),
            )
        },
        "/reviews": {
            "get": operation(
                "Drafts, newest first (editors see their own)",
                staff,
                {200: reply("Reviews")},
                (422,),
                (query("state", "pending, approved or rejected"),),
            )
        },
        "/reviews/{review_id}": {
            "get": operation(
                "A draft with its diff and the media it adds",
                staff,
                {},
                (),
                (review_id,),
            )
        },
        "/reviews/{review_id}/approve": {
            "post": operation(
                "Write the draft at the version read (reviewer or admin, not its author)",
                staff,
                {200: reply("Written", headers=ETAG)},
                (409, 422),
                (review_id,),
                decision,
            )
        },
        "/reviews/{review_id}/reject": {
            "post": operation(
                "Turn the draft down with a comment",
                staff,
                {200: reply("Rejected")},
                (409, 422),
                (review_id,),
                decision,
            )
        },
        "/screens": {
            "get": operation(
                "Every screen's status (a unit's people: their unit's)",
                staff,
                {200: reply("Screens")},
                (422, 503),
                (query("unit", "Only this unit's screens"),),
            )
        },
        "/screens/{screen_id}/plan": {
            "get": operation(
                "Every item the screen plays on a day, in order, with its start",
                staff,
                {200: reply("The day's plan")},
                (404, 422, 503),
                (SCREEN_ID, query("date", "The day (YYYY-MM-DD, site time zone; default today)")),
            )
        },
        "/screens/{screen_id}/key": {
            "post": operation(
                "Give a screen a new key (old URL stops)",
                admin,
                {200: reply("The new display URL")},
                (503,),
                (SCREEN_ID,),
            ),
            "delete": operation(
                "Revoke a screen's key",
                admin,
                {200: reply("Revoked")},
                (503,),
                (SCREEN_ID,),
            ),
        },
        "/screens/{screen_id}/timeline": {
            "get": operation(
                "What a screen plays between two times (at most 14 days)",
                staff,
                {200: reply("Segments")},
                (422, 503),
                (
                    SCREEN_ID,
                    query("from", "Start; ISO time or date (default now)"),
                    query("to", "End; default 24 hours after the start"),
                ),
            )
        },
        "/screens/{screen_id}/snapshot": {
            "get": operation(
                "The newest picture of what the screen shows (404 before the first)",
                staff,
                {
                    200: {
                        "description": "The picture, with Last-Modified",
                        "content": {"image/jpeg": {"schema": BINARY}},
                        "headers": {"Last-Modified": {"schema": STRING}},
                    },
                    304: {"description": "Not newer than If-Modified-Since"},
                },
                (503,),
                (SCREEN_ID, header("If-Modified-Since", "Last-Modified of the picture held")),
            ),
            "post": operation(
                "Ask the screen for a new picture; it arrives within one poll",
                staff,
                {202: reply("Asked")},
                (503,),
                (SCREEN_ID,),
            ),
            "put": operation(
                "The screen sends a picture of what it shows (a JPEG of at most 512 KB)",
                screen,
                {201: reply("Kept")},
                (415, 422, 503),
                (SCREEN_ID,),
                {"required": True, "content": {"image/jpeg": {"schema": BINARY}}},
            ),
        },
        "/screens/{screen_id}/status": {
            "get": operation(
                "For the screen's kiosk watchdog: does its page report, should its panel be on",
                screen,
                {200: reply("The screen's own state")},
                (503,),
                (SCREEN_ID,),
            )
        },
        "/screens/{screen_id}/reload": {
            "post": operation(
                "Make the screen's page reload itself within one poll (recorded in the audit log)",
                staff,
                {202: reply("Asked")},
                (503,),
                (SCREEN_ID,),
            )
        },
        "/screens/{screen_id}/manifest": {
            "get": operation(
                "What the screen plays for the next hours (for the player)",
                screen,
                {
                    200: reply("The manifest"),
                    304: {"description": "Unchanged since If-None-Match"},
                },
                (503,),
                (SCREEN_ID, header("If-None-Match", "The ETag of the last manifest")),
            )
        },
        "/screens/{screen_id}/heartbeat": {
            "post": operation(
                "The screen reports it is alive",
                screen,
                {200: reply("Noted")},
                (422, 503),
                (SCREEN_ID,),
                {"required": True, **json_content(ref("Heartbeat"))},
            )
        },
        "/screens/{screen_id}/plays": {
            "post": {
                **operation(
                    "Proof-of-play records",
                    screen,
                    {200: reply("Stored")},
                    (422, 503),
                    (SCREEN_ID,),
                    {"required": True, **json_content(ref("PlayBatch"))},
                ),
                "description": PLAYS_NOTE,
            }
        },
        "/media": {
            "post": operation(
                "Upload a clip or picture (multipart: file, optional id and title)",
                staff,
                {202: reply("Received; preparation queued")},
                (409, 415, 422, 507),
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {"file": {"type": "string", "format": "binary"}},
                                {"id": STRING, "title": STRING},
                            )
                        }
                    },
                },
            ),
            "get": operation("The media library", staff, {200: reply("Media")}),
        },
        "/media/{media_id}": {
            "get": operation(
                "One clip or picture: status, progress, error, size",
                staff,
                {200: reply("The media")},
                (),
                (MEDIA_ID,),
            ),
            "patch": operation(
                "Change a clip's or picture's title, 普法 topics (declared ones only) or, for "
                "admins, whether it is published in the feed",
                staff,
                {200: reply("The media")},
                (403, 422, 503),
                (MEDIA_ID,),
                {"required": True, **json_content(ref("MediaChange"))},
            ),
            "delete": operation(
                "Delete media no playlist uses (409 names the playlists)",
                admin,
                {200: reply("Deleted")},
                (409, 503),
                (MEDIA_ID,),
            ),
        },
        "/media/{media_id}/approve": {
            "post": operation(
                "Let screens play an upload held for review (reviewer or admin)",
                staff,
                {200: reply("The media")},
                (409,),
                (MEDIA_ID,),
            )
        },
        "/reports/plays": {
            "get": operation(
                "Plays and seconds per day, screen and item",
                staff,
                {
                    200: {
                        "description": "The report",
                        "content": {"text/csv": {"schema": STRING}},
                    }
                },
                (422, 503),
                (
                    query("from", "First day (YYYY-MM-DD, site time zone)"),
                    query("to", "Last day, inclusive"),
                    query("screen", "Only this screen"),
                    query("unit", "Only this unit's screens (a unit's people: always theirs)"),
                    query("format", "json (default) or csv (UTF-8 with BOM, for Excel)"),
                ),
            )
        },
        "/reports/ledger": {
            "get": operation(
                "The 普法 ledger from proof of play: per topic, unit and month",
                staff,
                {
                    200: {
                        "description": "The ledger",
                        "content": {
                            "text/csv": {"schema": STRING},
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            },
                        },
                    }
                },
                (422, 503),
                (
                    query("from", "First day (YYYY-MM-DD, site time zone; default the 1st)"),
                    query("to", "Last day, inclusive (default today)"),
                    query("by", "topic (default), unit, screen or item"),
                    query("format", "json (default), csv or xlsx (summary, chart, month sheets)"),
                ),
            )
        },
    }


def model_schemas(models: list[type[BaseModel]], mode: str = "validation") -> dict[str, Schema]:
    """The JSON schema of each model by its name, nested models included."""
    found: dict[str, Schema] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode=mode)  # type: ignore[arg-type]
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


def request_schemas(models: tuple[type[BaseModel], ...] = REQUEST_BODIES) -> dict[str, Schema]:
    """The JSON schema of each request model by its name, nested models included."""
    return model_schemas(list(models))


def route_views(app: Flask) -> dict[tuple[str, str], Callable[..., Any]]:
    """(method, "/path/{param}") of every /api/v1 route of the app, with its view."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule).removeprefix(PREFIX)
            view = app.view_functions[rule.endpoint]
            found |= {(method, path): view for method in rule.methods or () if method not in SKIP}
    return found


def _api_views() -> dict[tuple[str, str], Callable[..., Any]]:
    """The views of the API blueprint alone, for a document built outside a running app."""
    from signage.web.api import bp  # the blueprint's views import this module

    app = Flask(__name__)
    app.register_blueprint(bp)
    return route_views(app)


def _declare_answers(
    paths: dict[str, dict[str, Any]], views: dict[tuple[str, str], Callable[..., Any]]
) -> list[type[BaseModel]]:
    """Put each view's declared answer models into its operation; the models used."""
    models = []
    for (method, path), view in sorted(views.items()):
        operation = paths.get(path, {}).get(method.lower())
        for status, model in declared_answers(view).items():
            if operation is None:
                continue  # the route test names every route missing from the document
            spec = operation["responses"].get(str(status), {})
            operation["responses"][str(status)] = {
                "description": (model.__doc__ or model.__name__).strip().splitlines()[0],
                **spec,
                "content": {
                    **spec.get("content", {}),
                    "application/json": {"schema": ref(model.__name__)},
                },
            }
            models.append(model)
    return models


def openapi_document(
    views: dict[tuple[str, str], Callable[..., Any]] | None = None, served: bool = False
) -> dict[str, Any]:
    """The OpenAPI document of these routes' views (the API blueprint's when None);
    only the operations among them when `served`."""
    views = _api_views() if views is None else views
    paths: dict[str, dict[str, Any]] = {}
    for part in (_paths(), ACCOUNT_PATHS, HEARING_PATHS, PACKAGE_PATHS):
        for path, item in copy.deepcopy(part).items():  # a path may gain methods in another
            paths[path] = {**paths.get(path, {}), **item}
    if served:
        paths = {
            path: kept
            for path, item in paths.items()
            if (kept := {m: op for m, op in item.items() if (m.upper(), path) in views})
        }
    answer_models = _declare_answers(paths, views)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Court lobby signage API",
            "version": __version__,
            "description": 'Errors are always {"error": {code, message, details}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {
                **SCHEMAS,
                **request_schemas(),
                **model_schemas(answer_models, mode="serialization"),
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "From `signage token create <user>`",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "screenKey": {"type": "apiKey", "in": "query", "name": "key"},
                "screenKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Screen-Key"},
            },
        },
    }
