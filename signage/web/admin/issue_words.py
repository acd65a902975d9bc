"""Configuration issues (or their API dicts) and domain errors in the staff pages' language:
the text and the place, file, line and column, as the catalogue says them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from signage.config.validate import Issue
from signage.errors import SignageError
from signage.phrases import render_phrase

MAX_PROBLEMS_SHOWN = 3  # of a refused save, in its text; the rest often follow from them


def _fields(issue: Issue | Mapping[str, Any]) -> Mapping[str, Any]:
    return issue.to_dict() if isinstance(issue, Issue) else issue


def issue_text(issue: Issue | Mapping[str, Any]) -> str:
    """A configuration issue (or its API dict) in the page's language, else its English."""
    fields = _fields(issue)
    message = str(fields.get("message", ""))
    template = fields.get("template")
    if not isinstance(template, str) or gettext(template) == template:
        return message
    return render_phrase(template, fields.get("params") or {}, gettext)


def issue_place(issue: Issue | Mapping[str, Any]) -> str:
    """Where the issue stands, as the page's language says it: file, line and column."""
    fields = _fields(issue)
    file, line, column = fields.get("file") or "", fields.get("line"), fields.get("column")
    if line and column:
        return gettext(
            "%(file)s line %(line)s, column %(column)s", file=file, line=line, column=column
        )
    if line:
        return gettext("%(file)s line %(line)s", file=file, line=line)
    return file


def error_text(error: SignageError) -> str:
    """The error's phrase in the page's language; a refused save names its first problems,
    with their place."""
    text = error.phrase.render(gettext)
    if error.code == "invalid_config" and isinstance(error.details, list):
        for issue in error.details[:MAX_PROBLEMS_SHOWN]:
            text += " " + gettext(
                "%(place)s: %(text)s.", place=issue_place(issue), text=issue_text(issue)
            )
    return text
