"""Schemathesis over every API operation: zero 5xx, every answer as the document says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.fuzzing import ROLES, fuzz

EXAMPLES = 8  # per operation and role: a few seconds in CI; the longer run is the script


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(tmp_path: Path, role: str) -> None:
    outcome = fuzz(tmp_path, EXAMPLES, (role,))
    assert sum(outcome.cases.values()) >= 30  # every operation ran
    assert outcome.failures == []
