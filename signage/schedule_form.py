"""site.yaml as the staff forms see it (the schedule's rules, a new screen), and back to YAML.

Each rule becomes {"playlist", "screens", "weekdays", "workdays", "holidays", "start", "end",
"dates", "priority"}. Writing the rules back regenerates site.yaml (its other parts kept as
data), so comments are not kept; the page says so when the file has any.
"""

from __future__ import annotations

from typing import Any

from signage.config.loader import YamlError, parse_yaml
from signage.config.when import DAY_NAMES, parse_days
from signage.config.writer import dump_yaml


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
