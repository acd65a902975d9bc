"""The staff forms' view of the YAML files, and back to YAML.

A playlist becomes {"name", "items": [{"kind", "media" | "title"/"body", "seconds", "dates",
"days", "time"}]} (a hearing list has neither media nor text: it is always today's);
site.yaml's schedule becomes rules {"playlist", "screens", "weekdays", "workdays",
"holidays", "start", "end", "dates", "priority"}, and a screen can be added.
Saving a form changes only what the form changed in the file's text (`roundtrip`): comments,
key order, quoting and keys the form does not know stay as people wrote them. Each playlist
item and schedule rule remembers its position in the text it came from (`origin`), so a moved
item takes its comments along.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from signage.config.loader import YamlError, parse_yaml
from signage.config.model import KINDS
from signage.config.roundtrip import (
    dump_document,
    empty_list,
    load_document,
    replace_items,
    update_mapping,
)
from signage.config.when import DAY_NAMES, parse_days
from signage.errors import Conflict, Invalid, NotFound
from signage.phrases import N_

FILTERS = ("dates", "days", "time")
MEDIA_KINDS = ("clip", "image")
ITEM_KEYS = (*KINDS, "seconds", *FILTERS)
TIP_KEYS = ("title", "body", "qr")
RULE_KEYS = ("playlist", "screens", "days", "time", "dates", "priority")
MOST_RULES = 200  # rules the schedule form may hold; a county's schedule has a few dozen


def _document(text: str | None) -> CommentedMap:
    """The text as a commented mapping to change in place (a new one when it is not one)."""
    try:
        data = load_document(text) if text else None
    except YamlError:
        data = None
    return data if isinstance(data, CommentedMap) else CommentedMap()


def _from_origin(entries: Any, origin: Any) -> Any:
    """The entry at `origin` in the list it came from, or None for a new or unknown one."""
    if isinstance(origin, int) and isinstance(entries, list) and 0 <= origin < len(entries):
        return entries[origin]
    return None


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
        model["qr"] = str(tip.get("qr") or "")
    elif kind in MEDIA_KINDS:
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
    for origin, item in enumerate(items):
        item["origin"] = origin  # type: ignore[index]
    return {"name": str(data.get("name") or ""), "items": items}


def item_lines(text: str) -> list[int]:
    """The line (from 1) on which each playlist item starts; [] when the text cannot tell."""
    try:
        items = load_document(text).get("items")
        return [items.lc.item(index)[0] + 1 for index in range(len(items))]
    except (YamlError, AttributeError, TypeError, KeyError):
        return []


def item_at_line(starts: list[int], line: int | None) -> int | None:
    """The index of the item a line belongs to (None: before the first item, or unknown)."""
    found = None
    for index, start in enumerate(starts):
        if line is not None and start <= line:
            found = index
    return found


def _days_value(text: str) -> str | list[str]:
    words = [word.strip() for word in text.replace("，", ",").split(",") if word.strip()]
    return words[0] if len(words) == 1 else words


def _item_data(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("kind")
    if kind not in KINDS:
        raise ValueError(f"an item's kind is one of {', '.join(KINDS)}")
    data: dict[str, Any] = {}
    if kind == "tip":
        tip = {k: str(item.get(k) or "").strip() for k in TIP_KEYS}
        data["tip"] = {k: v for k, v in tip.items() if v}
    elif kind == "hearings":
        data["hearings"] = "today"
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


def playlist_yaml(model: dict[str, Any], base: str | None = None) -> str:
    """The editor's model written into `base` (the text it was read from), comments kept;
    validate the result like any other text."""
    document = _document(base)
    old_items = document.get("items")
    items = []
    for item in model.get("items") or []:
        entry = _from_origin(old_items, item.get("origin"))
        items.append(update_mapping(entry, _item_data(item), ITEM_KEYS, TIP_KEYS))
    update_mapping(document, {"name": str(model.get("name") or "").strip()}, ())
    document["items"] = replace_items(old_items, items)
    return dump_document(document)


def _days_model(value: Any) -> dict[str, Any]:
    if value is None:
        return {"weekdays": [], "workdays": False, "holidays": False}
    days = parse_days(value)
    weekdays = [] if days.every_day else [DAY_NAMES[i] for i in sorted(days.weekdays)]
    return {"weekdays": weekdays, "workdays": days.workdays, "holidays": days.holidays}


def _rule_model(rule: dict[str, Any], origin: int | None = None) -> dict[str, Any]:
    screens = rule.get("screens")
    start, _, end = str(rule.get("time") or "").partition("-")
    return {
        "origin": origin,
        "playlist": str(rule.get("playlist") or ""),
        "screens": [screens] if isinstance(screens, str) else list(screens or []),
        **_days_model(rule.get("days")),
        "start": start.strip(),
        "end": end.strip(),
        "dates": str(rule.get("dates") or ""),
        "priority": int(rule.get("priority") or 0),
        "unit": rule.get("unit"),
    }


def blank_rule() -> dict[str, Any]:
    """An empty rule, for the form's "new rule" row (dropped unless a playlist is chosen)."""
    return _rule_model({})


