"""Every word of the staff pages has its Chinese translation, and English is one click away."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parents[2]
METHODS = [
    ("signage/**.py", "python"),
    ("signage/web/templates/admin/**.html", "jinja2"),
]


def test_every_extracted_word_is_in_the_compiled_chinese_catalogue() -> None:
    with open(REPO / "signage/translations/zh/LC_MESSAGES/messages.mo", "rb") as handle:
        catalogue = read_mo(handle)
    keywords = {"_": None, "gettext": None, "_l": None, "N_": None}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(REPO), METHODS, keywords=keywords)
    }
    assert len(found) > 200
    missing = sorted(m for m in found if not (catalogue.get(m) and catalogue[m].string))
    assert missing == [], "run ./scripts/translations and translate these"


def test_the_pages_switch_to_english_and_back(client: FlaskClient) -> None:
    assert "登录" in client.get("/admin/login").get_data(as_text=True)
    client.get("/admin/language/en", headers={"Referer": "http://localhost/admin/login"})
    assert "Sign in" in client.get("/admin/login").get_data(as_text=True)
    client.get("/admin/language/zh")
    assert "登录" in client.get("/admin/login").get_data(as_text=True)
