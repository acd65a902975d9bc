"""The lobby player in headless Chromium against a real server, with real clips:

- gaps: how long the picture stands still or blank beyond normal at each clip-to-clip
  transition: the next clip's first frame on show, minus the current clip's last presented
  frame, minus one frame interval of the current clip (all from requestVideoFrameCallback
  metadata, watched by the bench itself, not by the player), and how much of each clip's
  end was never shown; over 100+ transitions of H.264 clips with sound and without
  (target: median <= 20 ms, worst < 50 ms, no clip cut by more than 100 ms); then clips
  taking turns with tips and pictures: the gap from a clip to a still, and how much longer
  than its time a still stands before the clip after it is seen;
- memory: JS heap, DOM nodes and event listeners after 10 and after 500 item transitions
  (clips, tips and posters, after a forced garbage collection; target growth under 10 MB);
- first-frame: from navigation start to the first video frame with a warm cache, with the
  server up and with it down (target under 2 s).

Prints figures, asserts nothing. `--only gaps|memory|first-frame`, `--items N` for memory,
`--transitions N` for gaps.
"""

from __future__ import annotations

import argparse
import os
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


# Every frame each <video> presents, and every time a layer comes to the front, kept on the
# page by the bench itself (the player's own figures are not what is measured).
WATCH_FRAMES = """
window.benchFrames = [];
window.benchFronts = [];
addEventListener('DOMContentLoaded', () => {
  const videos = [...document.querySelectorAll('#stage video')];
  videos.forEach((video, index) => {
    let run = 0;
    let handle = null;
    const onFrame = (now, meta) => {
      handle = video.requestVideoFrameCallback(onFrame);
      window.benchFrames.push({
        video: index, run, url: video.dataset.url, media: meta.mediaTime, frame: now,
        shown: meta.expectedDisplayTime, duration: video.duration,
      });
    };
    video.addEventListener('play', () => {
      run += 1;
      if (handle !== null) video.cancelVideoFrameCallback(handle);
      handle = video.requestVideoFrameCallback(onFrame);
    });
  });
  new MutationObserver((changes) => {
    const at = performance.now();
    const seen = new Set(); // a layer may change more than once in a batch: once is enough
    for (const change of changes) {
      const layer = change.target;
      if (layer.dataset.state !== 'front' || seen.has(layer)) continue;
      seen.add(layer);
      if (change.oldValue === 'front') continue;
      const url = layer.id === 'idle' ? 'idle' : (layer.dataset.url ?? null);
      const entry = { video: videos.indexOf(layer), url, at };
      // The first frame drawn after the change: the change is on screen with that frame.
      requestAnimationFrame((frame) => { entry.frame = frame; });
      window.benchFronts.push(entry);
    }
  }).observe(document.getElementById('stage'), {
    subtree: true, attributes: true, attributeFilter: ['data-state'], attributeOldValue: true,
  });
});
"""


Runs = dict[tuple[int, int], list[dict]]


def clip_runs(frames: list[dict]) -> Runs:
    """Frames by (video element, play run), in the order they were presented."""
    runs: Runs = {}
    for frame in frames:
        runs.setdefault((frame["video"], frame["run"]), []).append(frame)
    return runs


def seen_at(front: dict, to_display: float) -> float:
    """When a layer change is on screen: with the first frame the page draws after it."""
    return front.get("frame", front["at"]) + to_display


def last_frame(runs: Runs, video: int, seen: float) -> tuple[dict, float] | None:
    """The last frame a clip presented before seen, and its frame interval (ms)."""
    was = [r for k, r in runs.items() if k[0] == video and r[0]["shown"] < seen]
    if not was:
        return None
    current = max(was, key=lambda r: r[0]["shown"])
    shown_before = [f for f in current if f["shown"] < seen]
    if len(shown_before) < 2:
        return None
    return shown_before[-1], frame_interval(current)


def transitions(frames: list[dict], fronts: list[dict]) -> list[dict[str, float]]:
    """Gap, end cut, start lost and first frame held (ms) of each clip-to-clip change.

    A layer change is seen with the first frame the page draws after it: that frame's
    time (from requestAnimationFrame) plus how long Chromium takes from a frame's time to
    its display (the median of expectedDisplayTime - now over the clips' frames). The next
    clip then shows its newest frame presented by that moment, or its first frame when it
    was waiting on it.
    """
    runs = clip_runs(frames)
    to_display = statistics.median(frame["shown"] - frame["frame"] for frame in frames)
    found = []
    for before, after in zip(fronts, fronts[1:], strict=False):
        if before["video"] < 0 or after["video"] < 0:
            continue
        seen = seen_at(after, to_display)
        ending = last_frame(runs, before["video"], seen)
        now = [r for k, r in runs.items() if k[0] == after["video"] and r[-1]["shown"] > seen]
        if ending is None or not now:
            continue
        last, interval = ending
        following = min(now, key=lambda r: abs(r[0]["shown"] - seen))
        up = [f for f in following if f["shown"] <= seen]
        later = [f for f in following if f["shown"] > seen]
        held = later[0]["shown"] - seen - frame_interval(following) if later and not up else 0.0
        found.append(
            {
                "gap": seen - last["shown"] - interval,
                "cut": max(0.0, last["duration"] * 1000 - last["media"] * 1000 - interval),
                "start_lost": up[-1]["media"] * 1000 if up else 0.0,
                "held": held,
            }
        )
    return found


