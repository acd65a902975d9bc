"""The staff forms' view of the YAML files, and back to YAML.

A playlist becomes {"name", "items": [{"kind", "media" | "title"/"body", "seconds", "dates",
"days", "time"}]}; site.yaml's schedule becomes rules {"playlist", "screens", "weekdays",
"workdays", "holidays", "start", "end", "dates", "priority"}, and a screen can be added.
Turning a model into YAML regenerates the whole file (other parts of site.yaml kept as data),
so comments are not kept; `has_comments` lets the page say so before anyone saves. (The YAML
tab stores exactly what is typed, comments included.)
"""

from __future__ import annotations

from typing import Any

import yaml

from signage.config.loader import YamlError, parse_yaml
from signage.config.when import DAY_NAMES, parse_days
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


def _days_model(value: Any) -> dict[str, Any]:
    if value is None:
        return {"weekdays": [], "workdays": False, "holidays": False}
    days = parse_days(value)
    weekdays = [] if days.every_day else [DAY_NAMES[i] for i in sorted(days.weekdays)]
    return {"weekdays": weekdays, "workdays": days.workdays, "holidays": days.holidays}


def _rule_model(rule: dict[str, Any]) -> dict[str, Any]:
    screens = rule.get("screens")
    start, _, end = str(rule.get("time") or "").partition("-")
    return {
        "playlist": str(rule.get("playlist") or ""),
        "screens": [screens] if isinstance(screens, str) else list(screens or []),
        **_days_model(rule.get("days")),
        "start": start.strip(),
        "end": end.strip(),
        "dates": str(rule.get("dates") or ""),
        "priority": int(rule.get("priority") or 0),
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
        return [_rule_model(rule) for rule in rules]
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
    return data


def site_yaml_with_rules(text: str, rules: list[dict[str, Any]]) -> str:
    """site.yaml's text with its schedule replaced by these rules (the rest kept as data)."""
    data = parse_yaml(text).data
    data["schedule"] = [_rule_data(rule) for rule in rules if rule.get("playlist")]
    return dump_yaml(data)


def rules_from_form(form: Any) -> list[dict[str, Any]]:
    """The rules posted by the schedule form: fields named rule-<n>-<field>."""
    count = int(form.get("rules", "0") or 0)
    rules = []
    for n in range(count):
        field = f"rule-{n}-"
        if form.get(field + "remove"):
            continue
        rules.append(
            {
                "playlist": form.get(field + "playlist", "").strip(),
                "screens": form.getlist(field + "screens"),
                "weekdays": form.getlist(field + "weekdays"),
                "workdays": bool(form.get(field + "workdays")),
                "holidays": bool(form.get(field + "holidays")),
                "start": form.get(field + "start", "").strip(),
                "end": form.get(field + "end", "").strip(),
                "dates": form.get(field + "dates", "").strip(),
                "priority": int(form.get(field + "priority") or 0),
            }
        )
    return rules


def site_yaml_with_screen(text: str, screen_id: str, name: str, groups: list[str]) -> str:
    """site.yaml's text with one more screen (validation reports a bad or taken id)."""
    data = parse_yaml(text).data
    screens = data.get("screens") or {}
    screen: dict[str, Any] = {"name": name.strip()}
    if groups:
        screen["groups"] = groups
    data["screens"] = {**screens, screen_id.strip(): screen}
    return dump_yaml(data)
