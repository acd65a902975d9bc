"""Revisions of the YAML files: list, show, compare, restore; and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import AuditEntry, audit_entries
from signage.accounts.users import user_units
from signage.config.history import (
    Revision,
    RevisionText,
    diff_revisions,
    get_revision,
    list_revisions,
)
from signage.edits.saving import Held, Saved, config_file, restore_revision
from signage.errors import Invalid
from signage.phrases import N_
from signage.units import check_readable, check_unit_exists
from signage.web.answers import answers
from signage.web.api.arguments import int_arg
from signage.web.api.base import bp
from signage.web.api.documents import if_match, saved_answer
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts


def _store() -> Any:
    return parts().store


def readable(file: str) -> str:
    """The checked file name, when the caller may read it (another unit's playlist: 403)."""
    name = config_file(file)
    check_readable(staff_user(), parts().state.current, name)
    return name


class RevisionList(BaseModel):
    """A file's revisions, newest first."""

    model_config = ConfigDict(extra="forbid")

    file: str
    revisions: list[Revision]


@bp.get("/history/<file>")
@staff_required()
@answers(RevisionList)
def history(file: str) -> Any:
    """The file's revisions, newest first (who, when, what kind of change)."""
    name = readable(file)
    limit = int_arg("limit", 100) or 100
    return RevisionList(file=name, revisions=list_revisions(_store(), name, limit))


@bp.get("/history/<file>/<int:revision>")
@staff_required()
@answers(RevisionText)
def revision(file: str, revision: int) -> Any:
    """One revision with its full text."""
    return get_revision(_store(), readable(file), revision)


@bp.get("/history/<file>/diff")
@staff_required()
def diff(file: str) -> Any:
    """A unified diff between two revisions: ?from=<rev>&to=<rev>."""
    old, new = int_arg("from"), int_arg("to")
    if old is None or new is None:
        raise Invalid(
            N_("give both revisions to compare: ?from=<rev>&to=<rev>"), code="bad_argument"
        )
    text = diff_revisions(_store(), readable(file), old, new)
    return Response(text, mimetype="text/x-diff")


@bp.post("/history/<file>/<int:revision>/restore")
@staff_required()
@answers(Saved)
@answers(Held, status=202)
def restore(file: str, revision: int) -> Any:
    """Write an old revision again (validated like a save); it becomes a new revision."""
    saved = restore_revision(
        parts(),
        config_file(file),
        revision,
        if_match=if_match(),
        author=staff_user(),
    )
    return saved_answer(saved)


def unit_people(unit: str | None) -> list[str] | None:
    """?unit=: the names of the unit's people (None: everyone's entries)."""
    if unit is None:
        return None
    check_unit_exists(parts().state.current, unit)
    return [name for name, theirs in user_units(_store()).items() if theirs == unit]


class AuditList(BaseModel):
    """Audit entries, newest first."""

    model_config = ConfigDict(extra="forbid")

    entries: list[AuditEntry]


@bp.get("/audit")
@staff_required("admin")
@answers(AuditList)
def audit_log() -> Any:
    """Who did what, newest first; ?before=<id> pages back, ?action= and ?user= filter."""
    return AuditList(
        entries=audit_entries(
            _store(),
            limit=int_arg("limit", 100) or 100,
            before=int_arg("before"),
            action=request.args.get("action") or None,
            user=request.args.get("user") or None,
            users=unit_people(request.args.get("unit") or None),
        )
    )
