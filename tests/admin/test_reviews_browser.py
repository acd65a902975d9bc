"""Review before it goes live, walked in a real Chromium against a real `signage serve`:
an editor's change waits, is rejected with a comment, edited, approved by a reviewer and
only then reaches the screens' manifest; an upload waits for approval the same way."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from signage.media.ffmpeg import locate_binaries, run_command
from tests.admin.conftest import DEMO, PASSWORD, Site, shot, sign_in
from tests.support import start_server

pytestmark = pytest.mark.browser

OLD_NAME = "夜间及节假日轮播"  # the evening playlist plays on every lobby screen each night


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server with review on: an admin (wang), an editor (li) and a reviewer (zhao)."""
    root = tmp_path_factory.mktemp("review")
    playlists = root / "playlists"
    shutil.copytree(DEMO, playlists)
    server = start_server(root, playlists, root / "media", {"SIGNAGE_REVIEW": "on"})
    for name, role in (("wang", "admin"), ("li", "editor"), ("zhao", "reviewer")):
        server.signage("user", "add", name, "--role", role, "--password", PASSWORD)
    yield Site(server, playlists)
    server.stop()


def manifest(site: Site) -> dict:
    """What lobby-west is served now, fetched as the screen does, with its key."""
    url = site.server.signage("screen-url", "lobby-west")
    key = url.rsplit("key=", 1)[1]
    answer = requests.get(
        site.url + "/api/v1/screens/lobby-west/manifest", params={"key": key}, timeout=10
    )
    assert answer.status_code == 200
    return answer.json()


def segment_names(site: Site) -> set[str]:
    return {segment["name"] for segment in manifest(site)["segments"]}


def played_media(site: Site) -> set[str]:
    return {
        item.get("media") for segment in manifest(site)["segments"] for item in segment["items"]
    }


def save_name(page: Page, site: Site, name: str) -> None:
    """The editor renames the evening playlist in the form and saves."""
    page.goto(site.url + "/admin/playlists/evening")
    page.locator("#name").fill(name)
    page.click("#save")
    expect(page.locator("#status")).to_have_text("待审核", timeout=15_000)


