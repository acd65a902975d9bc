"""The round-trip reader refuses text as the strict one does: a YAML error with its place."""

from __future__ import annotations

import pytest

from signage.config.loader import Mark, YamlError
from signage.config.roundtrip import load_document


def test_text_that_is_no_yaml_is_a_yaml_error_at_its_place() -> None:
    with pytest.raises(YamlError) as refused:
        load_document("name: a\nitems: [1, 2\nnext: 3\n")
    assert refused.value.mark == Mark(3, 5)
    assert refused.value.message == "expected ',' or ']', but got ':'"
    assert refused.value.code == "yaml"
