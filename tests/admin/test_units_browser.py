"""A tribunal's editor, in a real browser: adds a rule for the tribunal's own screen through
the schedule form and sees it play there in the preview; the same form refuses a rule that
names another tribunal's screen, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from signage.config.folder import load_folder
from tests.admin.conftest import DEMO, PASSWORD, Site, shot, sign_in

pytestmark = pytest.mark.browser


def next_workday_noon() -> str:
    """The next official workday at 12:30, site time, when the tribunal's own programme plays:
    outside the demo's Constitution Week (its rule outranks the tribunal's) and within the
    player preview's reach of now (14 days), whatever day the suite runs."""
    config, _ = load_folder(DEMO)
    assert config is not None
    constitution_week = (dt.date(2026, 12, 1), dt.date(2026, 12, 7))
    day = dt.datetime.now(config.site.zone).date() + dt.timedelta(days=1)
    while (
        not config.calendar.is_workday(day) or constitution_week[0] <= day <= constitution_week[1]
    ):
        day += dt.timedelta(days=1)
    return f"{day:%Y-%m-%d}T12:30"


AT = next_workday_noon()


@pytest.fixture(scope="module")
def page(browser: Browser, site: Site) -> Page:
    site.server.signage(
        "user", "add", "zhang", "--role", "editor", "--unit", "banbishan", "--password", PASSWORD
    )
    page = sign_in(browser, site, "zhang")
    page.on("dialog", lambda dialog: pytest.fail(f"page ran script: {dialog.message}"))
    return page


def new_rule(page: Page, site: Site, screen: str) -> None:
    page.goto(f"{site.url}/admin/schedule?screen=bbs-lobby&at={AT}")
    rule = page.locator("fieldset.rule.new")
    rule.locator("select").select_option("daytime")  # the county's playlist: shared
    rule.locator("input[name$=start]").fill("12:00")
    rule.locator("input[name$=end]").fill("13:00")
    rule.locator("input[name$=priority]").fill("30")
    rule.locator(f"input[value={screen}]").check()
    page.click("text=保存排期")


def test_the_units_editor_sees_other_rules_greyed(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/admin/schedule?screen=bbs-lobby&at={AT}")
    expect(page.locator("fieldset.rule.not-mine")).to_have_count(5)
    expect(page.locator(".preview-facts strong")).to_have_text("半壁山法庭普法")


def test_a_rule_for_the_units_own_screen_plays_there(page: Page, site: Site) -> None:
    new_rule(page, site, "bbs-lobby")
    expect(page.locator(".flash").first).to_contain_text("排期已保存")
    text = (site.playlists / "site.yaml").read_text()
    assert "  - playlist: daytime\n    screens: [bbs-lobby]" in text
    assert "    unit: banbishan" in text.split("playlist: daytime\n    screens: [bbs-lobby]")[1]
    page.goto(f"{site.url}/admin/schedule?screen=bbs-lobby&at={AT}")
    expect(page.locator(".preview-facts strong")).to_have_text("日间普法轮播")
    expect(page.locator(".preview-items")).to_contain_text("如何立案？")
    # The player starts where the day's plan stands at that time: one of the listed tips.
    title = page.frame_locator("#preview-frame").locator(".tip[data-state=front] .tip-title")
    expect(title).not_to_be_empty(timeout=30_000)
    assert title.text_content() in page.locator(".preview-items").text_content()
    shot(page, "units-schedule")


def test_a_rule_naming_another_units_screen_is_refused(page: Page, site: Site) -> None:
    before = (site.playlists / "site.yaml").read_bytes()
    new_rule(page, site, "ldh-lobby")
    expect(page.locator(".issues")).to_contain_text("不属于该法庭的 ldh-lobby")
    expect(page.locator("fieldset.rule.not-mine")).to_have_count(5)  # the form kept whose
    assert (site.playlists / "site.yaml").read_bytes() == before
    shot(page, "units-schedule-refused")


def test_the_admins_overview_groups_screens_by_unit(browser: Browser, site: Site) -> None:
    admin = sign_in(browser, site, "wang")
    admin.goto(site.url + "/admin/")
    expect(admin.locator("h2.unit")).to_have_text(["院本部", "半壁山人民法庭", "六道河人民法庭"])
    tribunal = admin.locator("h2.unit[data-unit=liudaohe] + section.screens article")
    expect(tribunal).to_have_count(1)
    expect(tribunal).to_have_attribute("data-screen", "ldh-lobby")
    shot(admin, "units-overview")
    admin.context.close()
