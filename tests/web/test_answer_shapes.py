"""The answers' schemas: generated from the models the views declare, closed, and checked.

Every answer a test gets through `Api` is checked against the document (tests/web/api_check.py),
and the fuzzing (tests/web/fuzzing.py) walks every operation with the same check; these
tests make sure that check has teeth: a view answering a key its model lacks, or lacking
one it has, fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from signage.web.answers import declared_answers
from signage.web.openapi import REF_TEMPLATE, route_views
from tests.web.api_check import DOCUMENT, Api


def _json_answers(app: Flask) -> dict[tuple[str, str, int], Any]:
    """(method, path, status) of every 2xx JSON answer of the document, with its view."""
    found = {}
    for (method, path), view in route_views(app).items():
        operation = DOCUMENT["paths"][path][method.lower()]
        for status, spec in operation["responses"].items():
            if status.startswith("2") and "application/json" in spec.get("content", {}):
                found[(method, path, int(status))] = view
    return found


def test_every_json_answer_is_declared_by_a_model(app: Flask) -> None:
    answers = _json_answers(app)
    assert len(answers) > 50  # the walk found the document's answers
    undeclared = {key for key, view in answers.items() if key[2] not in declared_answers(view)}
    assert undeclared == set(), "each JSON answer's view declares its model (@answers)"
    # and no operation leaves its success out (a view that forgot @answers documents none)
    silent = [
        (method, path)
        for (method, path) in route_views(app)
        if not any(s.startswith("2") for s in DOCUMENT["paths"][path][method.lower()]["responses"])
    ]
    assert silent == []


def test_declared_answers_are_their_models_schemas_and_closed(app: Flask) -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for (method, path, status), view in _json_answers(app).items():
        model = declared_answers(view).get(status)
        if model is None:
            continue
        spec = DOCUMENT["paths"][path][method.lower()]["responses"][str(status)]
        assert spec["content"]["application/json"]["schema"] == {
            "$ref": REF_TEMPLATE.format(model=model.__name__)
        }
        generated = model.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        for name, nested in generated.pop("$defs", {}).items():
            assert schemas[name] == nested, name
        assert schemas[model.__name__] == generated, (method, path)
        # no key the model lacks may pass the check
        assert generated["additionalProperties"] is False, model.__name__


def _post_alert(api: Api, token: str) -> dict[str, Any]:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    posted = api.post(
        "/alerts", token, json={"text": "暂停办理", "screens": "all", "until": until.isoformat()}
    )
    assert posted.status_code == 201
    return posted.get_json()


def test_the_wire_keeps_the_keys_and_iso_times_of_the_contract(api: Api, editor_token: str) -> None:
    alert = _post_alert(api, editor_token)
    assert set(alert) == {
        "id", "text", "screens", "reaches", "until", "created_by", "created_at", "ended_at"
    }  # fmt: skip
    until = dt.datetime.fromisoformat(alert["until"])
    assert alert["until"] == until.isoformat(timespec="seconds")  # to the second
    assert until.utcoffset() == dt.timedelta(hours=8)  # in the site's zone (Asia/Shanghai)
    assert alert["ended_at"] is None and alert["screens"] == "all"
    timeline = api.get("/screens/lobby-east/timeline", editor_token).get_json()
    assert set(timeline) == {"screen", "timezone", "from", "to", "segments"}
    items = [item for segment in timeline["segments"] for item in segment["items"]]
    # an item's optional keys stay left out rather than null
    assert items and all(None not in item.values() for item in items)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda body: {**body, "note": "a key the model lacks"}, "Additional properties"),
        (lambda body: {k: v for k, v in body.items() if k != "reaches"}, "'reaches' is a required"),
    ],
)
def test_a_view_answering_another_shape_than_it_declares_fails_the_check(
    api: Api, editor_token: str, monkeypatch: pytest.MonkeyPatch, change: Any, complaint: str
) -> None:
    alert = _post_alert(api, editor_token)
    # The view answers a dict of its own instead of the domain's model.
    monkeypatch.setattr("signage.web.api.alerts.end_alert", lambda *_args: change(alert))
    with pytest.raises(AssertionError, match=complaint):
        api.delete(f"/alerts/{alert['id']}", editor_token)