def still_transitions(
    frames: list[dict], fronts: list[dict], still_ms: float
) -> dict[str, list[float]]:
    """Clip to picture or tip: the gap as for two clips. Picture or tip to clip: how much
    longer than its `seconds` the still stood before the clip was seen (ms)."""
    runs = clip_runs(frames)
    to_display = statistics.median(frame["shown"] - frame["frame"] for frame in frames)
    found: dict[str, list[float]] = {"clip_to_still": [], "still_to_clip": []}
    for before, after in zip(fronts, fronts[1:], strict=False):
        seen = seen_at(after, to_display)
        if before["video"] >= 0 and after["video"] < 0:
            ending = last_frame(runs, before["video"], seen)
            if ending is not None:
                found["clip_to_still"].append(seen - ending[0]["shown"] - ending[1])
        elif before["video"] < 0 <= after["video"] and before["url"] != "idle":
            found["still_to_clip"].append(seen - seen_at(before, to_display) - still_ms)
    return found


def frame_interval(run: list[dict]) -> float:
    """One frame of a clip (ms): the most common step between its presented frames."""
    steps = [round((b["media"] - a["media"]) * 1000, 1) for a, b in zip(run, run[1:], strict=False)]
    return statistics.mode([s for s in steps if s > 0] or [40.0])


def spread(values: list[float]) -> str:
    """Median, 90th percentile and worst of values, in ms."""
    p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
    return f"median {statistics.median(values):6.1f}, p90 {p90:6.1f}, worst {max(values):6.1f}"


def watch_playlist(
    browser: Browser, folder: Path, items: list[dict], files: list, clips_ended: int
) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """Frames, layer changes and the player's snapshot once clips_ended clips ended."""
    playlists = write_playlists(folder / "playlists", {"main": items})
    lobby = start_lobby(folder, playlists, files)
    try:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        page.add_init_script(WATCH_FRAMES)
        page.goto(lobby.url)
        wait_state(page, lambda s: s["ended"] >= clips_ended, clips_ended * 3 + 30)
        frames, fronts = page.evaluate("[window.benchFrames, window.benchFronts]")
        state = snapshot(page)
        page.context.close()
    finally:
        lobby.stop()
    return frames, fronts, state


def conditions() -> str:
    """The box's load while the figures were taken."""
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return f"load average of the box after the run: {load} ({os.cpu_count()} cores)"


def bench_gaps(browser: Browser, root: Path, count: int) -> None:
    """Gap, end cut and start lost over `count` clip-to-clip transitions, with and without
    sound; then the changes between clips and pictures or tips."""
    print(
        "gaps: headless Chromium (no GPU, no real display: frames are paced by its own"
        " 60 Hz timer), 25 fps 320x180 H.264 clips of 1 s, muted <video> as on a screen;"
        " gap = next clip seen - last frame of the one before - its frame interval"
    )
    for sound in (True, False):
        folder = root / ("sound" if sound else "silent")
        folder.mkdir()
        files = [make_clip(folder, f"clip-{n}", 1, pattern=n, sound=sound) for n in range(2)]
        items = [{"clip": "clip-0"}, {"clip": "clip-1"}]
        frames, fronts, state = watch_playlist(browser, folder, items, files, count + 2)
        found = transitions(frames, fronts)[1:]  # the first start comes from the idle card
        label = "with sound" if sound else "without sound"
        print(f"  clips {label}: {len(found)} transitions, errors {state['errors']},")
        print(f"    {conditions()}")
        gaps = [t["gap"] for t in found]
        print(f"    gap ms        {spread(gaps)}")
        print(f"      five worst: {', '.join(f'{g:.1f}' for g in sorted(gaps)[-5:])}")
        print(f"    end cut ms    {spread([t['cut'] for t in found])}")
        print(f"    start lost ms {spread([t['start_lost'] for t in found])}")
        print(f"    first frame held beyond its time ms {spread([t['held'] for t in found])}")
        print(f"    player's start lead {state.get('leadMs')} ms")
    folder = root / "stills"
    folder.mkdir()
    files = [make_clip(folder, f"clip-{n}", 1, pattern=n) for n in range(2)]
    files.append(make_poster(folder, "poster"))
    items = [
        {"clip": "clip-0"},
        {"tip": ("诉讼小知识", "诉讼时效三年。"), "seconds": 1},
        {"clip": "clip-1"},
        {"image": "poster", "seconds": 1},
    ]
    frames, fronts, state = watch_playlist(browser, folder, items, files, count // 2 + 1)
    found = still_transitions(frames, fronts, 1000)
    print(f"  clips with sound, tips and pictures of 1 s in turn (errors {state['errors']}):")
    print(f"    {conditions()}")
    print(f"    clip to picture/tip gap ms {spread(found['clip_to_still'])}")
    print(
        f"    picture/tip to clip: still stood longer than its time ms "
        f"{spread(found['still_to_clip'])}"
    )
    print("  target: gap median <= 20 ms, worst < 50 ms; no end cut > 100 ms")


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
    parser.add_argument("--transitions", type=int, default=100)
    args = parser.parse_args()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = launch_chromium(playwright)
        runs = {
            "gaps": lambda root: bench_gaps(browser, root, args.transitions),
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
