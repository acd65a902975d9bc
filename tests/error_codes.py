"""Every error code the package can raise, read from its source (so a new code is not missed).

A code is the class default (`code = "..."` on a SignageError subclass) or what a call of such
a class passes as `code` (by keyword, or by position where the class's `__init__` takes it).
A code passed through a helper's parameter (`_refuse(..., code, ...)`) is followed to the
helper's callers; one chosen by `a if c else b` gives both; one looked up in a literal dict
(`{...}.get(status, "http_error")`) gives every value. A code written any other way is
reported as unreadable, so the test asks for a literal rather than silently missing it.
"""

from __future__ import annotations

import ast
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
    def __init__(self, package: Path) -> None:
        self.files = {path: ast.parse(path.read_text("utf-8")) for path in package.rglob("*.py")}
        self.parents: dict[ast.AST, ast.AST] = {
            child: node
            for tree in self.files.values()
            for node in ast.walk(tree)
            for child in ast.iter_child_nodes(node)
        }
        self.classes = self._error_classes()
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        for tree in self.files.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    self.functions.setdefault(node.name, []).append(node)

    def _error_classes(self) -> dict[str, ast.ClassDef]:
        """SignageError and its subclasses (by name, as the package imports them)."""
        defined = [
            node
            for tree in self.files.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
        ]
        found = {node.name: node for node in defined if node.name == ROOT}
        grew = True
        while grew:
            grew = False
            for node in defined:
                if node.name not in found and any(_name(base) in found for base in node.bases):
                    found[node.name] = node
                    grew = True
        return found

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

    def code_position(self, name: str) -> int | None:
        """Where a class's constructor takes `code` positionally (None: keyword only or not)."""
        for node in self._chain(name):
            init = next(
                (s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"),
                None,
            )
            if init is not None:
                names = [arg.arg for arg in init.args.args[1:]]
                return names.index("code") if "code" in names else None
        return None

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def calls_of(self, function: str) -> list[tuple[Path, ast.Call]]:
        return [
            (path, node)
            for path, tree in self.files.items()
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _name(node.func) == function
        ]


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


def raised_codes(package: Path = PACKAGE) -> Codes:
    """Every code the package's source can raise, with a place for each."""
    source = _Source(package)
    codes = Codes()

    def resolve(expr: ast.expr, path: Path, depth: int = 0) -> None:
        place = f"{path.relative_to(package.parent)}:{expr.lineno}"
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            codes.places.setdefault(expr.value, place)
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
        if (  # {...}.get(key, default): any of the dict's values, or the default
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "get"
            and isinstance(expr.func.value, ast.Dict)
        ):
            for value in [*expr.func.value.values, *expr.args[1:]]:
                resolve(value, path, depth + 1)
            return
        codes.unreadable.append(f"{place}: {ast.unparse(expr)}")

    for name in source.classes:
        codes.places.setdefault(source.default_code(name), name)
    for name in source.classes:
        position = source.code_position(name)
        for path, call in source.calls_of(name):
            given = _argument(call, "code", position)
            if given is not None:
                resolve(given, path)
    return codes
