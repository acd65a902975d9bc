"""Changing values inside YAML text while keeping what people wrote around them.

The staff forms edit files that people also edit by hand. ruamel.yaml's round-trip mode
keeps comments, key order, flow or block style and quoting; only the values a form changes
are written anew. New strings are quoted when the strict loader (PyYAML, YAML 1.1) would
otherwise read them as something else (`no`, `12:30`, `2026-12-01`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from signage.config.loader import Mark, YamlError
from signage.phrases import N_, Phrase

_STRING_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()


def _round_trip() -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # long tip bodies stay on one line, as people type them
    handler.indent(mapping=2, sequence=4, offset=2)  # `items:` then `  - clip: …`
    return handler


def load_document(text: str) -> Any:
    """The text as ruamel's commented data; YamlError when it is not YAML."""
    try:
        return _round_trip().load(text)
    except RoundTripError as error:
        # ruamel's first line (PyYAML's words, which the catalogue may have), at its place.
        problem = getattr(error, "problem", None) or str(error).partition("\n")[0] or N_("not YAML")
        place = getattr(error, "problem_mark", None)
        mark = Mark(place.line + 1, place.column + 1) if place is not None else None
        raise YamlError(Phrase(problem), mark) from None


def dump_document(data: Any) -> str:
    """The commented data as text again, comments and order where they were."""
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()


def _written(value: Any) -> Any:
    """Plain form data as round-trip data: short lists in flow style, risky strings quoted."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, inner in value.items():
            mapping[key] = _written(inner)
        return mapping
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_written(inner) for inner in value)
        if all(not isinstance(inner, Mapping | list | tuple) for inner in value):
            seq.fa.set_flow_style()  # `groups: [lobby]`, as the demo files are written
        return seq
    if isinstance(value, str) and (
        # Times are quoted as the demo files write them: `9:30` alone is a YAML 1.1 number.
        ":" in value or _resolver.resolve(yaml.ScalarNode, value, (True, False)) != _STRING_TAG
    ):
        return DoubleQuotedScalarString(value)
    return value


def _same(current: Any, wanted: Any) -> bool:
    """Whether a value on file already says what the form wants (so its quoting stays)."""
    if isinstance(wanted, Mapping) or isinstance(current, Mapping):
        return False  # mappings are updated key by key, never replaced whole
    if isinstance(wanted, list | tuple):
        return isinstance(current, list) and [str(v) for v in current] == [str(v) for v in wanted]
    return current is not None and str(current) == str(wanted) and type(wanted) is not bool


def update_mapping(
    target: Any, wanted: Mapping[str, Any], managed: Iterable[str], inner: Iterable[str] = ()
) -> Any:
    """`target` (a commented mapping) holding `wanted`: changed keys rewritten, `managed` keys
    the form left out removed (`inner` ones in nested mappings), all else and comments kept."""
    if not isinstance(target, CommentedMap):
        return _written(wanted)
    tail = _take_tail(target)
    for key in managed:
        if key in target and key not in wanted:
            del target[key]
    for key, value in wanted.items():
        current = target.get(key)
        if isinstance(value, Mapping) and isinstance(current, CommentedMap):
            update_mapping(current, value, inner)
        elif not _same(current, value):
            target[key] = _written(value)
    _give_tail(target, tail)
    return target


def _is_block(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node) and not node.fa.flow_style()


def _last_entry(node: Any) -> tuple[Any, Any]:
    """The deepest last entry of a block: ruamel keeps what follows the block on it (the
    blank lines and comments before the next section)."""
    key = len(node) - 1 if isinstance(node, CommentedSeq) else list(node)[-1]
    return _last_entry(node[key]) if _is_block(node[key]) else (node, key)


def _comment_slot(holder: tuple[Any, Any]) -> tuple[list[Any], int]:
    node, key = holder
    slots = node.ca.items.setdefault(key, [None, None, None, None])
    return slots, 0 if isinstance(node, CommentedSeq) else 2


def _take_tail(target: CommentedMap) -> str:
    """Cut off what follows the mapping's text (beyond its last line's own comment)."""
    if not target:
        return ""
    slots, index = _comment_slot(_last_entry(target))
    token = slots[index]
    if token is None or "\n" not in token.value:
        return ""
    own, _, tail = token.value.partition("\n")
    token.value = own + "\n"
    return tail


def _give_tail(target: CommentedMap, tail: str) -> None:
    """Put what followed the mapping after its new last entry, so a key added at its end
    does not land after the blank line or the next section's comment."""
    if not tail or not target:
        return
    slots, index = _comment_slot(_last_entry(target))
    token = slots[index]
    if token is None:
        slots[index] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        token.value = token.value + tail


def empty_list() -> CommentedSeq:
    """An empty list written as `[]`."""
    empty = CommentedSeq()
    empty.fa.set_flow_style()
    return empty


def replace_items(target: Any, items: list[Any]) -> Any:
    """A commented list holding exactly `items`, in place so its own comments stay."""
    if not isinstance(target, CommentedSeq):
        return _written(items)
    # The comment lines above an item are kept at the end of the item before it: take them
    # off, and give them back above the same item wherever it now is, so that removing an
    # item does not hand its comment to the next one.
    kept = [entry for entry in target if isinstance(entry, CommentedMap)]
    above = {id(item): _take_tail(before) for before, item in pairwise(kept)}
    end = _take_tail(kept[-1]) if kept else ""
    del target[:]
    target.extend(item if isinstance(item, CommentedMap) else _written(item) for item in items)
    placed = [entry for entry in target if isinstance(entry, CommentedMap)]
    for before, item in pairwise(placed):
        _give_tail(before, above.get(id(item), ""))
    if placed:
        _give_tail(placed[-1], end)
    return target