def schedule_model(text: str) -> list[dict[str, Any]] | None:
    """The rules of site.yaml's text for the form, or None when the file cannot be read."""
    try:
        data = parse_yaml(text).data
        rules = data.get("schedule") or [] if isinstance(data, dict) else None
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            return None
        return [_rule_model(rule, origin) for origin, rule in enumerate(rules)]
    except (YamlError, ValueError, TypeError):
        return None


def _rule_data(rule: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"playlist": rule["playlist"]}
    if rule.get("screens"):
        data["screens"] = list(rule["screens"])
    words = [day for day in DAY_NAMES if day in rule.get("weekdays", [])]
    words += [word for word in ("workdays", "holidays") if rule.get(word)]
    if words and words != list(DAY_NAMES):
        data["days"] = words[0] if len(words) == 1 else words
    if rule.get("start") or rule.get("end"):
        data["time"] = f"{rule.get('start') or '00:00'}-{rule.get('end') or '24:00'}"
    if rule.get("dates"):
        data["dates"] = rule["dates"].strip()
    if rule.get("priority"):
        data["priority"] = int(rule["priority"])
    if rule.get("unit"):
        data["unit"] = rule["unit"]
    return data


def _days_as_written(entry: Any, data: dict[str, Any]) -> dict[str, Any]:
    """`data`, with the words a person wrote for the days (weekends, mon-fri, daily) kept when
    the form means the same days: checkboxes cannot say which words were used."""
    written = entry.get("days") if isinstance(entry, dict) else None
    try:
        same = written is not None and _days_model(written) == _days_model(data.get("days"))
    except ValueError:  # words the strict reading refuses: the form's value replaces them
        return data
    return {**data, "days": written} if same else data


def site_yaml_with_rules(text: str, rules: list[dict[str, Any]]) -> str:
    """site.yaml's text with its schedule replaced by these rules, comments and all else kept."""
    parse_yaml(text)  # the strict reading's error, when the file is not YAML at all
    document = _document(text)
    old_rules = document.get("schedule")
    kept = []
    for rule in rules:
        if rule.get("playlist"):
            entry = _from_origin(old_rules, rule.get("origin"))
            data = _days_as_written(entry, _rule_data(rule))
            kept.append(update_mapping(entry, data, RULE_KEYS))
    if kept:
        document["schedule"] = replace_items(old_rules, kept)
    else:  # "schedule: []": a block list with no items would not be YAML any more
        document.ca.items.pop("schedule", None)  # the first rule's comment went with it
        document["schedule"] = empty_list()
    return dump_document(document)


def rules_from_form(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schedule form's rows (read and bounded by the web edge) as rules, those marked
    for removal left out; at most `MOST_RULES` of them."""
    if len(rows) > MOST_RULES:
        raise Invalid(
            N_("the schedule has at most {count} rules; remove some first"),
            code="too_many_rules",
            count=MOST_RULES,
        )
    return [
        {
            "origin": row["origin"] if row["origin"] is not None and row["origin"] >= 0 else None,
            "playlist": row["playlist"].strip(),
            "screens": list(row["screens"]),
            "weekdays": list(row["weekdays"]),
            "workdays": row["workdays"],
            "holidays": row["holidays"],
            "start": row["start"].strip(),
            "end": row["end"].strip(),
            "dates": row["dates"].strip(),
            "priority": row["priority"] or 0,
        }
        for row in rows
        if not row["remove"]
    ]


# A screen's keys the screens page sets, at the values a screen has when they are left out
# (the hearing band's is on instead when the screen names a courtroom).
SCREEN_DEFAULTS: dict[str, Any] = {
    "groups": [],
    "orientation": "landscape",
    "courtroom": "",
    "hearing_band": False,
    "captions": True,
    "layout": "",  # automatic
}


def _screen_data(entry: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The keys as the form set them: one at its default is left out, unless the file
    already says exactly that. The band's default is on for a screen with a courtroom."""
    data: dict[str, Any] = {"name": str(settings.get("name") or "").strip()}
    defaults = {**SCREEN_DEFAULTS, "hearing_band": bool(settings.get("courtroom"))}
    for key, default in defaults.items():
        value = settings.get(key, default)
        if value != default or (isinstance(entry, dict) and entry.get(key) == value):
            data[key] = value
    return data


def site_yaml_with_screen(
    text: str, screen_id: str, settings: dict[str, Any], *, new: bool = True
) -> str:
    """site.yaml's text with one more screen (new) or one screen's settings changed, comments
    and keys the form does not know kept; validation reports a bad id or value."""
    parse_yaml(text)
    document = _document(text)
    screens = document.get("screens")
    if not isinstance(screens, CommentedMap):
        screens = document["screens"] = CommentedMap()
    screen_id = screen_id.strip()
    if new and screen_id in screens:
        raise Conflict(
            N_("there is already a screen with the id {screen_id!r}; choose another id"),
            code="screen_exists",
            screen_id=screen_id,
        )
    if not new and screen_id not in screens:
        raise NotFound(
            N_("there is no screen {screen_id!r} in site.yaml (any more)"),
            code="unknown_screen",
            screen_id=screen_id,
        )
    entry = screens.get(screen_id)
    data = _screen_data(entry, settings)
    if isinstance(entry, CommentedMap):
        update_mapping(entry, data, SCREEN_DEFAULTS)
    else:
        update_mapping(screens, {screen_id: data}, ())
    return dump_document(document)
