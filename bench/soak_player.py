"""A month unattended, in an hour: the lobby player in headless Chromium on a programme of
short clips, tips and a poster (an item every second or so), the manifest changed every few
minutes and the server restarted twice, sampled every 20 s:

- JS heap after a forced garbage collection (DevTools), DOM nodes, <video> elements, the
  origin's storage (caches included) and the media cache's entries;
- transitions: the worst gap from one item's end to the next clip's first frame since the
  last sample (the player keeps its last 200), items shown and playback errors.

Checks at the end (exit 1 when one fails): at least --transitions items shown, no playback
error, heap within +10 MB of the most of the first ten minutes (or the first sixth of a
shorter run), DOM nodes and <video> elements flat (the first sample's count, give or take
the items that come and go), storage flat once the files are kept, no transition over
100 ms. Writes the samples (JSON) and a plot (PNG).

    nice .venv/bin/python bench/soak_player.py --minutes 60 --plot docs/soak-player.png
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.lobby import (  # noqa: E402
    make_clip,
    make_poster,
    snapshot,
    start_lobby,
    wait_for,
    write_playlists,
)
from tests.support import launch_chromium  # noqa: E402

MB = 1024 * 1024
SAMPLE_SECONDS = 20
CHANGE_SECONDS = 180  # the manifest changes this often
HEAP_MARGIN_MB = 10
WORST_GAP_MS = 100
NODE_SLACK = 40  # a tip's or a caption's elements come and go with the item on show


def programme(turn: int) -> dict[str, list[dict[str, Any]]]:
    """The playlist of the turn-th change: the same files, another order and tip."""
    tip = {"tip": ("诉讼小知识", f"第{turn}条：诉讼时效一般为三年。"), "seconds": 1}
    items = [
        {"clip": "clip-a"},
        tip,
        {"clip": "clip-b"},
        {"image": "poster", "seconds": 1},
        {"clip": "clip-c"},
    ]
    shift = turn % len(items)
    return {"lobby": items[shift:] + items[:shift]}


def measure(page: Page) -> dict[str, Any]:
    """One sample of the page's memory, elements, storage and playing."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")["usedSize"]
    cdp.detach()
    found = page.evaluate(
        """async () => {
            const estimate = await navigator.storage.estimate();
            const media = await (await caches.open('signage-media-v1')).keys();
            return { nodes: document.getElementsByTagName('*').length,
                     videos: document.getElementsByTagName('video').length,
                     storage: estimate.usage, mediaEntries: media.length };
        }"""
    )
    state = snapshot(page)
    return {
        "heap_mb": heap / MB,
        "nodes": found["nodes"],
        "videos": found["videos"],
        "storage_mb": found["storage"] / MB,
        "media_entries": found["mediaEntries"],
        "items": state.get("itemsShown", 0),
        "errors": state.get("errors", 0),
        "worst_gap_ms": max(state.get("gaps") or [0]),
        "online": state.get("online"),
    }


def soak(minutes: float, root: Path, restarts: int, samples: list[dict[str, Any]]) -> None:
    """Run the player for minutes, adding a sample (with its minute) to samples every
    SAMPLE_SECONDS (so a run that fails keeps what it saw)."""
    files = [
        make_clip(root, "clip-a", 1, pattern=0),
        make_clip(root, "clip-b", 1, pattern=1, sound=False),
        make_clip(root, "clip-c", 1, pattern=2),
        make_poster(root, "poster"),
    ]
    folder = write_playlists(root / "playlists", programme(0))
    lobby = start_lobby(root, folder, files)
    restart_at = [minutes * (k + 1) / (restarts + 1) for k in range(restarts)]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.goto(lobby.url)
            wait_for(
                lambda: snapshot(page).get("cache", {}).get("cached") == 4,
                120,
                "the player did not keep its files",
                page,
            )
            started = time.monotonic()
            turn = 0
            while (elapsed := (time.monotonic() - started) / 60) < minutes:
                if elapsed * 60 >= (turn + 1) * CHANGE_SECONDS:
                    turn += 1
                    write_playlists(folder, programme(turn))
                if restart_at and elapsed >= restart_at[0]:
                    restart_at.pop(0)
                    # Minutes, not seconds: on a shared machine a start can take that long.
                    lobby.restart(seconds=300)
                sample = measure(page) | {"minute": elapsed, "changes": turn}
                samples.append(sample)
                print(json.dumps(sample), flush=True)
                page.wait_for_timeout(SAMPLE_SECONDS * 1000)
        finally:
            browser.close()
            lobby.stop()


