"""A playlist's change as the clerk made it, for a reviewer: which item (numbered from 1, as
the form numbers them), which field, and the characters removed and added.

Read through the form's model of the two texts (`forms.playlist_model`), so the reviewer
meets the words of the form, not YAML lines. Pure: two texts in, changes out; None when a
text is not a playlist the form can read (the page then shows the lines).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from signage.config.forms import playlist_model

# The fields of an item a reviewer is told about, in the form's order.
FIELDS = ("media", "title", "body", "qr", "seconds", "dates", "days", "time")


@dataclass(frozen=True)
class Piece:
    """A run of characters of a changed value: kept, removed or added."""

    text: str
    change: Literal["same", "removed", "added"]


@dataclass(frozen=True)
class ItemChange:
    """One item added, removed, or one of its fields changed; `number` counts from 1 in the
    draft (in the old version for a removed item); `index` is the draft's, for the preview."""

    action: Literal["changed", "added", "removed"]
    number: int
    index: int | None
    kind: str
    label: str
    field: str | None
    pieces: tuple[Piece, ...]


def marked(before: str, after: str) -> tuple[Piece, ...]:
    """`before` into `after` as runs of kept, removed and added characters."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pieces: list[Piece] = []
    for op, b1, b2, a1, a2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece(before[b1:b2], "same"))
            continue
        if b2 > b1:
            pieces.append(Piece(before[b1:b2], "removed"))
        if a2 > a1:
            pieces.append(Piece(after[a1:a2], "added"))
    return tuple(pieces)


def _text(item: dict[str, Any], field: str) -> str:
    value = item.get(field)
    return "" if value is None else str(value)


def _label(item: dict[str, Any]) -> str:
    return _text(item, "title") or _text(item, "media")


def _signature(item: dict[str, Any]) -> tuple[str, str]:
    return item["kind"], _label(item)


def _whole(action: Literal["added", "removed"], item: dict[str, Any], n: int) -> ItemChange:
    text = _text(item, "body") or _label(item)
    return ItemChange(
        action,
        n + 1,
        n if action == "added" else None,
        item["kind"],
        _label(item),
        None,
        (Piece(text, action),),
    )


def _fields(old: dict[str, Any], new: dict[str, Any], index: int) -> list[ItemChange]:
    return [
        ItemChange(
            "changed",
            index + 1,
            index,
            new["kind"],
            _label(old) or _label(new),
            field,
            marked(_text(old, field), _text(new, field)),
        )
        for field in FIELDS
        if _text(old, field) != _text(new, field)
    ]


def playlist_changes(base: str | None, draft: str) -> list[ItemChange] | None:
    """What changed from `base` (None: a new playlist) to `draft`, item by item and field by
    field; None when either text is not a playlist the form reads."""
    old_model = playlist_model(base) if base is not None else {"name": "", "items": []}
    new_model = playlist_model(draft)
    if old_model is None or new_model is None:
        return None
    old, new = old_model["items"], new_model["items"]
    changes: list[ItemChange] = []
    if old_model["name"] != new_model["name"]:
        name = marked(old_model["name"], new_model["name"])
        changes.append(ItemChange("changed", 0, None, "playlist", "", "name", name))
    matcher = difflib.SequenceMatcher(
        None, [_signature(i) for i in old], [_signature(i) for i in new], autojunk=False
    )
    for op, o1, o2, n1, n2 in matcher.get_opcodes():
        if op in ("equal", "replace") and o2 - o1 == n2 - n1:
            for offset in range(o2 - o1):
                changes += _fields(old[o1 + offset], new[n1 + offset], n1 + offset)
            continue
        changes += [_whole("removed", old[n], n) for n in range(o1, o2)]
        changes += [_whole("added", new[n], n) for n in range(n1, n2)]
    return changes
