"""The clerk's second walk (issue 26), in Chromium and in Chinese, through the pages alone.

A county court in review mode: 李文 (publicity clerk, editor) does the seven tasks — this
week's hearing list, captions in GBK, a tip with a QR code, next year's holidays, review,
reports, history — and 王科 (reviewer) approves; 张信 (IT, admin) names a screen's courtroom.
Every page visited is read as the clerk reads it: no id, no English word, no UTC time.
Screenshots of each step are kept when asked for (tests/support.py keep_picture). Times come
from the real clock only as offsets (today's hearings, yesterday's plays): nothing depends on
the date itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from signage.config.folder import load_folder
from signage.jobs.preparation import DEMO_DONE
from signage.media.library import set_title
from tests.admin.conftest import DEMO
from tests.browser.lobby import make_clip, make_poster, open_store, publish
from tests.hearings.workbooks import HEADER, xlsx
from tests.support import LiveServer, keep_picture, start_server

pytestmark = pytest.mark.browser

BEIJING = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "correct horse battery"
CLERK, REVIEWER, IT = "李文", "王科", "张信"
LONG_PARTIES = (
    "公诉机关：兴隆县人民检察院；被告人：张三；被告人：李四；被告人：王五；被害人：赵某某"
)
QR = "https://example.court.gov.cn/wsla"
DEMO_TITLES = {
    "anti-fraud": "反电信网络诈骗",
    "court-guide": "诉讼服务指南",
    "constitution-poster": "宪法宣传周海报",
}
# File names the clerk chose, units she reads, and the language switch that names English in
# English: the only Latin letters a page may show.
ALLOWED_WORDS = {"mp4", "srt", "vtt", "xlsx", "csv", "CSV", "Excel", "MB", "KB", "English"}


@dataclass
class Walk:
    """The server, its folders, each person's browser page, and the step reached."""

    server: LiveServer
    playlists: Path
    clerk: Page
    reviewer: Page
    it: Page
    step: int = 0

    @property
    def url(self) -> str:
        return self.server.url

    def shot(self, page: Page, name: str) -> None:
        """A full-page screenshot of this step, numbered in walking order, when asked for
        (keep_picture)."""
        self.step += 1
        keep_picture(page, f"clerk-walk/{self.step:02d}-{name}")


def ids(playlists: Path) -> set[str]:
    """Every id of the configuration: screens, groups, playlists, media."""
    config, _ = load_folder(playlists)
    assert config is not None
    return {*config.screens, *config.groups(), *config.playlists, *config.media_ids()}


def reads_as_chinese(walk: Walk, page: Page) -> str:
    """What the page shows, checked as the clerk reads it; the text for further checks."""
    text = page.inner_text("body")
    plain = re.sub(r"https?://\S*", "", text)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]+", plain)) - ALLOWED_WORDS
    lines = [line for line in plain.splitlines() if any(word in line for word in words)]
    assert not words, f"{page.url}: English or machine words {sorted(words)} in {lines[:5]}"
    for identifier in ids(walk.playlists):
        assert identifier not in plain, f"{page.url}: the id {identifier!r} shows"
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\bUTC\b|\d\dZ\b", plain), page.url
    return text


