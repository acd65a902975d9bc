"""A tip's 二维码链接 in the playlist form: kept through the form, drawn as screens draw it."""

from __future__ import annotations

from flask.testing import FlaskClient

from signage.config.forms import playlist_model, playlist_yaml
from signage.programme.qr import qr_drawing

TIP = """name: 网上服务
items:
  # 网上立案的二维码
  - tip:
      title: 网上立案
      body: 扫码进入人民法院在线服务。
      qr: https://example.court.gov.cn/wsla
    seconds: 15
"""


def test_the_form_reads_changes_and_removes_the_address_comments_kept() -> None:
    model = playlist_model(TIP)
    assert model["items"][0]["qr"] == "https://example.court.gov.cn/wsla"
    model["items"][0]["qr"] = "https://example.court.gov.cn/lian"
    changed = playlist_yaml(model, TIP)
    assert 'qr: "https://example.court.gov.cn/lian"' in changed
    assert "# 网上立案的二维码" in changed
    model["items"][0]["qr"] = ""
    assert "qr:" not in playlist_yaml(model, TIP)


def test_the_code_beside_the_field_is_the_one_screens_draw(staff: FlaskClient) -> None:
    url = "https://example.court.gov.cn/wsla"
    response = staff.get("/admin/qr.svg", query_string={"url": url})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert f'd="{qr_drawing(url).path}"' in svg
    for bad in ("javascript:alert(1)", "ftp://example.com/", "", "https://" + "a" * 600):
        assert staff.get("/admin/qr.svg", query_string={"url": bad}).status_code == 422


def test_the_code_is_for_staff_only(client: FlaskClient) -> None:
    response = client.get("/admin/qr.svg", query_string={"url": "https://example.com/"})
    assert response.status_code == 302
