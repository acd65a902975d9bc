"""A publicity clerk's everyday tasks, walked in Chromium as she would do them.

Add and date a tip; upload a titled clip and use it; send and end an urgent message to one
group; fix a YAML mistake; read yesterday's report and its CSV after a reorder; find a
screen's QR code and add a screen; read the history. Each test builds on the one before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, expect

from tests.admin.conftest import Site, shot, sign_in
from tests.admin.test_workday_browser import make_clip

pytestmark = pytest.mark.browser

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def page(browser: Browser, site: Site) -> Page:
    """The clerk's browser, signed in for the whole walk, on a screen tall enough to see."""
    page = sign_in(browser, site)
    page.set_viewport_size({"width": 1280, "height": 1200})
    return page


def screen_key(site: Site, screen_id: str) -> str:
    url = site.server.signage("screen-url", screen_id)
    return parse_qs(urlsplit(url).query)["key"][0]


def manifest(site: Site, screen_id: str) -> dict:
    response = requests.get(
        f"{site.url}/api/v1/screens/{screen_id}/manifest",
        headers={"X-Screen-Key": screen_key(site, screen_id)},
        timeout=10,
    )
    assert response.status_code == 200
    return response.json()


def yesterday() -> dt.date:
    return dt.datetime.now(BEIJING).date() - dt.timedelta(days=1)


