"""The media page and the feed: publish a clip with its switch; see where items came from
and which their publisher withdrew."""

from __future__ import annotations

import json

import pytest
import requests
from playwright.sync_api import Browser, expect

from signage.db import media, now
from signage.parts import build_parts
from tests.admin.conftest import Site, shot, sign_in

pytestmark = pytest.mark.browser


def test_an_admin_publishes_a_clip_and_sees_imported_and_withdrawn_items(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/media")
    row = page.locator("tr.media-row[data-id='anti-fraud']")
    publish = row.locator("form.publish button")
    # The demo clip is drawn and prepared as the server starts: the switch comes when ready.
    for _ in range(60):
        if publish.count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(publish).to_have_text("发布给其他法院")
    publish.click()
    expect(page.locator(".flash").first).to_contain_text("已发布给其他法院")
    expect(row.locator(".published-state")).to_be_visible()
    index = requests.get(site.url + "/api/v1/published", timeout=30).json()
    assert [m["id"] for m in json.loads(index["manifest"])["media"]] == ["anti-fraud"]

    # A clip another court's feed brought in, since withdrawn there (as the job leaves it).
    parts = build_parts(
        {"PLAYLISTS_DIR": site.playlists, "MEDIA_DIR": site.server.env["SIGNAGE_MEDIA_DIR"]}
    )
    with parts.store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == "court-guide")
            .values(publisher="承德市中级人民法院 <b>", withdrawn_at=now())
        )
    parts.store.engine.dispose()
    page.reload()
    other = page.locator("tr.media-row[data-id='court-guide']")
    expect(other.locator(".source")).to_have_text("来源：承德市中级人民法院 <b>")  # escaped
    expect(other.locator(".withdrawn")).to_contain_text("发布方已撤回")
    shot(page, "media-feed")

    row.locator("form.publish button").click()
    expect(page.locator(".flash").first).to_contain_text("已停止发布")
    index = requests.get(site.url + "/api/v1/published", timeout=30).json()
    assert json.loads(index["manifest"])["media"] == []


def test_editors_get_no_publish_switch(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "li")
    page.goto(site.url + "/admin/media")
    expect(page.locator("tr.media-row").first).to_be_visible()
    assert page.locator("form.publish").count() == 0
