"""The layout the architecture promises: pure modules without Flask, no import cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "signage"


def test_the_pure_modules_import_no_flask() -> None:
    probe = (
        "import sys, signage.programme.schedule, signage.programme.manifest, signage.config, signage.programme.preview, "
        "signage.programme.unplayed, "
        "signage.parts, signage.jobs.scheduler, signage.accounts.users, signage.screens.service, "
        "signage.jobs.preparation; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_babel')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules of the package imported when the module loads (not inside functions, not
    under `if TYPE_CHECKING:`)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("signage"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("signage")}
    return found


def test_no_module_of_the_package_imports_itself_in_a_circle() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {
        name: {m for m in _top_level_imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how packages are built, not a
    # circle a reader has to untangle.
    graph = {
        name: {m for m in targets if not (m.startswith(name + ".") and path.name == "__init__.py")}
        for (name, targets), path in zip(graph.items(), modules.values(), strict=True)
    }
    circles = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []
