"""The strict YAML reader: YAML 1.1 traps are read as meant or refused with a position."""

from __future__ import annotations

import time

import pytest

from signage.config.loader import Mark, YamlError, decode, parse_yaml


def test_values_stay_what_people_wrote() -> None:
    document = parse_yaml(
        "start: 9:30\nwindow: 8:30-17:30\nanswer: no\nswitch: on\nday: 2026-12-01\n"
        "zero: 08\nflag: true\nnothing: ~\nratio: 1.5\n"
    )
    assert document.data == {
        "start": "9:30",
        "window": "8:30-17:30",
        "answer": "no",
        "switch": "on",
        "day": "2026-12-01",
        "zero": 8,
        "flag": True,
        "nothing": None,
        "ratio": 1.5,
    }


def test_positions_of_values_and_keys_are_kept() -> None:
    document = parse_yaml("site:\n  name: 法院\nitems:\n  - a\n  - b\n")
    assert document.marks[("items", 1)] == Mark(5, 5)
    assert document.key_marks[("site", "name")] == Mark(2, 3)
    assert document.mark_for(("site", "name", "deeper")) == Mark(2, 9)


@pytest.mark.parametrize(
    ("text", "code", "line", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate_key", 3, "appears twice (first on line 1)"),
        ("items:\n\t- a\n", "tab", 2, "indent with spaces"),
        ("a: &x [1]\nb: *x\n", "alias", 1, "anchors and aliases"),
        ("a: [1, 2\n", "unclosed", 1, "the [ opened here is never closed"),
        ("a: x\nb: [1, 2\nc: 3\nd: 4\n", "unclosed", 2, "add the matching ]"),
        ("a: {x: 1\nb: 2\n", "unclosed", 1, "add the matching }"),
        ('a: "open\nb: 2\nc: 3\n', "unclosed", 1, "the quote opened here"),
        ("a: x\nb: 'open\nc: 3\n", "unclosed", 2, "the quote opened here"),
        ("a:\n  - [x,\n  - y\nz: 1\n", "unclosed", 2, "the [ opened here is never closed"),
        ("name: x\nitems: [\n", "unclosed", 2, "add the matching ]"),
        ("name: x\nitems: [\n  - clip: a\n  - clip: b\n", "unclosed", 2, "add the matching ]"),
        ("name: x\nitems: [ {clip: a},\n  - clip: b\n", "unclosed", 2, "add the matching ]"),
        ("a: !!python/object:os.system ls\n", "yaml", 1, "not supported"),
        ("? [1, 2]\n: x\n", "yaml", 1, "plain word"),
    ],
)
def test_traps_are_errors_with_a_position(text: str, code: str, line: int, words: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text)
    assert caught.value.code == code
    assert caught.value.mark is not None and caught.value.mark.line == line
    assert words in caught.value.message


def test_byte_order_mark_is_accepted() -> None:
    assert parse_yaml(decode("\ufeffname: 日间".encode())).data == {"name": "日间"}


def test_gbk_file_is_refused_in_plain_words() -> None:
    with pytest.raises(YamlError) as caught:
        decode("name: 日间普法\n".encode("gbk"))
    assert caught.value.code == "encoding"
    assert "UTF-8" in caught.value.message


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    with pytest.raises(YamlError) as caught:
        parse_yaml(bomb)
    assert caught.value.code == "alias"


def test_empty_document_is_none() -> None:
    assert parse_yaml("# only a comment\n").data is None


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("name: 日间\x00轮播\n", "control_character", 1, 9),
        ("name: a\nitems:\n  - tip: {title: \x1b[31m}\n", "control_character", 3, 18),
        ("name: \ufffe\n", "control_character", 1, 7),
        ("items: " + "[" * 5000 + "]" * 5000 + "\n", "too_deep", 1, 39),
        ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 2000)), "too_deep", 33, 65),
    ],
)
def test_control_characters_and_deep_nesting_are_errors_with_a_position(
    text: str, code: str, line: int, column: int
) -> None:
    with pytest.raises(YamlError) as refused:
        parse_yaml(text)
    assert (refused.value.code, refused.value.mark) == (code, Mark(line, column))


def test_valid_text_is_read_by_libyaml_and_errors_keep_their_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 1 MB playlist took ~10 s to read in pure Python, under the save lock; libyaml reads
    # valid text, and only text with an error is read again to word the error as before.
    import signage.config.loader as loader

    items = "".join(f"  - tip: {{title: 第{i}条, body: 诉讼时效三年}}\n" for i in range(20000))
    monkeypatch.setattr(loader, "_StrictLoader", None)  # the pure-Python loader may not run
    started = time.monotonic()
    document = parse_yaml("name: 大列表\nitems:\n" + items)
    assert len(document.data["items"]) == 20000
    assert document.mark_for(("items", 19999, "tip", "title")) == Mark(20002, 18)
    assert time.monotonic() - started < 20  # generous: the point is the loader used
    monkeypatch.undo()
    with pytest.raises(YamlError) as refused:
        parse_yaml("name: a\nitems:\n  - tip: x: y\n")
    assert "mapping values are not allowed here" in refused.value.message
