"""Watching a wall: two screens' pages in one browser, and how far apart they start each clip
(the test and bench/wall.py read the same figures)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from playwright.sync_api import Browser, Page

from signage.screens.keys import ensure_screen_key
from tests.browser.lobby import WALL_SCREEN, Lobby, snapshot, wait_for

# The first frames of each clip each <video> of the main zone shows (not those decoded under
# the front, as a clip waits for its turn): its clip, its time in the clip, and when it is on
# screen, on the browser's one clock (timeOrigin + expectedDisplayTime). A clip starts again
# where its time goes back.
WATCH_FRAMES = """
window.wallFrames = [];
addEventListener('DOMContentLoaded', () => {
  const clips = new Map(); // url -> {time: its last frame's time, frames: kept of this start}
  for (const video of document.querySelectorAll('#stage video')) {
    const onFrame = (now, meta) => {
      video.requestVideoFrameCallback(onFrame);
      const url = video.dataset.url;
      if (!url || video.dataset.state !== 'front') return;
      const clip = clips.get(url) || { time: Infinity, frames: 0 };
      if (meta.mediaTime < clip.time) clip.frames = 0;
      clip.time = meta.mediaTime;
      clip.frames += 1;
      clips.set(url, clip);
      if (clip.frames > FRAMES_PER_START) return;
      window.wallFrames.push({
        url, media: meta.mediaTime, shown: performance.timeOrigin + meta.expectedDisplayTime,
      });
    };
    video.requestVideoFrameCallback(onFrame);
  }
});
"""
OPENED_APART_MS = 7000  # the second screen is switched on this long after the first
FRAMES_PER_START = 5  # a clip's start is read from this many of its first frames
WATCH_FRAMES = WATCH_FRAMES.replace("FRAMES_PER_START", str(FRAMES_PER_START))


def clip_starts(page: Page, since: float) -> list[tuple[str, float]]:
    """(clip, when its time 0 was on screen) for each clip started after since: the median
    over its first frames of (on screen - time in the clip), so one late frame does not move
    it."""
    frames: list[dict[str, Any]] = page.evaluate("window.wallFrames")
    runs: list[tuple[str, list[float]]] = []
    last: dict[str, float] = {}
    for frame in frames:
        url = frame["url"]
        if url not in last or frame["media"] < last[url]:
            runs.append((url, []))
        last[url] = frame["media"]
        next(r for r in reversed(runs) if r[0] == url)[1].append(
            frame["shown"] - frame["media"] * 1000
        )
    return [(url, statistics.median(zeros)) for url, zeros in runs if zeros[0] > since]


def differences(first: Page, second: Page, since: float, within: float) -> list[float]:
    """For each clip start on the first page after since, how far apart the second page
    started the same clip (ms), where it did within that many ms.

    Rounded to the browser clock's grain, 0.1 ms: the stamps are milliseconds since 1970,
    where a double's last bit is 0.00024 ms, so six frames at 60 Hz read 100.000244."""
    theirs = clip_starts(second, since)
    found = []
    for url, zero in clip_starts(first, since):
        apart = [abs(other - zero) for name, other in theirs if name == url]
        if apart and min(apart) < within:
            found.append(round(min(apart), 1))
    return found


def page_clock(page: Page) -> float:
    """Now on the browser's one clock (as WATCH_FRAMES stamps frames)."""
    return float(page.evaluate("performance.timeOrigin + performance.now()"))


def open_wall(browser: Browser, lobby: Lobby, viewport: dict[str, int]) -> tuple[Page, Page]:
    """The two screens' pages, the second opened OPENED_APART_MS after the first, once both
    play something."""
    west_key = ensure_screen_key(lobby.store, lobby.store.secret_key(), WALL_SCREEN)
    urls = (lobby.url, f"{lobby.server.url}/display/{WALL_SCREEN}?key={west_key}")
    pages = []
    for url in urls:
        if pages:
            pages[0].wait_for_timeout(OPENED_APART_MS)
        context = browser.new_context(viewport=viewport)
        context.add_init_script(WATCH_FRAMES)
        page = context.new_page()
        page.goto(url)
        pages.append(page)
    east, west = pages
    wait_for(lambda: snapshot(west).get("item"), 30, "the second screen did not start")
    return east, west


def starts_apart(
    east: Page, west: Page, count: int, seconds: float, within: float = 1000
) -> list[float]:
    """How far apart the two pages start the next count clips (ms, those within that many
    ms of each other), in order. Looked at every two seconds: the pages play undisturbed."""
    since = page_clock(east)
    deadline = time.monotonic() + seconds
    while len(found := differences(east, west, since, within)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {found} clip starts on both screens")
        east.wait_for_timeout(2000)
    return found
