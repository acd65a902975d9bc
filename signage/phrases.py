"""Messages as English templates with named parameters, so each edge can show its language.

The config package writes every message once, in English, marked with `N_` for the
catalogue. The CLI and the API print the English text; the staff pages look the template up
in their catalogue and fill in the same parameters (signage/web/admin/i18n.py). Nested
pieces (a "did you mean" hint, a lettered list) are phrases too, kept as JSON-safe dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Translate = Callable[[str], str]


def N_(template: str) -> str:
    """Mark a message template for the catalogue; it is translated where it is shown."""
    return template


def _as_written(text: str) -> str:
    return text


# The separator of list parameters; marked so a language can have its own (Chinese: 、).
LIST_SEPARATOR = N_(", ")


@dataclass(frozen=True)
class Phrase:
    """A message template and its parameters (text, numbers, lists or nested phrases)."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, template: str, **params: Any) -> Phrase:
        """A phrase from its template and named parameters."""
        return cls(template, params)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"template", "params"}, nested phrases as the same form."""
        return {"template": self.template, "params": _jsonable(self.params)}

    def render(self, translate: Translate = _as_written) -> str:
        """The text in the language `translate` looks templates up in (English as written)."""
        return render_phrase(self.template, _jsonable(self.params), translate)

    def __str__(self) -> str:
        return self.render()


NOTHING = Phrase("")


class PhraseError(ValueError):
    """A ValueError whose message is a phrase (pydantic keeps it in the error's context)."""

    def __init__(self, phrase: Phrase) -> None:
        super().__init__(str(phrase))
        self.phrase = phrase


def _jsonable(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def render_phrase(template: str, params: dict[str, Any], translate: Translate) -> str:
    """Fill a (JSON-form) phrase's template in `translate`'s language; English if it fails."""
    if not template:
        return ""
    if not params:
        return translate(template)
    filled = {name: _render_param(value, translate) for name, value in params.items()}
    try:
        return translate(template).format(**filled)
    except (KeyError, IndexError, ValueError):
        # A translation naming a parameter the code no longer passes: keep the English.
        return template.format(**filled)


def _render_param(value: Any, translate: Translate) -> Any:
    if isinstance(value, dict) and "template" in value:
        return render_phrase(value["template"], value.get("params") or {}, translate)
    if isinstance(value, list):
        return translate(LIST_SEPARATOR).join(str(_render_param(v, translate)) for v in value)
    return value
