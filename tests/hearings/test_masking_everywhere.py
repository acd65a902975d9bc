"""A property of masking: for generated parties, causes and roles of non-public and
sensitive hearings, no full personal name is in anything the server sends — the API's
JSON, a tribunal screen's manifest, the staff hearings page."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from signage.accounts.users import add_user
from signage.screens.keys import ensure_screen_key
from tests.admin.test_sign_in import PASSWORD, sign_in
from tests.conftest import _token
from tests.hearings.workbooks import HEADER, csv_text, tribunal_shows_hearings

SURNAMES = ("张", "李", "周", "吴", "欧阳", "诸葛", "孙", "郑", "冯", "陈")
# Given names from characters that no role, cause or page word uses, so a name found in an
# answer is the name and not a coincidence.
GIVEN = "晓丽娟永刚秀英志桂芳伟敏静磊洋勇艳杰涛"
ORGANISATIONS = ("兴隆县某某商贸有限公司", "中国工商银行股份有限公司兴隆支行", "兴隆县第一中学")
CAUSE_KINDS = ("离婚纠纷", "抚养费纠纷", "民间借贷纠纷", "盗窃罪", "合同纠纷")
JUDGE = "赵审判长"

people = st.builds(
    lambda surname, given: surname + given,
    st.sampled_from(SURNAMES),
    st.text(alphabet=GIVEN, min_size=1, max_size=2),
)


@st.composite
def hearings(draw: st.DrawFn) -> tuple[str, str, str, list[str]]:
    """(parties as written, cause, 是否公开, the people named): each written as clerks do."""
    a, b, c = draw(people), draw(people), draw(people)
    organisation = draw(st.sampled_from(ORGANISATIONS))
    kind = draw(st.sampled_from(CAUSE_KINDS))
    parties = draw(
        st.sampled_from(
            (
                f"原告：{a}；被告：{b}",
                f"原告{a}；被告{b}",
                f"原告{a}、被告{b}",
                f"被告人{a}（未成年人）；被害人{b}",
                f"原告：{a}；{a}法定代理人：{c}；被告：{organisation}",
                f"上诉人{a}；被上诉人{organisation}；委托诉讼代理人{b}",
                f"{a}法定代理人{c}；被告{b}",
                f"原告：{a}、{c}；被告：{b}",
            )
        )
    )
    cause = draw(
        st.sampled_from(
            (kind, f"{a}与{b}{kind}", f"{a}诉{b}{kind}", f"原告{a}诉被告{b}{kind}", f"{a}{kind}")
        )
    )
    sensitive = any(word in cause for word in ("离婚", "抚养"))
    public = draw(st.sampled_from(("是", "否"))) if sensitive else "否"
    return parties, cause, public, [a, b, c]


@pytest.fixture
def tribunal(app: Flask, client: FlaskClient, playlists_dir: Path) -> Flask:
    """The demo with a tribunal screen for 第一法庭 showing its hearings; a clerk signed in."""
    tribunal_shows_hearings(playlists_dir)
    app.extensions["signage"].refresh_config(force=True)
    add_user(app.extensions["signage"].store, "clerk", "editor", PASSWORD)
    sign_in(client, "clerk")
    return app


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(examples=st.lists(hearings(), min_size=1, max_size=4))
def test_no_full_personal_name_leaves_the_server_of_a_masked_hearing(
    tribunal: Flask, client: FlaskClient, examples: list[tuple[str, str, str, list[str]]]
) -> None:
    signage = tribunal.extensions["signage"]
    token = _token(tribunal, "editor", "editor")
    today = dt.datetime.now(signage.state.current.site.zone).date().isoformat()
    rows = [HEADER] + [
        (n, f"{today} {9 + n}:00", f"民初{n}号", cause, parties, JUDGE, "第一法庭", public)
        for n, (parties, cause, public, _names) in enumerate(examples, start=1)
    ]
    auth = {"Authorization": f"Bearer {token}"}
    data = {"file": (io.BytesIO(csv_text(rows).encode("utf-8")), "开庭公告.csv")}
    sent = client.post("/api/v1/hearings", data=data, headers=auth)
    assert sent.status_code == 200, sent.get_json()
    key = ensure_screen_key(signage.store, signage.screens.secret_key, "tribunal-1")
    manifest = client.get("/api/v1/screens/tribunal-1/manifest", headers={"X-Screen-Key": key})
    listed = client.get(f"/api/v1/hearings?date={today}", headers=auth)
    page = client.get(f"/admin/hearings?date={today}")
    assert page.status_code == 200 and manifest.status_code == 200
    shown = manifest.get_json()["hearings"]
    assert len([h for h in shown if h["date"] == today]) == len(examples)
    answers = {
        "upload": json.dumps(sent.get_json(), ensure_ascii=False),
        "API": json.dumps(listed.get_json(), ensure_ascii=False),
        "manifest": json.dumps(manifest.get_json(), ensure_ascii=False),
        "page": page.get_data(as_text=True),
    }
    for _parties, _cause, _public, names in examples:
        for name in names:
            assume(name != JUDGE)
            for where, text in answers.items():
                assert name not in text, f"{name} in the {where}"
