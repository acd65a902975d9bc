"""Every staff form is read into a bounded model: a tampered or broken form is a 400 in
Chinese, never a 500, and the work it causes grows with its bytes, not its numbers."""

from __future__ import annotations

import re
import time
import typing
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage.accounts.users import add_user, user_by_name
from signage.config.forms import MOST_RULES, rules_from_form, schedule_model
from signage.errors import Invalid
from signage.web.forms import Form, RuleForm, ScheduleForm
from tests.admin.english import english_sentences
from tests.admin.test_sign_in import PASSWORD, sign_in, token_of


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    add_user(app.extensions["signage"].store, "root", "admin", PASSWORD)
    sign_in(client, "root")
    return client


def schedule_form(client: FlaskClient) -> dict[str, object]:
    """The schedule form as the page posts it, from the page itself."""
    page = client.get("/admin/schedule").get_data(as_text=True)
    etag = re.search(r'name="etag" value="([^"]+)"', page).group(1)
    rules = int(re.search(r'name="rules" value="(\d+)"', page).group(1))
    return {"csrf_token": token_of(client, "/admin/schedule"), "etag": etag, "rules": rules}


def test_a_huge_rule_count_is_refused_at_once(admin: FlaskClient, playlists_dir: Path) -> None:
    before = (playlists_dir / "site.yaml").read_bytes()
    form = {**schedule_form(admin), "rules": "600000"}
    started = time.monotonic()
    answer = admin.post("/admin/schedule", data=form, headers={"Accept": "application/json"})
    assert time.monotonic() - started < 5  # it took 14.6 s and grew with the number
    assert answer.status_code == 400
    assert "表单" in answer.get_json()["error"]["text"]
    assert (playlists_dir / "site.yaml").read_bytes() == before


def with_every_rule(form: dict[str, object], rules: list[dict], **fields: str) -> dict[str, object]:
    """The form holding each rule's row (playlist, origin and `fields`)."""
    for n, rule in enumerate(rules):
        form.update({f"rule-{n}-playlist": rule["playlist"], f"rule-{n}-origin": str(n)})
        form.update({f"rule-{n}-{name}": value for name, value in fields.items()})
    return {**form, "rules": str(len(rules))}


