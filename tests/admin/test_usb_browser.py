"""The playlists page's USB button in a real browser: a zip of the stick's files."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import Browser, expect

from tests.admin.conftest import Site, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_usb_button_downloads_the_sticks_files_as_a_zip(browser: Browser, site: Site, tmp_path):
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/playlists")
    row = page.locator("tr", has=page.locator("a[href$='/playlists/evening']"))
    expect(row.locator("button", has_text="U盘文件")).to_be_visible()
    row.locator("select[name=height]").select_option("360")
    shot(page, "playlists-usb")

    with page.expect_download(timeout=300_000) as download:
        # The zip is made while the request waits (encodes take a while on a busy machine):
        # the download is what to wait for, not the click's navigation.
        row.locator("button", has_text="U盘文件").click(no_wait_after=True)
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    assert re.fullmatch(r"evening-usb-\d{4}-\d\d-\d\d\.zip", saved.name)
    with zipfile.ZipFile(saved) as archive:
        names = [name.removeprefix("evening/") for name in archive.namelist()]
        m3u = archive.read("evening/playlist.m3u").decode("ascii")
    numbered = [n for n in names if re.fullmatch(r"\d{3}-[a-z0-9-]+\.mp4", n)]
    # The evening playlist: the anti-fraud clip (once the demo clip is prepared) and two tips.
    assert [n[4:] for n in numbered if n.endswith("-tip.mp4")] == ["tip.mp4", "tip.mp4"]
    assert "all.mp4" in names and all(n in m3u for n in numbered)


def test_days_out_of_range_are_refused_in_words(browser: Browser, site: Site):
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/playlists")
    form = page.locator("tr", has=page.locator("a[href$='/playlists/evening']")).locator("form.usb")
    form.evaluate("f => { f.days.removeAttribute('max'); f.days.value = '9999'; f.submit(); }")
    expect(page.locator(".flash, .error").first).to_contain_text("天数请填写 1 到 366 之间的数字")
