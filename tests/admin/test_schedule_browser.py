"""A playlist is scheduled for a group on weekdays, seen on the week, previewed, interrupted."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.admin.conftest import Site, shot, sign_in

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


def next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


@pytest.fixture(scope="module")
def page(browser: Browser, site: Site) -> Page:
    page = sign_in(browser, site)
    page.on("dialog", lambda dialog: pytest.fail(f"page ran script: {dialog.message}"))
    return page


def test_a_tip_playlist_is_scheduled_for_the_lobby_on_weekdays(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/playlists")
    page.fill("input[name=name]", "午间提示")
    page.fill("input[name=id]", "noon-tips")
    page.click("text=创建")
    page.click("#add-tip")
    page.locator(".tip-title").fill(HOSTILE)
    page.locator(".tip-body").fill("中午十二点至一点半暂停立案。")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("已保存。")

    page.goto(site.url + "/admin/schedule")
    rule = page.locator("fieldset.rule.new")
    rule.locator("select").select_option("noon-tips")
    rule.locator("input[name$=start]").fill("11:00")
    rule.locator("input[name$=end]").fill("13:30")
    rule.locator("input[name$=priority]").fill("30")
    rule.locator("input[value=lobby]").check()
    for day in ("mon", "tue", "wed", "thu", "fri"):
        rule.locator(f"input[value={day}]").check()
    page.click("text=保存排期")
    expect(page.locator(".flash")).to_contain_text("排期已保存")
    text = (site.playlists / "site.yaml").read_text()
    assert "playlist: noon-tips" in text and "days: [mon, tue, wed, thu, fri]" in text


def test_the_week_shows_it_on_weekdays_and_greys_the_rule_it_beats(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/admin/schedule?screen=lobby-east&week={next_monday()}")
    days = page.locator(".week .day")
    expect(days).to_have_count(7)
    for index in range(5):
        expect(days.nth(index).locator(".bar", has_text="午间提示")).to_have_count(1)
        expect(days.nth(index).locator(".lost", has_text="日间普法轮播")).not_to_have_count(0)
    for index in (5, 6):
        expect(days.nth(index).locator(".bar", has_text="午间提示")).to_have_count(0)
    # The tribunals are not in the lobby group.
    page.goto(f"{site.url}/admin/schedule?screen=tribunal-1&week={next_monday()}")
    expect(page.locator(".week .bar", has_text="午间提示")).to_have_count(0)


def test_the_preview_shows_the_tip_as_text_and_then_an_alert(page: Page, site: Site) -> None:
    at = f"{next_monday()}T12:00"
    page.goto(f"{site.url}/admin/schedule?screen=lobby-east&at={at}")
    player = page.frame_locator("#preview-frame")
    expect(player.locator(".tip-title")).to_have_text(HOSTILE)
    expect(player.locator("#stage img")).to_have_count(0)
    expect(page.locator(".preview-items")).to_contain_text(HOSTILE)
    shot(page, "schedule")

    page.goto(site.url + "/admin/alerts")
    page.fill("textarea[name=text]", "大厅临时停电，请到西侧窗口办理")
    page.locator("input[name=targets][value=lobby]").check()
    expect(page.locator("input[name=targets][value=all]")).not_to_be_checked()
    page.click("button:has-text('发送')")
    expect(page.locator("#confirm-screens")).to_have_text(
        "诉讼服务中心东侧大屏、诉讼服务中心西侧大屏"
    )
    page.click("#confirm-send")
    expect(page.locator(".alert-row")).to_contain_text("大厅临时停电")
    shot(page, "alerts")
    page.goto(site.url + "/admin/")
    expect(page.locator(".alerts")).to_contain_text("大厅临时停电")
    shot(page, "overview")
    page.goto(f"{site.url}/admin/schedule?screen=lobby-east")
    alert = page.frame_locator("#preview-frame").locator("#alert-text")
    expect(alert).to_have_text("大厅临时停电，请到西侧窗口办理")
    page.goto(f"{site.url}/admin/schedule?screen=tribunal-1")
    frame = page.locator("#preview-frame").element_handle().content_frame()
    assert frame is not None
    mode = frame.wait_for_function("() => window.signage?.player.mode").json_value()
    assert not mode.startswith("alert:")
    expect(frame.locator("#alert")).to_be_hidden()

    page.goto(site.url + "/admin/alerts")
    page.click("text=立即结束")
    expect(page.locator(".alert-row")).to_have_count(0)


def test_an_alert_in_the_past_is_refused_with_the_reason(page: Page, site: Site) -> None:
    page.goto(site.url + "/admin/alerts")
    page.fill("textarea[name=text]", "测试")
    page.fill("input[name=until]", "2020-01-01T08:00")
    page.click("button:has-text('发送')")
    page.click("#confirm-send")
    expect(page.locator(".issues")).to_contain_text("这个时间已经过去了")
    expect(page.locator("textarea[name=text]")).to_have_value("测试")
