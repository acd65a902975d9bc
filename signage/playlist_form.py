"""A playlist as the structured editor sees it, and back to YAML.

The editor works on a plain model: {"name", "items": [{"kind", "media" | "title"/"body",
"seconds", "dates", "days", "time"}]}. Turning the model into YAML regenerates the whole
file, so comments are not kept; `has_comments` lets the page say so before anyone saves.
(The YAML tab stores exactly what is typed, comments included.)
"""

from __future__ import annotations

from typing import Any

import yaml

from signage.config.loader import YamlError, parse_yaml
from signage.config.writer import dump_yaml

FILTERS = ("dates", "days", "time")
KINDS = ("clip", "tip", "image")


def has_comments(text: str) -> bool:
    """Whether the YAML text has a `#` comment (a `#` inside a quoted or plain value is not)."""
    if "#" not in text:
        return False
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return True  # cannot tell; warning needlessly is the safe side
    inside = [
        (token.start_mark.index, token.end_mark.index)
        for token in tokens
        if isinstance(token, yaml.ScalarToken)
    ]
    for index, char in enumerate(text):
        if char != "#" or (index and text[index - 1] not in " \t\n"):
            continue
        if not any(start <= index < end for start, end in inside):
            return True
    return False


def _filter_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _item_model(entry: Any) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        return None
    kinds = [kind for kind in KINDS if kind in entry]
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    model: dict[str, Any] = {"kind": kind, "seconds": entry.get("seconds")}
    if kind == "tip":
        tip = entry["tip"] if isinstance(entry["tip"], dict) else {}
        model["title"] = str(tip.get("title") or "")
        model["body"] = str(tip.get("body") or "")
    else:
        model["media"] = str(entry[kind] or "")
    for key in FILTERS:
        model[key] = _filter_text(entry.get(key))
    return model


def playlist_model(text: str) -> dict[str, Any] | None:
    """The editor's model of a playlist's YAML, or None when the text is not a playlist."""
    try:
        data = parse_yaml(text).data
    except YamlError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        return None
    items = [_item_model(entry) for entry in data.get("items") or []]
    if any(item is None for item in items):
        return None
    return {"name": str(data.get("name") or ""), "items": items}


def _days_value(text: str) -> str | list[str]:
    words = [word.strip() for word in text.replace("，", ",").split(",") if word.strip()]
    return words[0] if len(words) == 1 else words


def _item_data(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("kind")
    if kind not in KINDS:
        raise ValueError(f"an item's kind is one of {', '.join(KINDS)}")
    data: dict[str, Any] = {}
    if kind == "tip":
        tip = {k: str(item.get(k) or "").strip() for k in ("title", "body")}
        data["tip"] = {k: v for k, v in tip.items() if v}
    else:
        data[kind] = str(item.get("media") or "").strip()
    seconds = item.get("seconds")
    if kind != "clip" and seconds not in (None, ""):
        data["seconds"] = int(seconds)
    for key in FILTERS:
        text = str(item.get(key) or "").strip()
        if text:
            data[key] = _days_value(text) if key == "days" else text
    return data


def playlist_yaml(model: dict[str, Any]) -> str:
    """The YAML text of the editor's model (validate it like any other text)."""
    data = {
        "name": str(model.get("name") or "").strip(),
        "items": [_item_data(item) for item in model.get("items") or []],
    }
    return dump_yaml(data)