def test_a_change_waits_is_rejected_edited_and_approved_before_screens_show_it(
    browser: Browser, site: Site
) -> None:
    assert OLD_NAME in segment_names(site)
    on_disk = (site.playlists / "evening.yaml").read_text()
    editor = sign_in(browser, site, "li")
    save_name(editor, site, "夜间轮播(初稿)")
    expect(editor.locator("#review-state")).to_contain_text("审核人通过后")
    shot(editor, "review-editor-pending")
    assert (site.playlists / "evening.yaml").read_text() == on_disk
    assert "夜间轮播(初稿)" not in segment_names(site) and OLD_NAME in segment_names(site)

    reviewer = sign_in(browser, site, "zhao")
    expect(reviewer.locator("#review-badge")).to_have_text("1")
    reviewer.click("nav >> text=待审核")
    draft = reviewer.locator("article.draft").first
    expect(draft.locator(".change .where")).to_have_text("播放列表名称")
    expect(draft.locator(".change ins")).to_contain_text("(初稿)")
    draft.locator("input[name=comment][required]").fill("请写明节假日也播放")
    draft.locator("button.danger").click()
    expect(reviewer.locator(".flash")).to_contain_text("已退回")
    expect(reviewer.locator("#decided")).to_contain_text("请写明节假日也播放")

    editor.goto(site.url + "/admin/playlists/evening")
    expect(editor.locator("#review-state")).to_contain_text("请写明节假日也播放")
    expect(editor.locator("#name")).to_have_value("夜间轮播(初稿)")  # goes on from the draft
    shot(editor, "review-editor-rejected")
    save_name(editor, site, "夜间及节假日轮播(改)")
    editor.goto(site.url + "/admin/reviews")
    expect(editor.locator("article.draft")).to_contain_text("等待其他审核人")
    expect(editor.locator("article.draft button")).to_have_count(1)  # the preview, no verdict
    token = site.server.signage("token", "create", "li")
    review = editor.locator("article.draft").get_attribute("data-review")
    own = requests.post(
        f"{site.url}/api/v1/reviews/{review}/approve",
        json={},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert own.status_code == 403
    assert "夜间及节假日轮播(改)" not in segment_names(site)

    reviewer.goto(site.url + "/admin/reviews")
    with reviewer.context.expect_page() as opened:
        reviewer.locator("article.draft button", has_text="在播放器中预览").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "review=" in preview.url and "/display/" in preview.url
    expect(preview.locator("#preview-badge")).to_contain_text("草稿预览")
    preview.close()
    shot(reviewer, "review-page")
    reviewer.locator("article.draft button.primary").click()
    expect(reviewer.locator(".flash")).to_contain_text("已通过")
    expect(reviewer.locator("#nothing-pending")).to_be_visible()
    assert "夜间及节假日轮播(改)" in (site.playlists / "evening.yaml").read_text()
    assert "夜间及节假日轮播(改)" in segment_names(site)


def test_a_conflicting_approve_shows_three_versions_and_overwrites_nothing(
    browser: Browser, site: Site
) -> None:
    editor = sign_in(browser, site, "li")
    save_name(editor, site, "夜间轮播(冲突)")
    path = site.playlists / "evening.yaml"
    hand_edit = path.read_text() + "# 值班室手工修改\n"
    path.write_text(hand_edit)
    reviewer = sign_in(browser, site, "wang")
    reviewer.goto(site.url + "/admin/reviews")
    reviewer.locator("article.draft button.primary").click()
    expect(reviewer.locator("#conflict")).to_be_visible()
    expect(reviewer.locator("#version-current")).to_contain_text("值班室手工修改")
    expect(reviewer.locator("#version-draft")).to_contain_text("夜间轮播(冲突)")
    expect(reviewer.locator("#version-base")).not_to_contain_text("值班室手工修改")
    shot(reviewer, "review-conflict")
    assert path.read_text() == hand_edit


@pytest.mark.slow
def test_an_editors_upload_plays_only_once_a_reviewer_approves_it(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    # IT adds a clip to the evening playlist by hand (trusted); an editor uploads it.
    path = site.playlists / "evening.yaml"
    path.write_text(path.read_text().replace("items:\n", "items:\n  - clip: hearing-notice\n", 1))
    clip = tmp_path / "hearing-notice.mp4"
    lavfi = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:d=2", "-f", "lavfi", "-i"]
    run_command(
        [locate_binaries().ffmpeg, "-v", "error", *lavfi, "sine=d=2", "-shortest", str(clip)],
        timeout=120,
        outputs=[clip],
    )
    token = site.server.signage("token", "create", "li")
    auth = {"Authorization": f"Bearer {token}"}
    with clip.open("rb") as body:
        sent = requests.post(
            site.url + "/api/v1/media",
            files={"file": ("开庭须知.mp4", body, "video/mp4")},
            data={"id": "hearing-notice"},
            headers=auth,
            timeout=60,
        )
    assert sent.status_code == 202
    deadline = time.monotonic() + 120
    while requests.get(site.url + "/api/v1/media/hearing-notice", headers=auth, timeout=10).json()[
        "status"
    ] in ("queued", "processing"):
        assert time.monotonic() < deadline, "the clip was not prepared in time"
        time.sleep(0.5)
    assert "hearing-notice" not in played_media(site)
    health = requests.get(site.url + "/healthz", headers=auth, timeout=10).json()
    skipped = [w["message"] for w in health["config"]["warnings"]]
    assert any("hearing-notice" in w and "approval" in w for w in skipped), skipped

    reviewer = sign_in(browser, site, "zhao")
    reviewer.goto(site.url + "/admin/reviews")
    row = reviewer.locator("#waiting-media tr[data-id=hearing-notice]")
    expect(row.locator("video")).to_have_count(1)  # the prepared clip, to watch first
    shot(reviewer, "review-media")
    row.locator("button.primary").click()
    expect(reviewer.locator(".flash")).to_contain_text("开庭须知")  # by its title, not its id
    assert "hearing-notice" in played_media(site)