@pytest.fixture(scope="module", autouse=True)
def plays_from_yesterday(site: Site) -> None:
    """Before anyone edits: lobby-east played the tip 如何立案？ (item #1) and a clip yesterday."""
    noon = dt.datetime.combine(yesterday(), dt.time(12), BEIJING)
    plays = [
        {
            "id": f"y-{n}",
            "item": "daytime#1" if n < 3 else "daytime#0",
            "type": "tip" if n < 3 else "video",
            "media": None if n < 3 else "anti-fraud",
            "started_at": (noon + dt.timedelta(minutes=n)).isoformat(),
            "seconds": 15.0,
        }
        for n in range(5)
    ]
    response = requests.post(
        f"{site.url}/api/v1/screens/lobby-east/plays",
        json={"plays": plays},
        headers={"X-Screen-Key": screen_key(site, "lobby-east")},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def item(page: Page, title: str) -> Locator:
    """The editor's item whose tip title is `title` (typed values are not attributes)."""
    index = page.evaluate(
        "(title) => [...document.querySelectorAll('.item')]"
        ".findIndex((node) => node.querySelector('.tip-title')?.value === title)",
        title,
    )
    assert index >= 0, title
    return page.locator(".item").nth(index)


def test_1_add_a_tip_date_it_and_see_why_it_will_not_play(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/playlists/daytime")
    expect(page.locator("h1")).to_contain_text("日间普法轮播")
    page.click("#add-tip")
    tip = page.locator(".item").last
    tip.locator(".tip-title").fill("宪法宣传周活动")
    tip.locator(".tip-body").fill("12月4日国家宪法日，欢迎到诉讼服务中心参观宪法展板。")
    tip.locator(".date-first").fill("2026-12-01")
    tip.locator(".date-last").fill("2026-12-07")
    # Computed by the schedule: Constitution Week (priority 20) holds the lobby those days.
    note = tip.locator(".item-notes .warning").first
    expect(note).to_contain_text("不会播放")
    expect(note).to_contain_text("“宪法宣传周专题”的优先级更高")
    # A mistake is told beside its item, by number, not by a line of hidden YAML.
    number = page.locator(".item").count()
    tip.locator(".seconds").fill("0")
    error = tip.locator(".item-notes .error")
    expect(error).to_contain_text(f"第 {number} 条：")
    tip.locator(".seconds").fill("20")
    expect(error).to_have_count(0)
    # One click to the top; the save bar is in view wherever the clerk is on the page.
    tip.locator(".move-top").click()
    expect(page.locator(".item").first.locator(".tip-title")).to_have_value("宪法宣传周活动")
    expect(page.locator("#save")).to_be_in_viewport()
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")
    expect(page.locator("#save-bar")).to_have_attribute("data-state", "saved")
    shot(page, "clerk-1-tip")
    text = (site.playlists / "daytime.yaml").read_text()
    assert "dates: 2026-12-01..2026-12-07" in text
    assert text.index("宪法宣传周活动") < text.index("如何立案？")


def test_2_upload_a_titled_clip_and_use_it(page: Page, site: Site, tmp_path: Path) -> None:
    page.goto(site.url + "/admin/media")
    page.set_input_files("#picker", [make_clip(tmp_path, "调解指南.mp4", 2)])
    row = page.locator("tr[data-id=tiao-jie-zhi-nan]")
    # In the table at once, titled after the file, and followed until it is ready.
    expect(row.locator("input.title")).to_have_value("调解指南")
    expect(row).to_have_class(re.compile(r"\bready\b"), timeout=60_000)
    row.locator("input.title").fill("诉前调解指南")
    row.locator("button:has-text('保存标题')").click()
    expect(page.locator(".flash.message")).to_contain_text("标题已保存")
    page.goto(site.url + "/admin/playlists/evening")
    page.select_option("#pick-clip", "tiao-jie-zhi-nan")
    expect(page.locator("#pick-clip option:checked")).to_contain_text("诉前调解指南")
    page.click("#add-clip")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")
    assert "clip: tiao-jie-zhi-nan" in (site.playlists / "evening.yaml").read_text()


def test_3_send_and_end_an_urgent_message_to_one_group(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/alerts")
    every = page.locator("input[name=targets][value=all]")
    lobby = page.locator("input[name=targets][value=lobby]")
    expect(lobby.locator("xpath=..")).to_contain_text("诉讼服务中心大屏")  # the group's name
    lobby.check()
    expect(every).not_to_be_checked()  # a group clears 全部屏幕 ...
    every.check()
    expect(lobby).not_to_be_checked()  # ... and the other way round
    lobby.check()
    page.fill("textarea[name=text]", "东侧大厅临时停电，请到西侧窗口办理")
    until = (dt.datetime.now(BEIJING) + dt.timedelta(days=1)).strftime("%Y-%m-%dT18:00")
    page.fill("input[name=until]", until)
    page.click("#send")
    dialog = page.locator("#confirm-alert")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-screens")).to_have_text(
        "诉讼服务中心东侧大屏、诉讼服务中心西侧大屏"
    )
    expect(dialog.locator("#confirm-until")).to_have_text(until.replace("T", " "))
    expect(dialog).to_contain_text("30 秒内")
    shot(page, "clerk-3-confirm")
    page.click("#confirm-send")
    expect(page.locator(".alert-row")).to_contain_text("诉讼服务中心东侧大屏")
    # The group, and only the group, gets it.
    assert manifest(site, "lobby-east")["alert"]["text"] == "东侧大厅临时停电，请到西侧窗口办理"
    assert manifest(site, "tribunal-1")["alert"] is None
    page.once("dialog", lambda d: d.accept())
    page.locator(".alert-row button:has-text('立即结束')").click()
    expect(page.locator(".alert-row")).to_have_count(0)
    assert manifest(site, "lobby-east")["alert"] is None


def test_4_fix_a_yaml_mistake_on_its_true_line(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/playlists/tribunal")
    page.click("#tab-yaml")
    text = page.locator("#yaml").input_value()
    lines = text.splitlines()
    title = next(n for n, line in enumerate(lines) if line.strip().startswith("title:"))
    # The classic slip: the title indented like the item's keys, not under `tip:`.
    body = next(n for n, line in enumerate(lines) if n > title and "body:" in line)
    moved = [*lines[:title], *lines[title + 1 : body + 1], "    " + lines[title].strip()]
    broken = "\n".join([*moved, *lines[body + 1 :]]) + "\n"
    page.locator("#yaml").fill(broken)
    wrong_line = body + 1  # 1-based: where the title now stands
    expect(page.locator("#yaml-lines .error")).to_have_text(str(wrong_line))
    first = page.locator("#yaml-first-error")
    expect(first).to_contain_text(f"第 {wrong_line} 行")
    expect(first).to_contain_text("“tip” 下面")
    expect(first).not_to_contain_text("是不是想写")  # no guess from another level
    expect(page.locator("#yaml-mark")).to_be_visible()
    shot(page, "clerk-4-yaml")
    page.locator("#yaml").fill(text)
    expect(page.locator("#yaml-first-error")).to_be_hidden()
    expect(page.locator("#yaml-lines div")).to_have_count(len(text.split("\n")))


def test_5_yesterdays_report_stays_true_after_a_reorder(page: Page, site: Site) -> None:
    day = yesterday().isoformat()
    url = f"{site.url}/admin/reports?from={day}&to={day}"
    page.goto(url)
    rows = page.locator("#report tbody tr")
    expect(rows).to_have_count(2)
    before = rows.all_inner_texts()
    expect(rows.filter(has_text="如何立案？")).to_contain_text("3")
    # Reorder today: 如何立案？ is no longer item #1 of the daytime playlist.
    page.goto(site.url + "/admin/playlists/daytime")
    item(page, "什么是诉讼时效？").locator(".move-top").click()
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")
    page.goto(url)
    assert page.locator("#report tbody tr").all_inner_texts() == before
    expect(page.locator("#report")).to_contain_text("日间普法轮播")
    shot(page, "clerk-5-report")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = requests.get(
        site.url + page.locator("#csv").get_attribute("href"), cookies=cookies, timeout=10
    )
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    tip = next(row for row in table if row["节目名称"] == "如何立案？")
    assert (tip["类型"], tip["屏幕名称"], tip["播放次数"]) == (
        "小知识",
        "诉讼服务中心东侧大屏",
        "3",
    )
    assert (tip["节目编号"], tip["屏幕编号"]) == ("daytime#1", "lobby-east")


def test_6_find_a_screens_qr_and_add_a_screen_keeping_every_comment(page: Page, site: Site) -> None:
    site_yaml = site.playlists / "site.yaml"
    comments = [line.strip() for line in site_yaml.read_text().splitlines() if "#" in line]
    assert len(comments) >= 5
    page.goto(site.url + "/admin/screens")
    east = page.locator("[data-screen=lobby-east]")
    expect(east.locator(".qr svg")).to_have_count(1)
    expect(east).to_contain_text("诉讼服务中心大屏")  # its group, by name
    add = page.locator("form[action$='/admin/screens']")
    add.locator("input[name=id]").fill("lobby-north")
    add.locator("input[name=name]").fill("诉讼服务中心北侧大屏")
    add.locator("input[name=groups]").fill("lobby")
    add.locator("button:has-text('添加')").click()
    expect(page.locator("[data-screen=lobby-north] .qr svg")).to_have_count(1)
    after = site_yaml.read_text()
    assert [line.strip() for line in after.splitlines() if "#" in line] == comments
    assert "  lobby-north:\n    name: 诉讼服务中心北侧大屏\n    groups: [lobby]\n" in after


def test_7_history_reads_in_site_time_with_a_side_by_side_diff(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/history?file=site.yaml")
    newest = page.locator("#revisions tbody tr").first
    expect(newest).to_contain_text("保存修改")
    shown = newest.locator("td").nth(1).inner_text()
    now = dt.datetime.now(BEIJING).replace(tzinfo=None)
    assert abs(dt.datetime.strptime(shown, "%Y-%m-%d %H:%M") - now) < dt.timedelta(minutes=5)
    # Read as the screens page made it: a screen added, by its name.
    expect(page.locator("#changes .change.added")).to_contain_text("诉讼服务中心北侧大屏")
    expect(page.locator("#changes")).not_to_contain_text("@@")
    shot(page, "clerk-7-history")


def test_8_a_dated_rule_that_loses_says_why_on_the_schedule_page(page: Page, site: Site) -> None:
    site_yaml = site.playlists / "site.yaml"
    text = site_yaml.read_text()
    rule = (
        "  - playlist: evening\n    screens: [lobby]\n    dates: 2026-12-03..2026-12-10\n"
        '    time: "09:00-12:00"\n    priority: 15\n'
    )
    site_yaml.write_text(text.replace("schedule:\n", "schedule:\n" + rule, 1))  # a hand edit
    notice = page.locator("fieldset.rule").first.locator(".unplayed")
    for _ in range(30):  # the server notices hand edits within CONFIG_CHECK_SECONDS
        page.goto(site.url + "/admin/schedule")
        if notice.count():
            break
        page.wait_for_timeout(500)
    expect(notice).to_contain_text("12-03 至 12-07 不会播放")
    expect(notice).to_contain_text("“宪法宣传周专题”的优先级更高")
    expect(page.locator("fieldset.rule").nth(1).locator(".unplayed")).to_have_count(0)
