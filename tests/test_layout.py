"""The layout the architecture promises, read from the code's own imports.

A room is a package directly under `signage/` or a module beside them (`signage/db.py`).
An import counts when it runs: at module level or inside a function, but not under
`if TYPE_CHECKING:` (a type hint names a higher room without loading it).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "signage"
ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"
# Modules directly in signage/ beside its packages; past this a reader no longer sees the
# rooms at a glance. `__init__.py` is the package itself and is not counted.
MOST_FLAT_MODULES = 12
FLASK = ("flask", "flask_babel")


def _runtime_imports(path: Path) -> list[tuple[str, int]]:
    """Every (module, line) the file imports when it runs, type-checking blocks left out."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                assert child.level == 0, f"{path}:{child.lineno}: write the import absolute"
                module = child.module or ""
                found.append((module, child.lineno))
                found.extend((f"{module}.{alias.name}", child.lineno) for alias in child.names)
            elif isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno) for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _room(module: str) -> str | None:
    """The room of a module of the package (`signage.config.when` -> `config`), else None."""
    parts = module.split(".")
    if parts[0] != "signage" or len(parts) < 2:
        return None
    if (PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file():
        return parts[1]
    return None  # a name taken from the root package (`from signage import __version__`)


def _room_of_file(path: Path) -> str:
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def room_imports() -> dict[tuple[str, str], list[str]]:
    """Each arrow between two rooms, with the `file:line` places that draw it."""
    arrows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE and path.name == "__init__.py":
            continue  # the root: checked on its own below
        source = _room_of_file(path)
        for module, line in _runtime_imports(path):
            target = _room(module)
            if target and target != source:
                place = f"{path.relative_to(PACKAGE.parent)}:{line}"
                if place not in arrows[(source, target)]:
                    arrows[(source, target)].append(place)
    return dict(arrows)


def _circles(arrows: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The rooms that reach each other (strongly connected sets of two or more)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in arrows:
        graph[source].add(target)
    reach = {room: _reachable(graph, room) for room in graph}
    circles = []
    for room in sorted(graph):
        circle = sorted(other for other in reach[room] if room in reach.get(other, set()))
        if circle and room == circle[0]:
            circles.append(circle)
    return circles


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), set()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_two_rooms_import_each_other_at_run_time() -> None:
    arrows = room_imports()
    circles = _circles(arrows)
    told = [
        f"{source} -> {target}: {', '.join(arrows[(source, target)])}"
        for circle in circles
        for source in circle
        for target in circle
        if (source, target) in arrows
    ]
    assert circles == [], "rooms in a circle:\n" + "\n".join(told)


def test_the_circle_check_sees_a_circle() -> None:
    arrows = {("a", "b"): ["a.py:1"], ("b", "c"): ["b.py:1"], ("c", "a"): ["c.py:1"]}
    arrows[("c", "d")] = ["c.py:2"]
    assert _circles(arrows) == [["a", "b", "c"]]


def test_the_root_package_loads_no_room() -> None:
    """Python loads `signage/__init__.py` before any room, so it may only import them when
    `create_app()` is called; `from signage import __version__` is then safe everywhere."""
    root = PACKAGE / "__init__.py"
    loaded = [
        module
        for node in ast.parse(root.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for module, _ in _runtime_imports_of(node)
    ]
    assert [m for m in loaded if m.startswith("signage")] == []


def _runtime_imports_of(node: ast.Import | ast.ImportFrom) -> list[tuple[str, int]]:
    if isinstance(node, ast.ImportFrom):
        return [(node.module or "", node.lineno)]
    return [(alias.name, node.lineno) for alias in node.names]


def test_signage_holds_at_most_twelve_flat_modules() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(flat) <= MOST_FLAT_MODULES, (
        f"{len(flat)} modules directly in signage/: {', '.join(flat)}; "
        "move one into the package of its noun"
    )


def test_flask_is_imported_only_under_web() -> None:
    outside = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if _room_of_file(path) != "web"
        for module, line in _runtime_imports(path)
        if module.split(".")[0] in FLASK
    ]
    assert outside == []


def test_the_pure_modules_load_without_flask() -> None:
    probe = (
        "import sys, signage.programme.schedule, signage.programme.manifest, signage.config, "
        "signage.programme.preview, signage.programme.unplayed, signage.parts, "
        "signage.jobs.scheduler, signage.accounts.users, signage.screens.service, "
        "signage.edits.review, signage.cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_babel')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_reading_the_media_library_loads_no_ffmpeg_code() -> None:
    probe = (
        "import sys, signage.media.library, signage.media.uploads; "
        "print(sorted(m for m in sys.modules if m.startswith('signage.media.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = "['signage.media.files', 'signage.media.library', 'signage.media.uploads']"
    assert out.stdout.strip() == loaded


def test_the_web_edge_loads_neither_the_scheduler_nor_the_preparation_of_media() -> None:
    """Web workers serve requests; `signage worker` prepares media and runs the jobs. Nor do
    they load what one rare request needs (openpyxl for a workbook, pypinyin's dictionary
    for an upload's name): half a second of every start of every process, 79 in a test run."""
    probe = (
        "import sys, signage.web, signage.cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] "
        "in ('apscheduler', 'openpyxl', 'pypinyin') "
        "or m in ('signage.media.prepare', 'signage.jobs.preparation', 'signage.jobs.scheduler')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _architecture_table() -> dict[str, set[str]]:
    """The rooms table of ARCHITECTURE.md: each room and the rooms it says it imports."""
    section = ARCHITECTURE.read_text(encoding="utf-8").split("## The rooms", 1)[1]
    rows = [line for line in section.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    rooms: dict[str, set[str]] = {}
    for row in rows[2:]:  # after the header and its rule
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for name in re.findall(r"`(\w+)(?:/|\.py)`", cells[0]):
            rooms[name] = set(re.findall(r"`(\w+)`", cells[-1]))
    return rooms


def test_the_architecture_table_names_every_room_and_its_imports() -> None:
    table = _architecture_table()
    rooms = {_room_of_file(p) for p in PACKAGE.glob("*") if p.suffix == ".py" or p.is_dir()}
    rooms -= {"__init__", "__pycache__", "translations"}
    assert sorted(table) == sorted(rooms)
    arrows = room_imports()
    said = {(room, target) for room, targets in table.items() for target in targets}
    unsaid = sorted(f"{a} -> {b} ({arrows[(a, b)][0]})" for a, b in set(arrows) - said)
    assert unsaid == [], "ARCHITECTURE.md does not say these rooms import these"
    assert sorted(said - set(arrows)) == [], "ARCHITECTURE.md says so, but the code does not"