def test_a_rule_count_that_does_not_match_the_rows_drops_nothing_silently(
    admin: FlaskClient, playlists_dir: Path
) -> None:
    rules = schedule_model((playlists_dir / "site.yaml").read_text())
    form = {**with_every_rule(schedule_form(admin), rules), "rules": "2"}
    answer = admin.post("/admin/schedule", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert len(schedule_model((playlists_dir / "site.yaml").read_text())) == len(rules)


def test_every_rule_removed_saves_an_empty_schedule(
    admin: FlaskClient, playlists_dir: Path
) -> None:
    rules = schedule_model((playlists_dir / "site.yaml").read_text())
    form = with_every_rule(schedule_form(admin), rules, remove="1")
    saved = admin.post("/admin/schedule", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    text = (playlists_dir / "site.yaml").read_text()
    assert "schedule: []" in text and schedule_model(text) == []
    assert admin.get("/admin/schedule").status_code == 200


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/schedule", {"rules": "1", "rule-0-priority": "x", "rule-0-playlist": "daytime"}),
        ("/admin/schedule", {"rules": "1", "rule-0-origin": "9" * 5000}),
        ("/admin/users", {"name": "x" * 100, "role": "editor", "password": "p" * 20}),
        ("/admin/users/root/disabled", {"disabled": "maybe"}),
        ("/admin/alerts", {"text": "x", "targets": ["a" * 100]}),
        ("/admin/playlists", {"id": "a" * 100, "name": "x"}),
        ("/admin/media/x/title", {"title": "x" * 2000}),
        ("/admin/screens", {"id": "new", "name": "x" * 300}),
    ],
)
def test_a_tampered_form_is_a_400_in_chinese(
    admin: FlaskClient, path: str, fields: dict[str, object]
) -> None:
    data = {"csrf_token": token_of(admin, "/admin/"), **fields}
    answer = admin.post(path, data=data, headers={"Accept": "application/json"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:500]
    assert answer.get_json()["error"]["code"] == "bad_form"
    assert "无法读取" in answer.get_json()["error"]["text"]


def test_one_password_limit_for_setting_and_signing_in(app: Flask, admin: FlaskClient) -> None:
    store = app.extensions["signage"].store
    data = {"csrf_token": token_of(admin, "/admin/users"), "role": "editor", "unit": ""}
    long = "长城" * 129  # 258 characters
    refused = admin.post(
        "/admin/users",
        data={**data, "name": "wang", "password": long},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code in (400, 422)
    assert refused.get_json()["error"]["code"] == "long_password"
    assert "最多" in refused.get_json()["error"]["text"]
    fits = "长城内外" * 64  # 256 characters
    added = admin.post("/admin/users", data={**data, "name": "wang", "password": fits})
    assert added.status_code == 302 and user_by_name(store, "wang")
    assert sign_in(app.test_client(), "wang", fits) == 302  # sign-in no longer cuts it


# Every staff form, found from the app's routes: a form added later is attacked too.

ROW_ATTACK = 10_000


def staff_forms(app: Flask) -> list[tuple[str, type[Form]]]:
    """Each page route that takes a post: its address (sample arguments) and form model."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "POST" not in (rule.methods or ()):
            continue
        model = getattr(app.view_functions[rule.endpoint], "form_model", None)
        assert model is not None, f"{rule.rule} reads its post without a form model"
        numbers = re.findall(r"<int:(\w+)>", rule.rule)
        arguments = {name: 1 if name in numbers else "approve" for name in rule.arguments}
        found.append((adapter.build(rule.endpoint, arguments, method="POST"), model))
    return found


def _sample(annotation: object) -> object:
    """A value of the field's kind as its page posts it."""
    if typing.get_origin(annotation) is list:
        return ["lobby"]
    text = str(annotation)
    return "1" if "int" in text else "on" if "bool" in text else "x"


def filled(model: type[Form], prefix: str = "") -> dict[str, object]:
    """Every field of the form, as the page would post it (the schedule with one rule)."""
    form: dict[str, object] = {
        prefix + name: _sample(field.annotation)
        for name, field in model.model_fields.items()
        if name != "rows"
    }
    if model is ScheduleForm:
        form.update({**filled(RuleForm, "rule-0-"), "rules": "1"})
    return form


def number_fields(form: dict[str, object], model: type[Form]) -> list[str]:
    models = [(model, ""), *([(RuleForm, "rule-0-")] if model is ScheduleForm else [])]
    return [
        prefix + name
        for each, prefix in models
        for name, field in each.model_fields.items()
        if "int" in str(field.annotation) and prefix + name in form
    ]


def attacks(model: type[Form]) -> list[tuple[str, dict[str, object]]]:
    """Letters in each number field, each required field left out, 10,000 rows."""
    form = filled(model)
    cases = [(f"letters in {name}", {**form, name: "abc"}) for name in number_fields(form, model)]
    cases += [
        (f"no {name}", {key: value for key, value in form.items() if key != name})
        for name, field in model.model_fields.items()
        if field.is_required()
    ]
    rows = {name: [str(n) for n in range(ROW_ATTACK)] for name in form} or {
        "row": [str(n) for n in range(ROW_ATTACK)]
    }
    return [*cases, (f"{ROW_ATTACK} rows", rows)]


def test_every_staff_form_refuses_a_broken_post_with_a_400_page_in_chinese(
    app: Flask, admin: FlaskClient, playlists_dir: Path
) -> None:
    before = {path.name: path.read_bytes() for path in playlists_dir.iterdir()}
    forms = staff_forms(app)
    assert len(forms) >= 28
    tried = 0
    for path, model in forms:
        for what, form in attacks(model):
            data = {**form, "csrf_token": token_of(admin, "/admin/")}
            answer = admin.post(path, data=data)
            page = answer.get_data(as_text=True)
            assert answer.status_code == 400, (path, what, answer.status_code, page[:300])
            assert answer.mimetype == "text/html" and "无法读取" in page, (path, what)
            assert english_sentences(page) == [], (path, what, english_sentences(page))
            tried += 1
    assert tried > 2 * len(forms)  # the number fields and required fields were found
    assert {path.name: path.read_bytes() for path in playlists_dir.iterdir()} == before


def test_the_schedule_rules_are_bounded_below_the_web_edge_too() -> None:
    row = RuleForm(playlist="daytime").model_dump()
    assert len(rules_from_form([row] * MOST_RULES)) == MOST_RULES
    with pytest.raises(Invalid) as refused:
        rules_from_form([row] * (MOST_RULES + 1))
    assert refused.value.code == "too_many_rules"
