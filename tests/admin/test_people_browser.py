"""Admins manage accounts and screens; editors cannot reach those pages."""

from __future__ import annotations

import itertools
import re

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.admin.conftest import PASSWORD, Site, shot, sign_in

pytestmark = pytest.mark.browser


def test_an_editor_cannot_reach_user_admin(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "li")
    expect(page.locator(".top nav")).not_to_contain_text("用户")
    response = page.goto(site.url + "/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator(".flash.error")).to_contain_text("需要管理员权限")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    posted = requests.post(
        site.url + "/admin/users",
        data={"name": "mallory", "role": "admin", "password": PASSWORD, "csrf_token": token},
        cookies=cookies,
        allow_redirects=False,
    )
    assert posted.status_code == 403


def test_an_admin_adds_an_account_and_resets_its_password(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/users")
    form = page.locator("form[action$='/admin/users']")
    form.locator("input[name=name]").fill("zhao")
    form.locator("input[name=password]").fill("first password")
    form.locator("button").click()
    row = page.locator("tr[data-user=zhao]")
    expect(row).to_contain_text("编辑")
    row.locator("input[name=password]").fill("second password")
    row.locator("button:has-text('重置密码')").click()
    expect(page.locator(".flash")).to_contain_text("zhao")
    shot(page, "users")
    other = browser.new_context().new_page()
    other.goto(site.url + "/admin/login")
    other.fill("input[name=name]", "zhao")
    other.fill("input[name=password]", "second password")
    other.click("button.primary")
    expect(other.locator("h1")).to_have_text("总览")


def test_a_disabled_account_is_signed_out_and_its_token_revoked_on_the_page(
    browser: Browser, site: Site
) -> None:
    site.server.signage("user", "add", "sun", "--role", "editor", "--password", PASSWORD)
    token = site.server.signage("token", "create", "sun").strip()
    sun = sign_in(browser, site, "sun")
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/users")
    row = page.locator("tr[data-user=sun]")
    row.locator("button:has-text('停用')").click()
    expect(page.locator(".flash")).to_contain_text("已停用 sun")
    expect(page.locator("tr[data-user=sun]")).to_contain_text("已停用")
    shot(page, "users-disabled")
    sun.goto(site.url + "/admin/playlists")
    expect(sun).to_have_url(re.compile(r"/admin/login"))
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(site.url + "/api/v1/session", headers=bearer).status_code == 401
    page.locator("tr[data-user=sun] button:has-text('启用')").click()
    expect(page.locator(".flash")).to_contain_text("sun 可以重新登录了")
    # A token listed on the page is revoked there, by id, without its text.
    second = site.server.signage("token", "create", "sun").strip()
    page.reload()
    live = page.locator("#tokens tr[data-token]")
    expect(live).to_have_count(1)
    live.locator("button:has-text('吊销')").click()
    expect(page.locator(".flash")).to_contain_text("已吊销")
    assert (
        requests.get(
            site.url + "/api/v1/session", headers={"Authorization": f"Bearer {second}"}
        ).status_code
        == 401
    )


def test_screens_show_their_address_and_qr_code_and_a_key_can_be_rotated(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/screens")
    card = page.locator("[data-screen=lobby-east]")
    expect(card.locator(".qr svg")).to_be_visible()
    old_url = card.locator(".url a").inner_text()
    assert old_url.startswith(site.url + "/display/lobby-east?key=")
    assert requests.get(old_url, timeout=10).status_code == 200
    shot(page, "screens")
    page.once("dialog", lambda dialog: dialog.accept())
    card.locator("button.danger").click()
    expect(page.locator(".flash")).to_contain_text("lobby-east")
    new_url = page.locator("[data-screen=lobby-east] .url a").inner_text()
    assert new_url != old_url
    assert requests.get(old_url, timeout=10).status_code == 403

    form = page.locator("form[action$='/admin/screens']")
    form.locator("input[name=id]").fill("lobby-north")
    form.locator("input[name=name]").fill("诉讼服务中心北侧大屏")
    form.locator("input[name=groups]").fill("lobby")
    form.locator("button").click()
    expect(page.locator("[data-screen=lobby-north]")).to_contain_text("诉讼服务中心北侧大屏")
    assert "lobby-north:" in (site.playlists / "site.yaml").read_text()


def test_an_admin_names_a_tribunal_screens_courtroom_on_the_page(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/screens")
    card = page.locator("[data-screen=tribunal-2]")
    card.locator("summary", has_text="设置").click()
    settings = card.locator("form.screen-settings, .screen-settings form")
    expect(settings.locator("select[name=orientation]")).to_have_value("portrait")
    settings.locator("input[name=courtroom]").fill("第二法庭")
    settings.locator("input[name=hearing_band]").check()
    settings.locator("input[name=name]").fill("第二法庭门口<b>屏</b>")
    shot(page, "screen-settings")
    settings.locator("button", has_text="保存").click()
    expect(page.locator(".flash")).to_contain_text("第二法庭门口<b>屏</b> 的设置已保存。")
    text = (site.playlists / "site.yaml").read_text()
    assert (
        "  tribunal-2:\n    name: 第二法庭门口<b>屏</b>\n    groups: [tribunals]\n"
        "    orientation: portrait\n    courtroom: 第二法庭\n"
    ) in text
    # The band is on by default for a screen with a courtroom: nothing more to write.
    lines = text.split("  tribunal-2:\n", 1)[1].splitlines()
    own = list(itertools.takewhile(lambda line: line.startswith("    "), lines))
    assert own and not any("hearing_band" in line for line in own)
    # Read back from the file: the form shows what is saved.
    card = page.locator("[data-screen=tribunal-2]")
    card.locator("summary").click()
    expect(card.locator("input[name=courtroom]")).to_have_value("第二法庭")
    expect(card.locator("input[name=hearing_band]")).to_be_checked()
    expect(card.locator("input[name=captions]")).to_be_checked()


def test_an_admin_picks_a_screens_layout_from_drawings(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.goto(site.url + "/admin/screens")
    card = page.locator("[data-screen=lobby-east]")
    expect(card.locator(".screen-layout .layout-drawing")).to_have_attribute("data-layout", "full")
    card.locator("summary", has_text="设置").click()
    drawings = card.locator("fieldset.layouts .layout-drawing")
    expect(drawings).to_have_count(4)
    split = card.locator("fieldset.layouts [data-layout=portrait-split] .layout-zone")
    expect(split).to_have_text(["节目", "开庭公告"])
    # A built-in side layout plays playlists/side.yaml beside the programme: refused without it.
    card.locator("input[name=layout][value=side]").check()
    shot(page, "screen-layouts")
    card.locator("button", has_text="保存").click()
    expect(page.locator(".flash")).to_contain_text("请新建 playlists/side.yaml")
    assert "layout:" not in (site.playlists / "site.yaml").read_text()
    page.goto(site.url + "/admin/screens")
    card = page.locator("[data-screen=lobby-east]")
    card.locator("summary").click()
    card.locator("input[name=layout][value=portrait-split]").check()
    card.locator("button", has_text="保存").click()
    expect(page.locator(".flash")).to_contain_text("的设置已保存")
    assert "    layout: portrait-split\n" in (site.playlists / "site.yaml").read_text()
    card = page.locator("[data-screen=lobby-east]")
    expect(card.locator(".screen-layout .layout-drawing")).to_have_attribute(
        "data-layout", "portrait-split"
    )
    card.locator("summary").click()
    card.locator("input[name=layout][value='']").check()
    card.locator("button", has_text="保存").click()
    expect(page.locator(".flash")).to_contain_text("的设置已保存")
    assert "layout:" not in (site.playlists / "site.yaml").read_text()