def person(browser: Browser, url: str, name: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(url + "/admin/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/admin/")
    return page


@pytest.fixture(scope="module")
def walk(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    """One server in review mode with the demo site, its three people signed in."""
    root = tmp_path_factory.mktemp("second-walk")
    playlists = root / "playlists"
    shutil.copytree(DEMO, playlists)
    store = open_store(root / "media")
    # The demo's media, small and ready at once, under the titles a court gives them.
    store.set_meta(DEMO_DONE, "the walk brings its own")
    made = root / "made"
    made.mkdir()
    demo = [make_clip(made, "anti-fraud", 2), make_clip(made, "court-guide", 2, pattern=1)]
    publish(store, root / "media", [*demo, make_poster(made, "constitution-poster")])
    for media_id, title in DEMO_TITLES.items():
        set_title(store, media_id, title)
    server = start_server(root, playlists, root / "media", {"SIGNAGE_REVIEW": "on"})
    for name, role in ((CLERK, "editor"), (REVIEWER, "reviewer"), (IT, "admin")):
        server.signage("user", "add", name, "--role", role, "--password", PASSWORD)
    pages = [person(browser, server.url, name) for name in (CLERK, REVIEWER, IT)]
    yield Walk(server, playlists, *pages)
    for page in pages:
        page.context.close()
    server.stop()


def approve_newest(walk: Walk, expected: str) -> None:
    """王科 opens 待审核, reads the change (`expected` is in it), and approves it."""
    page = walk.reviewer
    page.goto(walk.url + "/admin/reviews")
    draft = page.locator("article.draft").first
    expect(draft).to_contain_text(expected)
    reads_as_chinese(walk, page)
    draft.locator("button.primary").click()
    expect(page.locator(".flash")).to_contain_text("已通过")


def screen_key(walk: Walk, screen_id: str) -> str:
    url = walk.server.signage("screen-url", screen_id)
    return parse_qs(urlsplit(url).query)["key"][0]


def test_1_this_weeks_hearing_list_reaches_the_courtroom_door(walk: Walk, tmp_path: Path) -> None:
    now = dt.datetime.now(BEIJING)  # the hearing in session as the door screen opens
    workbook = tmp_path / "本周开庭公告.xlsx"
    rows = [
        HEADER,
        (1, f"{now:%Y-%m-%d %H:%M}", "(2026)冀0822刑初1号", "盗窃罪", LONG_PARTIES,
         "王法官", "第一法庭", "是"),
        (2, f"{now + dt.timedelta(days=1):%Y-%m-%d} 09:00", "(2026)冀0822民初2号",
         "合同纠纷", "原告：钱七；被告：兴隆县某某有限公司", "刘法官", "第一法庭", "是"),
        (3, f"{now + dt.timedelta(days=2):%Y-%m-%d} 10:00", "(2026)冀0822民初3号",
         "合同纠纷", "原告：孙八；被告：周九", "刘法官", "第二法庭", "是"),
    ]  # fmt: skip
    workbook.write_bytes(xlsx(rows))
    clerk = walk.clerk
    clerk.goto(walk.url + "/admin/hearings")
    clerk.set_input_files("#hearings-file", workbook)
    clerk.click("button.primary:has-text('上传')")
    expect(clerk.locator("#hearings-report")).to_contain_text("已导入 3 场庭审")
    clerk.reload()
    expect(clerk.locator("tr.hearing-row")).to_have_count(1)  # today's, by default
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "hearings-uploaded")
    # On a phone each hearing is a card of labelled lines.
    clerk.set_viewport_size({"width": 390, "height": 844})
    first = clerk.locator("tr.hearing-row").first
    expect(clerk.locator("#hearings thead")).to_be_hidden()
    width = first.evaluate("(row) => row.getBoundingClientRect().width")
    assert width > 300, "a hearing card spans the phone's width"
    label = (
        first.locator("td").nth(3).evaluate("(cell) => getComputedStyle(cell, '::before').content")
    )
    assert "当事人" in label
    walk.shot(clerk, "hearings-phone")
    clerk.set_viewport_size({"width": 1280, "height": 900})

    # IT names the courtroom of the first tribunal door; nothing in any playlist changes.
    it = walk.it
    it.goto(walk.url + "/admin/screens")
    card = it.locator("[data-screen=tribunal-1]")
    card.locator("summary").click()
    card.locator("input[name=courtroom]").fill("第一法庭")
    expect(card.locator("input[name=hearing_band]")).not_to_be_checked()
    card.locator("button.primary").click()
    expect(it.locator(".flash")).to_contain_text("已提交审核")
    approve_newest(walk, "站点、屏幕和排期")
    it.goto(walk.url + "/admin/screens")
    reads_as_chinese(walk, it)
    card = it.locator("[data-screen=tribunal-1]")
    card.locator("summary").click()
    expect(card.locator("input[name=hearing_band]")).to_be_checked()  # on by default
    walk.shot(it, "screens-courtroom")

    # The door screen, opened at its address, shows today's hearings with every party.
    door = it.context.new_page()
    door.set_viewport_size({"width": 1080, "height": 1920})
    door.goto(card.locator(".url a").get_attribute("href"))
    band = door.locator("#hearing-band")
    expect(band).to_be_visible(timeout=20_000)
    expect(band.locator(".band-sitting")).to_contain_text("(2026)冀0822刑初1号")
    parties = band.locator(".band-sitting .band-parties")
    expect(parties).to_contain_text("被害人 赵某某")  # the last party: nothing is cut
    clipped = parties.evaluate("(node) => node.scrollWidth > node.clientWidth + 1")
    assert not clipped, "the parties are cut off"
    walk.shot(door, "door-screen")
    door.close()


def test_2_captions_in_gbk_play_with_their_clip(walk: Walk, tmp_path: Path) -> None:
    clip = make_clip(tmp_path, "fraud", 2).path.rename(tmp_path / "反诈提示.mp4")
    captions = tmp_path / "反诈提示.srt"
    captions.write_bytes("1\n00:00:00,100 --> 00:00:01,800\n谨防电信诈骗\n".encode("gbk"))
    clerk = walk.clerk
    clerk.goto(walk.url + "/admin/media")
    clerk.set_input_files("#picker", [clip, captions])
    # Review is on: the captions wait for a second person, who reads their words first.
    expect(clerk.locator(".upload").first).to_contain_text("字幕已提交审核", timeout=30_000)
    reviewer = walk.reviewer
    reviewer.goto(walk.url + "/admin/reviews")
    waiting = reviewer.locator("#waiting-captions tr", has_text="谨防电信诈骗")
    expect(waiting).to_have_count(1)
    reads_as_chinese(walk, reviewer)
    waiting.locator("button.primary").click()
    expect(reviewer.locator("#waiting-captions")).not_to_contain_text("谨防电信诈骗")
    row = clerk.locator("tr.media-row", has_text="反诈提示")
    for _ in range(240):  # a row shows the state of when the page was loaded
        clerk.reload()
        if "ready" in (row.get_attribute("class") or "").split():
            break
        clerk.wait_for_timeout(500)
    reads_as_chinese(walk, clerk)
    expect(row.locator(".captions-state")).to_have_text("有字幕")
    row.locator("button.preview").click()
    cue = clerk.wait_for_function(
        "() => { const t = document.querySelector('#viewer video').textTracks[0];"
        " return t && t.cues && t.cues.length ? t.cues[0].text : null; }",
        timeout=15_000,
    )
    assert cue.json_value() == "谨防电信诈骗"
    walk.shot(clerk, "captions-preview")
    clerk.keyboard.press("Escape")


def test_3_a_tip_with_a_qr_code_drawn_as_screens_show_it(walk: Walk) -> None:
    clerk = walk.clerk
    clerk.goto(walk.url + "/admin/playlists/evening")
    clerk.click("#add-tip")
    tip = clerk.locator(".item").last
    tip.locator(".tip-title").fill("网上立案")
    tip.locator(".tip-body").fill("扫码进入人民法院在线服务，足不出户提交起诉材料。")
    tip.locator(".tip-qr").fill("javascript:alert(1)")
    expect(tip.locator(".qr-note")).to_contain_text("这不是网址")
    tip.locator(".tip-qr").fill(QR)
    image = tip.locator("img.qr-preview")
    expect(image).to_be_visible()
    assert image.evaluate("(img) => img.naturalWidth") > 0
    expect(tip.locator(".qr-note")).to_contain_text("屏幕在这条小知识旁显示")
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "tip-qr")
    clerk.click("#save")
    expect(clerk.locator("#status")).to_contain_text("审核")
    assert QR not in (walk.playlists / "evening.yaml").read_text()  # held for review


