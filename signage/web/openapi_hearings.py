"""The OpenAPI description of the tribunal-door routes: hearing lists and clips' captions
(web/api/hearings.py, web/api/captions.py)."""

from __future__ import annotations

from typing import Any

from signage.web.openapi_operations import FILE_FORM, MEDIA_ID, operation, query
from signage.web.openapi_schemas import json_content, ref, reply

HEARING_PATHS: dict[str, Any] = {
    "/hearings": {
        "post": operation(
            "Upload a hearing list (.xlsx or .csv in UTF-8 or GBK); replaces its dates",
            "staff",
            {200: reply("Imported; rejected rows with reasons")},
            (422, 503),
            body=FILE_FORM,
        ),
        "get": operation(
            "A day's hearings, parties masked as on the screens",
            "staff",
            {200: reply("The hearings")},
            (422, 503),
            (query("date", "The date, like 2026-12-01 (default: today, site time)"),),
        ),
    },
    "/media/{media_id}/captions": {
        "post": operation(
            "Captions for a clip (multipart file: .srt or .vtt, UTF-8 or GBK), kept as WebVTT",
            "staff",
            {
                200: reply("Stored"),
                202: reply("Held until a reviewer approves them"),
            },
            (422,),
            (MEDIA_ID,),
            FILE_FORM,
        ),
        "delete": operation(
            "The clip plays without captions",
            "staff",
            {200: reply("Removed")},
            (),
            (MEDIA_ID,),
        ),
    },
    "/media/{media_id}/captions/approve": {
        "post": operation(
            "Put held captions on the screens: version = the held file's name "
            "(reviewer or admin, not their uploader)",
            "staff",
            {200: reply("On the screens from their next poll")},
            (403, 409),
            (MEDIA_ID,),
            {"required": True, **json_content(ref("Decision"))},
        ),
    },
}
