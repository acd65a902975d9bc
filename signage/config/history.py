"""History of the YAML files: every save is a revision.

A revision keeps the full text of a file as it was saved, through the API or by a hand
edit that the reload noticed (author "disk"). Restoring one writes it again as a new revision.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Mapping
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.db import Store, now, revisions
from signage.errors import Invalid, NotFound
from signage.phrases import N_

DISK_AUTHOR = "disk"

MAX_LIST = 500


def text_digest(text: str | None) -> str:
    """SHA-256 of a file's text; the empty string stands for a deleted file."""
    return "" if text is None else hashlib.sha256(text.encode()).hexdigest()


# -- revisions -----------------------------------------------------------------------------


def _insert_revision(conn: sa.Connection, file: str, text: str | None, **who: Any) -> int:
    """Insert one revision row; `who` names its author, action and what it restored."""
    values = {"file": file, "text": text, "digest": text_digest(text), "created_at": now()}
    return conn.execute(revisions.insert().values(**values, **who)).inserted_primary_key[0]


def record_revision(
    store: Store,
    file: str,
    text: str | None,
    author: str,
    action: str,
    restored_from: int | None = None,
) -> int:
    """Keep one version of a file (None: it was deleted); its revision number."""
    with store.engine.begin() as conn:
        return _insert_revision(
            conn, file, text, author=author, action=action, restored_from=restored_from
        )


def forget_revision(store: Store, revision: int) -> None:
    """Drop a revision whose write failed, so history shows only what reached the disk."""
    with store.engine.begin() as conn:
        conn.execute(revisions.delete().where(revisions.c.id == revision))


def latest_revision(store: Store, file: str) -> int | None:
    """The number of the file's newest revision (None before its first)."""
    with store.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.max(revisions.c.id)).where(revisions.c.file == file))


def _latest_digests(conn: sa.Connection) -> dict[str, str]:
    newest = sa.select(sa.func.max(revisions.c.id)).group_by(revisions.c.file)
    rows = conn.execute(
        sa.select(revisions.c.file, revisions.c.digest).where(revisions.c.id.in_(newest))
    )
    return {file: digest for file, digest in rows}


def record_disk_edits(store: Store, sources: Mapping[str, str]) -> list[str]:
    """Record files whose text differs from their newest revision; the names recorded."""
    with store.engine.begin() as conn:
        # Every web process and the worker notice the same hand edit: one at a time, so
        # the first records it and the others find it recorded.
        store.serialise(conn, "disk-edits")
        known = _latest_digests(conn)
        changed = [
            name for name, text in sorted(sources.items()) if known.get(name) != text_digest(text)
        ]
        gone = [name for name, digest in sorted(known.items()) if digest and name not in sources]
        for name in changed:
            _insert_revision(conn, name, sources[name], author=DISK_AUTHOR, action="disk")
        for name in gone:
            _insert_revision(conn, name, None, author=DISK_AUTHOR, action="delete")
    return changed + gone


class Revision(BaseModel):
    """A revision of a file: who saved it, when, and what kind of change it was."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    revision: int
    file: str
    author: str
    action: Literal["save", "create", "delete", "restore", "disk", "approve"]
    restored_from: int | None
    created_at: dt.datetime
    deleted: bool
    size: int | None  # bytes of its text; None when it records a deletion


class RevisionText(Revision):
    """A revision with its full text (None when it records a deletion)."""

    text: str | None


def _summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """A revision row's fields, without its text."""
    text = row["text"]
    return {
        "revision": row["id"],
        "file": row["file"],
        "author": row["author"],
        "action": row["action"],
        "restored_from": row["restored_from"],
        "created_at": row["created_at"],
        "deleted": text is None,
        "size": None if text is None else len(text.encode()),
    }


def list_revisions(store: Store, file: str, limit: int = 100) -> list[Revision]:
    """The file's revisions, newest first, without their text."""
    query = (
        sa.select(revisions)
        .where(revisions.c.file == file)
        .order_by(revisions.c.id.desc())
        .limit(min(limit, MAX_LIST))
    )
    with store.engine.connect() as conn:
        return [Revision(**_summary(row)) for row in conn.execute(query).mappings()]


def get_revision(store: Store, file: str, revision: int) -> RevisionText:
    """One revision with its full text; 404 when the file has no such revision."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(
                sa.select(revisions).where(revisions.c.file == file, revisions.c.id == revision)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(
            N_("{file} has no revision {revision}; list them at /api/v1/history/{file}"),
            file=file,
            revision=revision,
        )
    return RevisionText(**_summary(row), text=row["text"])


def _row(old: int | None, old_text: str, new: int | None, new_text: str, change: str) -> dict:
    return {"old": old, "old_text": old_text, "new": new, "new_text": new_text, "change": change}


def side_by_side(
    store: Store, file: str, old: int, new: int, context: int = 3
) -> list[dict[str, Any]]:
    """Two revisions line against line, as people compare them: changed lines with
    `context` unchanged ones around them; `change` is same, changed, added, removed or gap."""
    if old == new:
        raise Invalid(N_("choose two different revisions to compare"), code="same_revision")
    before = (get_revision(store, file, old).text or "").splitlines()
    after = (get_revision(store, file, new).text or "").splitlines()
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(_row(None, "", None, "", "gap"))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                rows += [
                    _row(a1 + n + 1, before[a1 + n], b1 + n + 1, after[b1 + n], "same")
                    for n in range(a2 - a1)
                ]
                continue
            for n in range(max(a2 - a1, b2 - b1)):
                left, right = a1 + n, b1 + n
                old_line = (left + 1, before[left]) if left < a2 else (None, "")
                new_line = (right + 1, after[right]) if right < b2 else (None, "")
                change = (
                    "changed"
                    if old_line[0] and new_line[0]
                    else "removed"
                    if old_line[0]
                    else "added"
                )
                rows.append(_row(*old_line, *new_line, change))
    return rows


def diff_revisions(store: Store, file: str, old: int, new: int) -> str:
    """A unified diff from one revision of a file to another (difflib, as `diff -u`)."""
    if old == new:
        raise Invalid(N_("choose two different revisions to compare"), code="same_revision")
    before, after = get_revision(store, file, old), get_revision(store, file, new)
    lines = difflib.unified_diff(
        (before.text or "").splitlines(keepends=True),
        (after.text or "").splitlines(keepends=True),
        fromfile=f"{file}@{old}",
        tofile=f"{file}@{new}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
