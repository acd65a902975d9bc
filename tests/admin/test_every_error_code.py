"""Every error the package can raise reaches a Chinese page in Chinese and the API in English.

The collector (tests/error_codes.py) reads every template an error is made with from the
source; each must be in the Chinese catalogue with the same parameters, and a page showing it
(with stand-in parameters) must show no English sentence, while the API says the English.
"""

from __future__ import annotations

import json
import re
from string import Formatter
from typing import Any

from flask import Flask

from signage.errors import SignageError
from tests.admin.english import english_sentences
from tests.admin.test_issue_wording import catalogue
from tests.error_codes import raised_codes, raised_templates

CODES = raised_codes()
TEMPLATES = raised_templates()
CHINESE = re.compile(r"[\u4e00-\u9fff]{2}")


def stand_ins(template: str) -> dict[str, Any]:
    """A value for each parameter: a number where the template formats one, else an id."""
    return {
        name: 7 if spec else "lobby-east"
        for _, name, spec, _ in Formatter().parse(template)
        if name
    }


def test_the_collector_reads_every_template_and_code_including_those_passed_through_helpers() -> (
    None
):
    assert TEMPLATES.unreadable == [], "make these N_(...) literals the collector can read"
    assert CODES.unreadable == [], "write these codes as literals the collector can read"
    assert len(TEMPLATES.places) > 150 and len(CODES.places) > 100
    through_helpers = {"unit_media", "bad_hearings", "bad_captions", "not_media", "damaged"}
    assert through_helpers <= set(CODES.places)


def test_every_error_template_is_in_the_chinese_catalogue_with_the_same_parameters() -> None:
    chinese = catalogue()
    missing = sorted(f"{place}: {t}" for t, place in TEMPLATES.places.items() if t not in chinese)
    assert missing == [], "translate these in signage/translations (./scripts/translations)"

    def names(template: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(template) if name}

    differ = {t: chinese[t] for t in TEMPLATES.places if names(chinese[t]) != names(t)}
    assert differ == {}


def shown(app: Flask, error: SignageError) -> tuple[str, str]:
    """The staff page's whole text and the words of its error."""
    with app.test_request_context("/admin/", headers={"Accept": "text/html"}):
        page = app.make_response(app.handle_user_exception(error)).get_data(as_text=True)
    return page, page.split('class="flash error">', 1)[1].split("</p>", 1)[0]


def api_error(app: Flask, error: SignageError) -> object:
    """The error object of the API's answer to this error."""
    with app.test_request_context("/api/media", headers={"Accept": "application/json"}):
        return json.loads(app.make_response(app.handle_user_exception(error)).get_data())["error"]


def test_every_error_is_chinese_on_the_page_and_english_in_the_api(app: Flask) -> None:
    # One app for all of them: an app per template would take minutes.
    english, api = {}, []
    for template, place in sorted(TEMPLATES.places.items()):
        params = stand_ins(template)
        error = SignageError(template, code="error", **params)
        page, words = shown(app, error)
        worded = any(re.search("[A-Za-z]{2}", text) for text, *_ in Formatter().parse(template))
        if english_sentences(page) or (worded and not CHINESE.search(words)):
            english[place] = words
        expected = {"code": "error", "message": template.format(**params), "details": None}
        if api_error(app, error) != expected:
            api.append(place)
    assert english == {}
    assert api == []
