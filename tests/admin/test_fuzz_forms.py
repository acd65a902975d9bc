"""The staff forms and uploads under generated input, as admin, editor and reviewer: no 5xx,
no request over five seconds, no English sentence on a page (tests/admin/form_fuzzing.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.admin.form_fuzzing import ROLES, TARGETS, fuzz

EXAMPLES = 8  # per form and role: some twenty seconds; the longer run is the script


@pytest.mark.parametrize("role", ROLES)
def test_every_form_and_upload_answers_in_plain_words(tmp_path: Path, role: str) -> None:
    outcome = fuzz(tmp_path, EXAMPLES, (role,))
    assert set(outcome.cases) == {target.name for target in TARGETS}  # every form ran
    assert outcome.failures == []
