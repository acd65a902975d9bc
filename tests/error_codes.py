"""Every error code and every message template the package can raise, read from its source
(so a new one is not missed).

A code is the class default (`code = "..."` on a SignageError subclass) or what a call of such
a class passes as `code` (by keyword, or by position where the class's `__init__` takes it);
a template is what the call passes first, an `N_("...")` literal. One passed through a
helper's parameter (`_refuse(..., code, template)`) is followed to the helper's callers; one
chosen by `a if c else b` gives both; one looked up in a literal dict (`{...}.get(status,
"http_error")`, or `REFUSALS[code]` of a module's dict) gives every value. Anything written
another way is reported as unreadable, so the test asks for a literal rather than silently
missing it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "signage"
ROOT = "SignageError"


@dataclass
class Codes:
    """What the collector found: each code with one place raising it, and what it could not read."""

    places: dict[str, str] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


class _Source:
    """The package's modules, parsed once, and each node's parent, each call by the name it
    calls, the error classes and the module-level dicts, found in one walk."""

    def __init__(self, package: Path) -> None:
        self.files = {path: ast.parse(path.read_text("utf-8")) for path in package.rglob("*.py")}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: dict[str, list[tuple[Path, ast.Call]]] = {}
        defined: list[ast.ClassDef] = []
        for path, tree in self.files.items():
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node
                if isinstance(node, ast.Call):
                    self.calls.setdefault(_name(node.func), []).append((path, node))
                elif isinstance(node, ast.ClassDef):
                    defined.append(node)
        self.classes = _error_classes(defined)
        self.dicts: dict[str, ast.Dict] = {
            target.id: node.value
            for tree in self.files.values()
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def _chain(self, name: str) -> list[ast.ClassDef]:
        """A class and its ancestors up to SignageError."""
        chain = []
        while name in self.classes:
            node = self.classes[name]
            chain.append(node)
            bases = [_name(base) for base in node.bases if _name(base) in self.classes]
            name = bases[0] if bases and name != ROOT else ""
        return chain

    def default_code(self, name: str) -> str:
        """The `code = "..."` a class has or inherits."""
        for node in self._chain(name):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(_name(target) == "code" for target in statement.targets)
                    and isinstance(statement.value, ast.Constant)
                ):
                    return str(statement.value.value)
        raise AssertionError(f"{name} has no default code")

    def position(self, name: str, parameter: str) -> int | None:
        """Where a class's constructor takes a parameter positionally (None: keyword only)."""
        for node in self._chain(name):
            init = next(
                (s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"),
                None,
            )
            if init is not None:
                names = [arg.arg for arg in init.args.args[1:]]
                return names.index(parameter) if parameter in names else None
        return None

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def calls_of(self, function: str) -> list[tuple[Path, ast.Call]]:
        return self.calls.get(function, [])


def _error_classes(defined: list[ast.ClassDef]) -> dict[str, ast.ClassDef]:
    """SignageError and its subclasses (by name, as the package imports them)."""
    found = {node.name: node for node in defined if node.name == ROOT}
    grew = True
    while grew:
        grew = False
        for node in defined:
            if node.name not in found and any(_name(base) in found for base in node.bases):
                found[node.name] = node
                grew = True
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _code(expr: ast.expr) -> str | None:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _template(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Call) and _name(expr.func) == "N_" and len(expr.args) == 1:
        return _code(expr.args[0])
    return None


def _collect(package: Path, parameter: str, literal: Callable[[ast.expr], str | None]) -> Codes:
    """What the package's error constructions pass as `parameter`, each with a place."""
    source = _source(package)
    found = Codes()

    def resolve(expr: ast.expr, path: Path, depth: int = 0) -> None:
        place = f"{path.relative_to(package.parent)}:{expr.lineno}"
        value = literal(expr)
        if value is not None:
            found.places.setdefault(value, place)
            return
        if isinstance(expr, ast.Name) and depth < 3:
            function = source.enclosing_function(expr)
            if function is not None:
                parameters = [arg.arg for arg in function.args.args]
                assigned = [
                    node.value
                    for node in ast.walk(function)
                    if isinstance(node, ast.Assign)
                    and any(_name(target) == expr.id for target in node.targets)
                ]
                if expr.id in parameters:
                    offset = 1 if parameters[:1] in (["self"], ["cls"]) else 0
                    position = parameters.index(expr.id) - offset
                    callers = source.calls_of(function.name)
                    for caller_path, call in callers:
                        given = _argument(call, expr.id, position)
                        if given is not None:
                            resolve(given, caller_path, depth + 1)
                    if callers:
                        return
                elif len(assigned) == 1:
                    resolve(assigned[0], path, depth + 1)
                    return
        if isinstance(expr, ast.IfExp):
            resolve(expr.body, path, depth)
            resolve(expr.orelse, path, depth)
            return
        table = None
        if (  # {...}.get(key, default): any of the dict's values, or the default
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "get"
            and isinstance(expr.func.value, ast.Dict)
        ):
            table, others = expr.func.value, expr.args[1:]
        elif isinstance(expr, ast.Subscript) and _name(expr.value) in source.dicts:
            table, others = source.dicts[_name(expr.value)], []  # REFUSALS[code]
        if table is not None:
            for value in [*table.values, *others]:
                if value is not None:
                    resolve(value, path, depth + 1)
            return
        found.unreadable.append(f"{place}: {ast.unparse(expr)}")

    if parameter == "code":
        for name in source.classes:
            found.places.setdefault(source.default_code(name), name)
    for name in source.classes:
        position = source.position(name, parameter)
        for path, call in source.calls_of(name):
            given = _argument(call, parameter, position)
            if given is not None:
                resolve(given, path)
    return found


@functools.cache
def _source(package: Path) -> _Source:
    return _Source(package)


def raised_codes(package: Path = PACKAGE) -> Codes:
    """Every code the package's source can raise, with a place for each."""
    return _collect(package, "code", _code)


def raised_templates(package: Path = PACKAGE) -> Codes:
    """Every message template the package's errors are made with, with a place for each."""
    return _collect(package, "template", _template)
