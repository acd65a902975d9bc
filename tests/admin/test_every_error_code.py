"""Every error code the package can raise reaches a Chinese page in Chinese, the API in English."""

from __future__ import annotations

import json
import re

from flask import Flask

from signage.errors import SignageError
from signage.web.admin.base import ERROR_TEXT, UNIT_ERROR_TEXT
from tests.admin.english import english_sentences
from tests.error_codes import raised_codes

CODES = raised_codes()
# What the API and the command line say; the page must not show it.
MESSAGE = "the plain English message the API and the command line give for this"
# The details a unit's refusal carries (the other codes' words take none).
DETAILS = {"unit": "civil", "unit_name": "民一庭", "part": "evening"}
CHINESE = re.compile(r"[\u4e00-\u9fff]{4}")


def test_the_collector_reads_every_code_including_those_passed_through_helpers() -> None:
    assert CODES.unreadable == [], "write these codes as literals the collector can read"
    assert len(CODES.places) > 100
    through_helpers = {"unit_media", "bad_hearings", "bad_captions", "not_media", "damaged"}
    assert through_helpers <= set(CODES.places)


def page_words(app: Flask, error: SignageError) -> str:
    """What the staff page shown for this error says."""
    with app.test_request_context("/admin/", headers={"Accept": "text/html"}):
        return app.make_response(app.handle_user_exception(error)).get_data(as_text=True)


def api_error(app: Flask, error: SignageError) -> object:
    """The error object of the API's answer to this error."""
    with app.test_request_context("/api/media", headers={"Accept": "application/json"}):
        return json.loads(app.make_response(app.handle_user_exception(error)).get_data())["error"]


def test_every_raised_code_has_chinese_words_on_the_page_and_english_in_the_api(
    app: Flask,
) -> None:
    # One app for all codes: an app per code would take minutes.
    unworded, english, api = [], {}, []
    for code, place in sorted(CODES.places.items()):
        if code not in ERROR_TEXT and code not in UNIT_ERROR_TEXT:
            unworded.append(f"{code} ({place})")
        error = SignageError(MESSAGE, code=code, details=DETAILS)
        page = page_words(app, error)
        shown = page.split('class="flash error">', 1)[1].split("</p>", 1)[0]
        if english_sentences(page) or not CHINESE.search(shown):
            english[code] = shown
        if api_error(app, error) != {"code": code, "message": MESSAGE, "details": DETAILS}:
            api.append(code)
    assert unworded == [], "add words for these to ERROR_TEXT (web/admin/base.py) and the catalogue"
    assert english == {}
    assert api == []