def test_4_next_years_holidays_on_their_own_page(walk: Walk) -> None:
    clerk = walk.clerk
    clerk.goto(walk.url + "/admin/")
    clerk.click("nav >> text=节假日与调休")
    reads_as_chinese(walk, clerk)
    form = clerk.locator("#calendar-add")
    form.locator("select[name=kind]").select_option(label="放假")
    form.locator("input[name=first]").fill("2027-01-01")
    form.locator("button.primary").click()
    expect(clerk.locator(".flash")).to_contain_text("已提交审核")
    approve_newest(walk, "站点、屏幕和排期")
    clerk.goto(walk.url + "/admin/calendar")
    form.locator("select[name=kind]").select_option(label="调休上班")
    form.locator("input[name=first]").fill("2027-02-14")
    form.locator("button.primary").click()
    approve_newest(walk, "站点、屏幕和排期")
    clerk.goto(walk.url + "/admin/calendar")
    table = clerk.locator("table.calendar-days")
    expect(table.locator("tr.holidays")).to_contain_text("2027-01-01")
    expect(table.locator("tr.workdays")).to_contain_text("2027-02-14")
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "calendar")
    text = (walk.playlists / "site.yaml").read_text()
    assert "# 宪法宣传周" in text and "workdays: [2027-02-14]" in text
    clerk.goto(walk.url + "/admin/")
    # The year is known now: the overview no longer warns about it (a date the overview
    # shows may still be in 2027, on New Year's Day).
    assert "节假日日历还没有 2027 年" not in reads_as_chinese(walk, clerk)
    walk.shot(clerk, "overview")


