"""The audit log reads as sentences: every action the code records has a name in Chinese."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from flask.testing import FlaskClient

from signage.web.admin.records import AUDIT_ACTIONS

PACKAGE = Path(__file__).resolve().parents[2] / "signage"
# save_file's own `action` argument, passed on to audit() as a name.
FILE_ACTIONS = {"save", "create", "restore"}


def recorded_actions() -> set[str]:
    """Every action a call audit(store, who, action, ...) in the package can record."""
    found = set(FILE_ACTIONS)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit"
            if called and len(node.args) >= 3:
                found |= {
                    part.value
                    for part in ast.walk(node.args[2])
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                }
    return found


def test_every_recorded_action_has_a_name() -> None:
    actions = recorded_actions()
    assert {"user.add", "alert.post", "login.locked", "review.approve"} <= actions
    assert actions <= set(AUDIT_ACTIONS), sorted(actions - set(AUDIT_ACTIONS))


def test_an_added_account_appears_in_the_log_in_words(staff: FlaskClient) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/admin/").text).group(1)
    form = {"name": "li", "role": "editor", "unit": "", "password": "a long pass phrase"}
    form["csrf_token"] = token
    assert staff.post("/admin/users", data=form).status_code == 302
    log = html.unescape(staff.get("/admin/history").get_data(as_text=True))
    added = r"<tr><td>[^<]*</td><td>wang</td><td>添加账号 <small[^>]*>user.add</small>"
    row = re.search(added, log)
    assert row and "<td>li</td>" in log[row.end() :][:200]
    assert "登录 <small" in log
