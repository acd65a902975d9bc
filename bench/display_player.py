"""The lobby player in headless Chromium against a real server, with real clips:

- gaps: time from a clip's `ended` to the next clip's first frame on screen, over 50
  transitions (target: median under 100 ms);
- memory: JS heap, DOM nodes and event listeners after 10 and after 500 item transitions
  (clips, tips and posters, after a forced garbage collection; target growth under 10 MB);
- first-frame: from navigation start to the first video frame with a warm cache, with the
  server up and with it down (target under 2 s).

Prints figures, asserts nothing. `--only gaps|memory|first-frame`, `--items N` for memory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from tests.browser.lobby import (  # noqa: E402
    Lobby,
    make_clip,
    make_poster,
    snapshot,
    start_lobby,
    wait_for,
    write_playlists,
)
from tests.support import launch_chromium  # noqa: E402

MB = 1024 * 1024


def wait_state(page: Page, test: Callable[[dict[str, Any]], bool], seconds: float) -> dict:
    """The player's snapshot once test holds (polled every 100 ms)."""
    return wait_for(
        lambda: (lambda s: s if s and test(s) else None)(snapshot(page)),
        seconds,
        "the player did not get there in time",
        page,
    )


def lobby_with(root: Path, items: list[dict[str, Any]], clip_seconds: float) -> Lobby:
    """A server whose only playlist is items, with two clips and a poster published."""
    files = [
        make_clip(root, "clip-a", clip_seconds, 0),
        make_clip(root, "clip-b", clip_seconds, 1),
        make_poster(root, "poster"),
    ]
    playlists = write_playlists(root / "playlists", {"main": items}, ticker=("诉讼服务热线 12368",))
    return start_lobby(root, playlists, files)


def bench_gaps(browser: Browser, root: Path) -> None:
    """Median and worst gap between consecutive clips over 50 transitions."""
    lobby = lobby_with(root, [{"clip": "clip-a"}, {"clip": "clip-b"}], clip_seconds=1)
    try:
        page = lobby.open(browser)
        state = wait_state(page, lambda s: len(s["gaps"]) >= 50, 120)
        gaps = state["gaps"][:50]
        print(
            f"gaps over {len(gaps)} clip-to-clip transitions: median "
            f"{statistics.median(gaps):.1f} ms, 90th percentile "
            f"{statistics.quantiles(gaps, n=10)[-1]:.1f} ms, worst {max(gaps):.1f} ms "
            f"(target median < 100 ms); errors {state['errors']}"
        )
    finally:
        lobby.stop()


def measure_memory(page: Page) -> dict[str, float]:
    """JS heap, DOM nodes and listeners after a full garbage collection (DevTools metrics)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return {
        "heap_mb": metrics["JSHeapUsedSize"] / MB,
        "nodes": metrics["Nodes"],
        "listeners": metrics["JSEventListeners"],
        "elements": page.evaluate("document.getElementsByTagName('*').length"),
    }


def bench_memory(browser: Browser, root: Path, items: int) -> None:
    """Growth between item 10 and item `items` of a short mixed playlist."""
    cycle = [
        {"clip": "clip-a"},
        {"clip": "clip-b"},
        {"tip": ("诉讼小知识", "诉讼时效三年。"), "seconds": 1},
        {"clip": "clip-a"},
        {"image": "poster", "seconds": 1},
        {"clip": "clip-b"},
    ]
    lobby = lobby_with(root, cycle, clip_seconds=0.4)
    try:
        page = lobby.open(browser)
        wait_state(page, lambda s: s["itemsShown"] >= 10, 60)
        early = measure_memory(page)
        state = wait_state(page, lambda s: s["itemsShown"] >= items, items * 3)
        late = measure_memory(page)
        print(f"after {state['itemsShown']} items vs after 10 (errors {state['errors']}):")
        for name, unit in (("heap_mb", "MB"), ("nodes", ""), ("elements", ""), ("listeners", "")):
            print(
                f"  {name:10} {early[name]:10.2f} -> {late[name]:10.2f} {unit}"
                f"  ({late[name] - early[name]:+.2f})"
            )
        print("  target: heap growth < 10 MB")
    finally:
        lobby.stop()


def bench_first_frame(browser: Browser, root: Path) -> None:
    """Navigation start to first video frame, warm cache, server up then down."""
    lobby = lobby_with(root, [{"clip": "clip-a"}, {"clip": "clip-b"}], clip_seconds=2)
    try:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        page.goto(lobby.url)
        wait_state(page, lambda s: s["serviceWorker"] and s["cache"]["cached"] == 2, 30)
        for label in ("server up", "server down"):
            if label == "server down":
                lobby.server.stop()
            times = []
            for _ in range(5):
                page.close()
                page = context.new_page()
                page.goto(lobby.url)
                times.append(wait_state(page, lambda s: s["firstFrameAt"], 20)["firstFrameAt"])
            print(
                f"first frame with a warm cache, {label}: median "
                f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms over "
                f"{len(times)} loads (target < 2000 ms)"
            )
    finally:
        lobby.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["gaps", "memory", "first-frame"])
    parser.add_argument("--items", type=int, default=500)
    args = parser.parse_args()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = launch_chromium(playwright)
        runs = {
            "gaps": lambda root: bench_gaps(browser, root),
            "memory": lambda root: bench_memory(browser, root, args.items),
            "first-frame": lambda root: bench_first_frame(browser, root),
        }
        for name, run in runs.items():
            if args.only in (None, name):
                root = Path(scratch) / name
                root.mkdir()
                run(root)
        browser.close()


if __name__ == "__main__":
    main()
