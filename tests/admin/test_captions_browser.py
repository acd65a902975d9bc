"""Captions on the media page: dropped with their clip, or added to a clip in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.admin.conftest import Site, shot, sign_in
from tests.browser.lobby import make_clip

pytestmark = pytest.mark.browser

SRT = "1\n00:00:00,200 --> 00:00:01,500\n谨防电信诈骗\n"


def test_captions_go_with_their_clip_and_bad_ones_are_refused(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path, "fraud", 2).path.rename(tmp_path / "反诈提示.mp4")
    captions = tmp_path / "反诈提示.srt"
    captions.write_bytes(SRT.encode("gbk"))
    alone = tmp_path / "别的.vtt"
    alone.write_text("WEBVTT\n", encoding="utf-8")
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/media")
    page.set_input_files("#picker", [clip, captions, alone])
    uploads = page.locator(".upload")
    expect(uploads).to_have_count(2)
    expect(uploads.nth(0)).to_contain_text("字幕已保存", timeout=30_000)
    expect(uploads.nth(1)).to_contain_text("字幕需与同名视频一起上传")
    shot(page, "media-captions-upload")
    page.reload()
    row = page.locator("tr.media-row", has_text="反诈提示")
    expect(row.locator(".captions-state")).to_have_text("有字幕")
    expect(row.locator(".captions-button")).to_contain_text("更换字幕")

    bad = tmp_path / "坏的.srt"
    bad.write_text("这不是字幕", encoding="utf-8")
    row.locator("input.captions-file").set_input_files(bad)
    expect(row.locator(".refused")).to_contain_text("字幕未保存: 无法按 SRT 格式读取字幕")
    shot(page, "media-captions-refused")

    # The preview shows them as screens do; then they are removed from the page.
    for _ in range(240):  # the page shows a row's state as it was when loaded
        if "ready" in (row.get_attribute("class") or "").split():
            break
        page.wait_for_timeout(500)
        page.reload()
    row.locator("button.preview").click()
    track = page.locator("#viewer video track")
    expect(track).to_have_attribute("srclang", "zh")
    cues = page.wait_for_function(
        "() => { const t = document.querySelector('#viewer video').textTracks[0];"
        " return t && t.cues && t.cues.length ? t.cues[0].text : null; }",
        timeout=15_000,
    )
    assert cues.json_value() == "谨防电信诈骗"
    shot(page, "media-captions-preview")
    page.keyboard.press("Escape")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.remove-captions").click()
    row = page.locator("tr.media-row", has_text="反诈提示")
    expect(row.locator(".captions-state")).to_have_count(0)
    expect(row.locator(".captions-button")).to_contain_text("添加字幕")
