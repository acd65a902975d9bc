"""A change as the clerk made it, for a reviewer: which playlist item (numbered from 1, as
the form numbers them), screen, calendar day or schedule rule, which field, and the
characters removed and added.

Read through the form's model of the two texts (`forms.playlist_model`), so the reviewer
meets the words of the form, not YAML lines. Pure: two texts in, changes out; None when a
text is not a playlist the form can read (the page then shows the lines).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from signage.config.forms import playlist_model, schedule_model
from signage.config.loader import YamlError, parse_yaml

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
    """A tip's text and address (its title and a clip's name are in the place already)."""
    texts = [_text(item, "body"), _text(item, "qr")] if item["kind"] == "tip" else []
    pieces: list[Piece] = []
    for text in filter(None, texts):
        pieces += [Piece(" ", "same")] if pieces else []  # the address apart from the text
        pieces.append(Piece(text, action))
    return ItemChange(
        action,
        n + 1,
        n if action == "added" else None,
        item["kind"],
        _label(item),
        None,
        tuple(pieces),
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


SCREEN_FIELDS = ("name", "groups", "orientation", "courtroom", "hearing_band", "captions")
RULE_FIELDS = ("playlist", "screens", "weekdays", "workdays", "holidays", "start", "end")
RULE_FIELDS += ("dates", "priority")
CALENDAR_LISTS = ("holidays", "closures", "workdays")


def _mapping(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return {}
    try:
        data = parse_yaml(text).data
    except YamlError:
        return None
    return data if isinstance(data, dict) else None


def _listed(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [] if value is None else [value]
    return [str(v) for v in values]


def site_changes(
    base: str | None, draft: str, word: Callable[[Any], str]
) -> tuple[list[ItemChange], bool] | None:
    """site.yaml's change as its pages make it: screens' settings, the calendar's days and
    the schedule's rules, each value said by `word` (names for ids, words for booleans);
    and whether anything else changed too (the page then shows the lines as well). None
    when either text cannot be read."""
    old, new = _mapping(base), _mapping(draft)
    old_rules, new_rules = schedule_model(base or "schedule: []"), schedule_model(draft)
    if old is None or new is None or old_rules is None or new_rules is None:
        return None
    changes: list[ItemChange] = []

    def said(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return "、".join(word(v) for v in value)
        return word(value)

    def compare(kind: str, number: int, label: str, fields: Any, before: Any, after: Any) -> None:
        for field in fields:
            was, now = said(before.get(field)), said(after.get(field))
            if was != now:
                changes.append(
                    ItemChange("changed", number, None, kind, label, field, marked(was, now))
                )

    old_screens, new_screens = old.get("screens") or {}, new.get("screens") or {}
    for screen_id in dict.fromkeys([*old_screens, *new_screens]):
        before, after = old_screens.get(screen_id) or {}, new_screens.get(screen_id) or {}
        label = str(after.get("name") or before.get("name") or word(screen_id))
        if screen_id not in new_screens or screen_id not in old_screens:
            action: Literal["added", "removed"] = "added" if after else "removed"
            changes.append(ItemChange(action, 0, None, "screen", label, None, ()))
        else:
            compare("screen", 0, label, SCREEN_FIELDS, before, after)
    old_days, new_days = old.get("calendar") or {}, new.get("calendar") or {}
    for kind in CALENDAR_LISTS:
        was, now = _listed(old_days.get(kind)), _listed(new_days.get(kind))
        changes += [
            ItemChange("removed", 0, None, "calendar", "", kind, (Piece(day, "removed"),))
            for day in was
            if day not in now
        ]
        changes += [
            ItemChange("added", 0, None, "calendar", "", kind, (Piece(day, "added"),))
            for day in now
            if day not in was
        ]
    for n in range(max(len(old_rules), len(new_rules))):
        if n >= len(new_rules) or n >= len(old_rules):
            action = "added" if n >= len(old_rules) else "removed"
            rule = (new_rules if action == "added" else old_rules)[n]
            text = word(rule["playlist"])
            changes.append(
                ItemChange(action, n + 1, None, "rule", "", None, (Piece(text, action),))
            )
        else:
            compare("rule", n + 1, "", RULE_FIELDS, old_rules[n], new_rules[n])
    told = {"screens", "calendar", "schedule"}
    others = any(old.get(key) != new.get(key) for key in {*old, *new} - told)
    return changes, others
