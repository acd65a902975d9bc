"""The compatibility check of the code served to lobby screens: it must parse and run on
Chromium 64 (ARCHITECTURE.md, "Old engines"). eslint with ecmaVersion 2017, modules,
eslint-plugin-compat (browserslist `chrome >= 64`) and eslint-plugin-es-x; its config is
tests/compat/eslint.config.mjs, installed by `scripts/setup --browser`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAYER = ROOT / "signage" / "web" / "static" / "display"
ESLINT = ROOT / "tests" / "compat" / "node_modules" / ".bin" / "eslint"
CONFIG = ROOT / "tests" / "compat" / "eslint.config.mjs"

# CSS the oldest engine drops: (pattern, what it is and the first Chromium to read it, a sample).
NEWER_CSS = [
    (r"(?<![-\w])gap\s*:", "gap (flex containers: 84)", ".band { gap: 1vmin }"),
    (r"(?<![-\w])inset\s*:", "inset (87)", ".layer { inset: 0 }"),
    (r"aspect-ratio", "aspect-ratio (88)", ".poster { aspect-ratio: 16 / 9 }"),
    (r"\d(?:d|s|l)v(?:h|w)\b", "dvh/svh/lvh (108)", "body { height: 100dvh }"),
    (r":has\(", ":has() (105)", ".tip:has(.tip-qr) {}"),
    (r":is\(|:where\(", ":is()/:where() (88)", ":is(h1, h2) {}"),
    (r"(?<![-\w])(?:min|max|clamp)\(", "min()/max()/clamp() (79)", "p { width: min(4vmin, 9%) }"),
]


def lint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    if not ESLINT.exists():
        pytest.skip("eslint is not installed (./scripts/setup --browser)")
    return subprocess.run(
        [str(ESLINT), "--no-warn-ignored", "--max-warnings", "0", "-c", str(CONFIG), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lint_source(source: str) -> subprocess.CompletedProcess[str]:
    """Lint source as if it were a player module."""
    return lint("--stdin", "--stdin-filename", str(PLAYER / "probe.js"), stdin=source)


def test_the_served_player_code_passes_the_check() -> None:
    done = lint(str(PLAYER))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in PLAYER.glob("*.js"))  # there was something to lint


def test_the_check_fails_on_newer_syntax() -> None:
    done = lint_source("export const name = (screen) => screen?.name;\n")
    assert done.returncode == 1 and "Parsing error" in done.stdout, done.stdout
    done = lint_source("export function f() { try { f(); } catch { return 1; } }\n")
    assert done.returncode == 1 and "Parsing error" in done.stdout, done.stdout


def test_the_check_fails_on_unguarded_newer_apis_and_takes_guarded_ones() -> None:
    unguarded = "export const signal = () => AbortSignal.timeout(1000);\n"
    done = lint_source(unguarded)
    assert done.returncode == 1, done.stdout
    assert "AbortSignal is not supported in Chrome 64" in done.stdout
    for newer in ("node.replaceChildren()", "[[1]].flat()", "Object.fromEntries([])"):
        assert lint_source(f"export const f = (node) => {newer};\n").returncode == 1, newer
    guarded = (
        "export function signal(ms) {\n"
        "  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);\n"
        "  const control = new AbortController();\n"
        "  setTimeout(() => control.abort(), ms);\n"
        "  return control.signal;\n"
        "}\n"
    )
    done = lint_source(guarded)
    assert done.returncode == 0, done.stdout


def test_the_screen_css_uses_nothing_chromium_64_drops() -> None:
    css = re.sub(r"/\*.*?\*/", "", (PLAYER / "display.css").read_text(), flags=re.DOTALL)
    for pattern, name, sample in NEWER_CSS:
        assert re.search(pattern, sample), f"the pattern for {name} finds no {sample!r}"
        assert not re.search(pattern, css), f"display.css uses {name}"


def test_the_display_page_has_no_inline_script() -> None:
    """Its only code is the modules the check lints; the inline script is JSON data."""
    page = (ROOT / "signage" / "web" / "templates" / "display.html").read_text()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts, "the page loads its player"
    for attributes in scripts:
        assert 'type="application/json"' in attributes or "src=" in attributes, attributes
