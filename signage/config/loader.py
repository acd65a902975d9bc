"""A strict YAML reader that keeps where every value came from.

PyYAML implements YAML 1.1, whose implicit types surprise people who write schedules:
``9:30`` is the sexagesimal number 570, ``no``/``on`` are booleans and ``2026-12-01`` is a
date object. This loader resolves only what YAML 1.2 would (``true``/``false``, ``null``,
plain decimal numbers); everything else stays text for the validator to read as meant.
Duplicate keys, tabs in indentation, anchors/aliases and non-UTF-8 files are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.cyaml import CParser  # PyYAML's wheels carry libyaml on every platform we run on

from signage.phrases import N_, Phrase

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A position in a file, counted from 1 as editors show it."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: yaml.Mark) -> Mark:
        return cls(mark.line + 1, mark.column + 1)


class YamlError(Exception):
    """The text is not YAML we accept; carries the position and a plain message."""

    def __init__(self, phrase: Phrase, mark: Mark | None, code: str = "yaml") -> None:
        super().__init__(str(phrase))
        self.phrase = phrase
        self.message = str(phrase)
        self.mark = mark
        self.code = code


# PyYAML's commonest complaints, marked so the staff pages can say them in their language
# (the message passes them through as a phrase without parameters).
YAML_PROBLEMS = (
    N_("mapping values are not allowed here"),
    N_("could not find expected ':'"),
    N_("found unexpected end of stream"),
)

# PyYAML reports an unclosed bracket or quote where it gave up (often the end of the file);
# its context mark is where the bracket or quote opened, which is where the fix goes.
UNCLOSED = {
    "while parsing a flow sequence": N_(
        "the [ opened here is never closed; add the matching ] (the file goes wrong on line {line})"
    ),
    "while parsing a flow mapping": N_(
        "the {{ opened here is never closed; add the matching }} "
        "(the file goes wrong on line {line})"
    ),
    "while scanning a quoted scalar": N_(
        "the quote opened here is never closed; end the text with the same quote mark"
    ),
}

NO_ALIASES = Phrase(
    N_("anchors and aliases (& and *) are not supported here; write the values out")
)

# Configuration is a few levels deep; thousands of levels would exhaust Python's stack.
MAX_DEPTH = 32
# What YAML itself refuses (control characters, U+FFFE/U+FFFF, lone surrogates), found
# before parsing so the error names line and column like any other.
NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@dataclass
class Document:
    """Plain Python data plus where each value (and each mapping key) stands."""

    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)

    def mark_for(self, path: Path_, *, key: bool = False) -> Mark | None:
        """The closest known position for a path, walking up to its parents."""
        table = self.key_marks if key else self.marks
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.marks:
                return self.marks[path]
        return None


class _StrictResolver(yaml.resolver.BaseResolver):
    """Implicit types as YAML 1.2's core schema, not 1.1's."""


_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def _too_deep() -> Phrase:
    return Phrase.of(
        N_("the text is nested more than {depth} levels deep; unfold it"), depth=MAX_DEPTH
    )


class _StrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _StrictResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # Aliases let a few lines expand into gigabytes ("billion laughs"); schedules
        # never need them, so they are refused before anything is built.
        event = self.peek_event()
        if self.check_event(yaml.events.AliasEvent) or getattr(event, "anchor", None):
            raise YamlError(NO_ALIASES, Mark.of(event.start_mark), code="alias")
        if self.depth >= MAX_DEPTH:
            raise YamlError(_too_deep(), Mark.of(event.start_mark), code="too_deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _FastStrictLoader(
    CParser,  # libyaml: the same grammar, about thirty times faster than pure Python
    yaml.constructor.SafeConstructor,
    _StrictResolver,
):
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting from libyaml's event stream, before composing."""
    loader = _FastStrictLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
                raise YamlError(NO_ALIASES, Mark.of(event.start_mark), code="alias")
            if isinstance(event, yaml.events.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(_too_deep(), Mark.of(event.start_mark), code="too_deep")
            elif isinstance(event, yaml.events.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _compose_fast(text: str) -> yaml.Node | None:
    """The node tree through libyaml; None when libyaml finds an error (the pure-Python
    loader then reads the text again and words the error as it always has)."""
    try:
        _check_events(text)
        loader = _FastStrictLoader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None


def decode(raw: bytes) -> str:
    """UTF-8 text with any byte-order mark removed; other encodings are refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            Phrase(
                N_(
                    "the file is not saved as UTF-8 (perhaps GBK/ANSI from Notepad); "
                    "save it again choosing the UTF-8 encoding"
                )
            ),
            Mark(line, 1),
            code="encoding",
        ) from None


def _check_tabs(text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise YamlError(
                Phrase(N_("a tab is used for indentation; indent with spaces only")),
                Mark(number, indent.index("\t") + 1),
                code="tab",
            )


def _check_characters(text: str) -> None:
    found = NOT_PRINTABLE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise YamlError(
            Phrase.of(
                N_(
                    "an invisible control character ({code}) is in the text, often pasted "
                    "from another program; delete it"
                ),
                code=f"U+{ord(found.group()):04X}",
            ),
            Mark(line, column),
            code="control_character",
        )


def parse_yaml(text: str) -> Document:
    """Parse one YAML document strictly; raise YamlError with a position on any problem."""
    text = text.removeprefix("\ufeff")
    _check_characters(text)
    _check_tabs(text)
    node = _compose_fast(text)
    if node is not None:
        return _document(node)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        unclosed = UNCLOSED.get(exc.context or "")
        opened = exc.context_mark
        if exc.context == "while parsing a flow node":
            # The parser gave up inside [ ] or { } (a block list under `items: [`, or the end
            # of the file): its context mark is where it expected a value, not the bracket.
            bracket = _innermost_open_bracket(text)
            if bracket is not None:
                unclosed, opened = bracket
        if unclosed and opened and exc.problem_mark:
            raise YamlError(
                Phrase.of(unclosed, line=exc.problem_mark.line + 1),
                Mark.of(opened),
                code="unclosed",
            ) from None
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "the text is not valid YAML"
        raise YamlError(
            Phrase.of(
                N_("this is not valid YAML: {problem} (check indentation, colons and quotes)"),
                problem=Phrase(problem),
            ),
            Mark.of(mark) if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(
            Phrase.of(N_("this is not valid YAML: {problem}"), problem=str(exc)), None
        ) from None
    finally:
        loader.dispose()
    return _document(node)


def _innermost_open_bracket(text: str) -> tuple[str, yaml.Mark] | None:
    """The phrase and position of the last [ or { still open where scanning stops."""
    opened: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_StrictLoader):
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                opened.append(token)
            elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
                if opened:
                    opened.pop()
    except yaml.YAMLError:
        pass  # the scanner stops at the same fault; what is open by then is the answer
    if not opened:
        return None
    token = opened[-1]
    context = (
        "while parsing a flow sequence"
        if isinstance(token, yaml.FlowSequenceStartToken)
        else "while parsing a flow mapping"
    )
    return UNCLOSED[context], token.start_mark


def _document(node: yaml.Node | None) -> Document:
    document = Document(data=None)
    if node is not None:
        document.data = _build(node, (), document)
    return document


def _build(node: yaml.Node, path: Path_, document: Document) -> Any:
    document.marks[path] = Mark.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    Phrase(N_("a key must be a plain word")), Mark.of(key_node.start_mark)
                )
            key = _scalar(key_node)
            if key is None or isinstance(key, bool):
                raise YamlError(
                    Phrase.of(N_("{key!r} cannot be used as a key here"), key=key_node.value),
                    Mark.of(key_node.start_mark),
                )
            key = str(key)
            child = (*path, key)
            if key in result:
                first = document.key_marks[child]
                raise YamlError(
                    Phrase.of(
                        N_(
                            "the key {key!r} appears twice (first on line {line}); "
                            "keep one and delete the other"
                        ),
                        key=key,
                        line=first.line,
                    ),
                    Mark.of(key_node.start_mark),
                    code="duplicate_key",
                )
            document.key_marks[child] = Mark.of(key_node.start_mark)
            result[key] = _build(value_node, child, document)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), document) for index, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    # Built by hand: PyYAML's constructors would read "08" as octal and "1_000" as 1000.
    value = node.value
    if node.tag == "tag:yaml.org,2002:str":
        return value
    if node.tag == "tag:yaml.org,2002:int":
        return int(value, 10)
    if node.tag == "tag:yaml.org,2002:float":
        return float(value)
    if node.tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if node.tag == "tag:yaml.org,2002:null":
        return None
    raise YamlError(
        Phrase.of(N_("the tag {tag!r} is not supported; remove it"), tag=node.tag),
        Mark.of(node.start_mark),
    )
