"""Refusals the pages' scripts receive from the API are shown in Chinese, not in its English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.admin.conftest import Site, shot, sign_in
from tests.admin.english import english_sentences

pytestmark = pytest.mark.browser


def test_a_file_that_is_no_hearing_list_is_refused_in_chinese(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/hearings")
    page.set_input_files(
        "#hearings-file",
        files=[{"name": "排期.csv", "mimeType": "text/csv", "buffer": b"name,room\nzhang,3\n"}],
    )
    page.click("#hearings-upload button.primary")
    problem = page.locator("#hearings-problem")
    # The API's phrase in the catalogue's words (error.text), without its English message.
    expect(problem).to_contain_text("开庭排期表无法读取")
    expect(problem).not_to_contain_text("header row")
    assert english_sentences(page.content()) == []
    shot(page, "hearings-refused")
