"""Security headers: staff pages run under a CSP without breaking, and cannot be framed."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser

from tests.admin.conftest import Site, sign_in

pytestmark = pytest.mark.browser

STAFF_PAGES = (
    "/admin/",
    "/admin/playlists",
    "/admin/playlists/daytime",
    "/admin/schedule",
    "/admin/alerts",
    "/admin/media",
    "/admin/reports",
    "/admin/history",
    "/admin/users",
    "/admin/screens",
)
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_every_answer_carries_the_headers(site: Site) -> None:
    for path in ("/admin/login", "/api/v1/openapi.json", "/api/v1/screens", "/healthz"):
        headers = requests.get(site.url + path, timeout=10).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
    display = requests.get(site.url + "/display/lobby-east?key=wrong", timeout=10).headers
    assert "frame-ancestors 'self'" in display["Content-Security-Policy"]
    assert display["Referrer-Policy"] == "no-referrer"  # the address carries the screen's key


def test_staff_pages_work_under_the_policy(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.add_init_script(RECORD_VIOLATIONS)
    for path in STAFF_PAGES:
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
    # The select that used an inline handler still sends its form.
    page.goto(site.url + "/admin/history")
    page.select_option("select[name=file]", "daytime.yaml")
    page.wait_for_url("**file=daytime.yaml**")


def test_another_site_cannot_frame_the_users_page(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site)
    page.set_content(f'<iframe src="{site.url}/admin/users" width="800" height="600"></iframe>')
    page.wait_for_timeout(1500)
    framed = [frame for frame in page.frames if frame != page.main_frame]
    # Blocked: neither the users page nor the sign-in page (whose cookie a cross-site frame
    # would not get) renders its password fields inside the other site.
    assert framed and all(frame.query_selector("input[type=password]") is None for frame in framed)
