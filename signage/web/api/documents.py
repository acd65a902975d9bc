"""How the YAML files travel over HTTP: bodies in, files and save results out."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel, ConfigDict
from werkzeug.http import quote_etag

from signage.edits.saving import FileVersion, Held, Saved
from signage.errors import SignageError
from signage.phrases import N_
from signage.web.api.base import parse_body
from signage.web.bodies import YamlDocument

YAML_TYPES = ("text/yaml", "application/yaml", "application/x-yaml", "text/x-yaml", "text/plain")
YAML_MIMETYPE = "text/yaml"


def yaml_body() -> tuple[bytes, str | None]:
    """The YAML text sent (raw YAML or JSON {"yaml"}), and the id a JSON body names."""
    if request.mimetype == "application/json":
        document = parse_body(YamlDocument)
        return document.yaml.encode(), document.id
    if request.mimetype in YAML_TYPES:
        return request.get_data(cache=False), None
    raise SignageError(
        N_("send the YAML text with Content-Type: text/yaml, or JSON {example}"),
        code="unsupported_media_type",
        status=415,
        example='{"yaml": "..."}',
    )


def if_match() -> set[str] | None:
    """The strong ETags of If-Match; None when absent (or `*`, which proves nothing)."""
    header = request.if_match
    if not request.headers.get("If-Match") or header.star_tag:
        return None
    return set(header.as_set())


class YamlFile(BaseModel):
    """The file's YAML text exactly as stored, with its ETag."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    etag: str
    yaml: str


def file_answer(version: FileVersion) -> Response | tuple[YamlFile, int, dict[str, str]]:
    """The file as YAML text, or as JSON {file, yaml, etag} when the client prefers JSON."""
    headers = {"ETag": quote_etag(version.etag), "Cache-Control": "no-cache"}
    wanted = request.accept_mimetypes.best_match([YAML_MIMETYPE, "application/json"])
    if wanted == "application/json":
        text = version.content.decode("utf-8", errors="replace")
        return YamlFile(file=version.name, etag=version.etag, yaml=text), 200, headers
    response = Response(version.content, mimetype=YAML_MIMETYPE, headers=headers)
    response.charset = "utf-8"
    return response


def saved_answer(
    saved: Saved | Held, status: int = 200
) -> tuple[Saved | Held, int, dict[str, str]]:
    """What a save answers: `status` with the new ETag (also as header), the revision and the
    warnings; or, held for review, 202 with the review to follow (the file and ETag unchanged)."""
    headers = {"ETag": quote_etag(saved.etag)} if saved.etag else {}
    return saved, 202 if isinstance(saved, Held) else status, headers