def verdicts(samples: list[dict[str, Any]], transitions: int) -> list[tuple[str, bool]]:
    """Each check of the docstring: (what it says, whether it held)."""
    span = samples[-1]["minute"]
    early = [s for s in samples if s["minute"] <= min(10, span / 6)] or samples[:1]
    late = [s for s in samples if s not in early] or samples[-1:]
    heap_base = max(s["heap_mb"] for s in early)
    heap_top = max(s["heap_mb"] for s in late)
    first = samples[0]
    shown = samples[-1]["items"] - first["items"]
    return [
        (f"{shown} transitions (at least {transitions})", shown >= transitions),
        (f"{samples[-1]['errors']} playback errors", samples[-1]["errors"] == 0),
        (
            f"heap {heap_base:.1f} MB early, {heap_top:.1f} MB at most later "
            f"(+{HEAP_MARGIN_MB} MB allowed)",
            heap_top <= heap_base + HEAP_MARGIN_MB,
        ),
        (
            f"DOM nodes {min(s['nodes'] for s in samples)}-{max(s['nodes'] for s in samples)}",
            max(s["nodes"] for s in samples) <= first["nodes"] + NODE_SLACK,
        ),
        (
            f"<video> elements {max(s['videos'] for s in samples)} at most",
            max(s["videos"] for s in samples) <= max(first["videos"], 2),
        ),
        (
            f"storage {first['storage_mb']:.2f}-{max(s['storage_mb'] for s in samples):.2f} MB, "
            f"media cache {max(s['media_entries'] for s in samples)} files at most",
            max(s["media_entries"] for s in samples) <= 4
            and max(s["storage_mb"] for s in samples) <= first["storage_mb"] * 1.5 + 1,
        ),
        (
            f"worst transition {max(s['worst_gap_ms'] for s in samples):.1f} ms "
            f"(at most {WORST_GAP_MS})",
            max(s["worst_gap_ms"] for s in samples) <= WORST_GAP_MS,
        ),
    ]


def plot(samples: list[dict[str, Any]], path: Path, title: str) -> None:
    """Heap, DOM nodes, storage and the worst transition over time, one panel each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [s["minute"] for s in samples]
    panels = [
        ("heap_mb", "JS heap after GC (MB)"),
        ("nodes", "DOM nodes"),
        ("storage_mb", "origin storage (MB)"),
        ("worst_gap_ms", "worst transition gap (ms)"),
    ]
    figure, axes = plt.subplots(len(panels), 1, figsize=(8, 8), sharex=True)
    for axis, (key, label) in zip(axes, panels, strict=True):
        axis.plot(minutes, [s[key] for s in samples], marker=".", linewidth=1)
        axis.set_ylabel(label, fontsize=8)
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
    axes[-1].axhline(WORST_GAP_MS, color="red", linewidth=0.8, linestyle="--")
    axes[-1].set_xlabel("minutes")
    axes[0].set_title(title, fontsize=9)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--transitions", type=int, default=1500)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "soak-player.png")
    parser.add_argument("--samples", type=Path, help="write the samples here (JSON)")
    args = parser.parse_args()
    samples: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="soak-") as root:
            soak(args.minutes, Path(root), args.restarts, samples)
    finally:
        if args.samples:
            args.samples.write_text(json.dumps(samples, indent=1))
    results = verdicts(samples, args.transitions)
    title = f"player soak: {samples[-1]['minute']:.0f} min, {samples[-1]['items']} items"
    plot(samples, args.plot, title)
    for text, held in results:
        print(("ok   " if held else "FAIL ") + text)
    print(f"plot: {args.plot}")
    return 0 if all(held for _, held in results) else 1


if __name__ == "__main__":
    sys.exit(main())