def test_5_review_reads_as_the_clerk_made_it(walk: Walk) -> None:
    reviewer = walk.reviewer
    expect(reviewer.locator("#review-badge")).to_have_text("2")  # the tip and the clip
    reviewer.goto(walk.url + "/admin/reviews")
    upload = reviewer.locator("#waiting-media tr", has_text="反诈提示")
    upload.locator("button.primary").click()
    expect(reviewer.locator(".flash")).to_contain_text("已通过")
    expect(reviewer.locator("#review-badge")).to_have_text("1")
    draft = reviewer.locator("article.draft").first
    expect(draft.locator(".change .where")).to_contain_text("新增：第")
    expect(draft.locator(".change .where")).to_contain_text("小知识《网上立案》")
    added = draft.locator(".change.added ins")
    expect(added.first).to_contain_text("足不出户")
    expect(added.last).to_have_text(QR)
    screens = draft.locator("select[name=screen] option").all_inner_texts()
    assert "诉讼服务中心东侧大屏" in screens
    reads_as_chinese(walk, reviewer)
    walk.shot(reviewer, "review")
    with reviewer.context.expect_page() as opened:
        draft.locator("button", has_text="在播放器中预览").click()
    preview = opened.value
    expect(preview.locator("#preview-badge")).to_contain_text("草稿预览")
    expect(preview.locator(".tip-title")).to_have_text("网上立案", timeout=20_000)
    expect(preview.locator(".tip-qr")).to_be_visible()
    walk.shot(preview, "review-preview")
    preview.close()
    draft.locator("button.primary").click()
    expect(reviewer.locator(".flash")).to_contain_text("已通过")
    assert QR in (walk.playlists / "evening.yaml").read_text()


def test_6_reports_say_what_played_in_words(walk: Walk) -> None:
    noon = dt.datetime.combine(
        dt.datetime.now(BEIJING).date() - dt.timedelta(days=1), dt.time(12), BEIJING
    )
    plays = [
        {"id": "w-1", "item": "door#0", "type": "hearings", "media": None,
         "started_at": noon.isoformat(), "seconds": 160.0},
        {"id": "w-2", "item": "evening#1", "type": "tip", "media": None,
         "started_at": (noon + dt.timedelta(minutes=3)).isoformat(), "seconds": 15.4},
    ]  # fmt: skip
    sent = requests.post(
        f"{walk.url}/api/v1/screens/tribunal-1/plays",
        json={"plays": plays},
        headers={"X-Screen-Key": screen_key(walk, "tribunal-1")},
        timeout=10,
    )
    assert sent.status_code == 200, sent.text
    clerk = walk.clerk
    day = noon.date().isoformat()
    clerk.goto(f"{walk.url}/admin/reports?from={day}&to={day}")
    report = clerk.locator("#report")
    expect(report).to_contain_text("开庭公告")
    expect(report).to_contain_text("160")
    expect(report).not_to_contain_text("160.0")
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "reports")
    cookies = {c["name"]: c["value"] for c in clerk.context.cookies()}
    answer = requests.get(
        walk.url + clerk.locator("#csv").get_attribute("href"), cookies=cookies, timeout=10
    )
    table = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    kinds = {row["类型"] for row in table}
    assert "开庭公告" in kinds and "hearings" not in kinds
    assert {row["播放时长(秒)"] for row in table} <= {"160", "15"}


def test_7_history_names_each_version_and_restores_through_review(walk: Walk) -> None:
    clerk = walk.clerk
    clerk.goto(walk.url + "/admin/history?file=evening.yaml")
    rows = clerk.locator("#revisions tbody tr")
    expect(rows.last).to_contain_text("最初的版本")
    expect(rows.first).to_contain_text(f"由 {REVIEWER} 审核通过")
    expect(clerk.locator("#changes")).to_contain_text("小知识《网上立案》")
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "history")
    clerk.once("dialog", lambda dialog: dialog.accept())
    restored = rows.nth(1).get_attribute("data-revision")
    rows.nth(1).locator("button").click()
    expect(clerk.locator(".flash")).to_contain_text("已提交审核")
    approve_newest(walk, "删除")
    clerk.goto(walk.url + "/admin/history?file=evening.yaml")
    expect(rows.first).to_contain_text(f"恢复为第 {restored} 版")
    expect(rows.first).to_contain_text(f"由 {REVIEWER} 审核通过")
    reads_as_chinese(walk, clerk)
    walk.shot(clerk, "history-restored")
    assert QR not in (walk.playlists / "evening.yaml").read_text()
