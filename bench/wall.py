"""A wall of two screens in headless Chromium against a real server: how far apart they start
each clip, with the group declared `sync: true` and, as the baseline in the same run, the same
two screens in a plain group.

Clips prepared by the media pipeline (signage.media.prepare, as an upload is) from camera-like
lavfi sources: a 3 s clip with sound and a 4 s one without, taking turns. The second screen's
page opens 7 s after the first's; the figures are taken over `--transitions` clip starts after
it began, then again after it reloads. A clip's start on a page is when its time 0 was on
screen: the median over its first five frames of requestVideoFrameCallback's
expectedDisplayTime less the frame's time in the clip, on the browser's one clock, so both
pages are read against the same clock (target: median <= 20 ms, worst <= 50 ms).

Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from bench.display_player import conditions, lavfi_source, pipeline_clip, spread  # noqa: E402
from tests.browser.lobby import MediaFile, snapshot, start_lobby, wait_for, write_playlists  # noqa: E402
from tests.browser.wall import open_wall, starts_apart  # noqa: E402
from tests.support import launch_chromium  # noqa: E402


def prepared_clips(root: Path, size: str) -> list[MediaFile]:
    sources = root / "sources"
    sources.mkdir()
    return [
        pipeline_clip(root, "sound", lavfi_source(sources / "sound.mp4", 3, size, 0.0))[0],
        pipeline_clip(root, "silent", lavfi_source(sources / "silent.mp4", 4, size, None))[0],
    ]


def run(
    browser: Browser, root: Path, files: list[MediaFile], sync: bool, count: int
) -> dict[str, list[float]]:
    """The starts apart (ms) after opening and after a reload, on one server."""
    items = [{"clip": file.id} for file in files]
    playlists = write_playlists(root / "playlists", {"main": items}, wall=sync)
    lobby = start_lobby(root, playlists, files)
    seconds = count * 8 + 60
    within = sum(file.duration for file in files) * 1000  # a round: out of step, any way
    try:
        east, west = open_wall(browser, lobby, {"width": 1280, "height": 720})
        opened = starts_apart(east, west, count, seconds, within)
        west.reload()
        wait_for(lambda: snapshot(west).get("item"), 30, "the reloaded screen did not start")
        reloaded = starts_apart(east, west, count, seconds, within)
        errors = snapshot(east)["errors"] + snapshot(west)["errors"]
        # Server and pages share one clock here: whatever offset a page keeps is its error.
        offsets = [snapshot(page)["clockOffset"] for page in (east, west)]
        east.context.close()
        west.context.close()
    finally:
        lobby.stop()
    print(
        f"  {'sync: true' if sync else 'plain group (baseline)'}: {errors} playback errors;"
        f" the pages' server-clock offsets at the end {offsets} ms (truly 0 here)"
    )
    return {"opened 7 s apart": opened, "after the second reloads": reloaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transitions", type=int, default=30)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = launch_chromium(playwright)
        files = prepared_clips(Path(scratch), args.size)
        lengths = ", ".join(f"{file.id} {file.duration} s" for file in files)
        print(
            f"wall: two screens' pages in one headless Chromium (no GPU, 60 Hz timer), {args.size}"
            f" clips prepared by the pipeline ({lengths}), {args.transitions} clip starts each"
        )
        figures = {}
        for sync in (True, False):
            root = Path(scratch) / ("wall" if sync else "plain")
            root.mkdir()
            figures[sync] = run(browser, root, files, sync, args.transitions)
        for moment, apart in figures[True].items():
            baseline = figures[False][moment]
            print(f"  {moment}: starts apart, ms")
            print(f"    sync: true   {spread(apart)}")
            worst = sorted(range(len(apart)), key=lambda at: apart[at])[-3:]
            print(f"      the three worst were starts {', '.join(str(at + 1) for at in worst)}")
            print(f"    plain group  {spread(baseline)}")
            ratio = sorted(baseline)[len(baseline) // 2] / max(sorted(apart)[len(apart) // 2], 0.1)
            print(f"    the plain group's median is {ratio:.0f}x the wall's")
        print(f"  {conditions()}")
        print("  target: median <= 20 ms, worst <= 50 ms")
        browser.close()


if __name__ == "__main__":
    main()
