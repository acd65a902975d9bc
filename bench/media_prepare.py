"""Media preparation figures: the wrapper's overhead and what the remux shortcut saves.

1. Overhead: ``prepare_video`` on a clip that must be encoded, against the very same ffmpeg and
   ffprobe commands run by hand with ``subprocess.run`` in the same process (target <= 1.10).
2. Remux: a conforming 60 s 1080p clip prepared as it is (stream copy) against the same clip
   with encoding forced (target >= 5x faster).

Prints figures and asserts nothing: the machine is shared, so numbers are for reading.
Run: ``.venv/bin/python bench/media_prepare.py [--seconds 60] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from signage.media.ffmpeg import Binaries, locate_binaries, run_command
from signage.media.prepare import PreparedMedia, prepare_video


def make_clip(binaries: Binaries, target: Path, size: str, seconds: int, *codec: str) -> Path:
    """A lavfi test clip with a tone at about -23 LUFS."""
    run_command(
        [
            binaries.ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s={size}:r=25:d={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=f=440:sample_rate=48000:d={seconds},volume=0.87",
            *codec,
            "-ac",
            "2",
            str(target),
        ],
        timeout=3600,
    )
    return target


def timed_prepare(
    source: Path, out_dir: Path, binaries: Binaries, **options: object
) -> tuple[float, PreparedMedia]:
    started = time.perf_counter()
    result = prepare_video(source, out_dir, binaries, **options)
    return time.perf_counter() - started, result


def by_hand(commands: Sequence[Sequence[str]]) -> float:
    """Run each command plainly, one after the other, as a person at a shell would."""
    started = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    return time.perf_counter() - started


def overhead(binaries: Binaries, work: Path, rounds: int) -> None:
    source = make_clip(
        binaries,
        work / "encode-me.avi",
        "1280x720",
        20,
        "-c:v",
        "mpeg4",
        "-q:v",
        "4",
        "-c:a",
        "libmp3lame",
    )
    wrapped, plain = [], []
    for round_number in range(rounds):
        # Alternate who goes first so a warm file cache favours neither side.
        out_dir = work / f"overhead-{round_number}"
        if round_number % 2:
            commands = timed_prepare(source, out_dir, binaries)[1].commands
            plain.append(by_hand(commands))
            wrapped.append(timed_prepare(source, out_dir, binaries)[0])
        else:
            seconds, result = timed_prepare(source, out_dir, binaries)
            wrapped.append(seconds)
            plain.append(by_hand(result.commands))
    prepared, hand = statistics.median(wrapped), statistics.median(plain)
    print(
        f"overhead  20 s 720p MPEG-4 -> H.264, {len(result.commands)} commands, median of {rounds}:"
    )
    print(
        f"          prepare_video {prepared:6.2f} s   same commands by hand {hand:6.2f} s"
        f"   ratio {prepared / hand:.3f}  (target <= 1.10)"
    )


def remux_speedup(binaries: Binaries, work: Path, seconds: int) -> None:
    started = time.perf_counter()
    source = make_clip(
        binaries,
        work / "conforming.mp4",
        "1920x1080",
        seconds,
        "-c:v",
        "libx264",
        "-preset",
        "superfast",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
    )
    print(
        f"remux     made a conforming {seconds} s 1080p clip in "
        f"{time.perf_counter() - started:.1f} s"
    )
    copied_seconds, copied = timed_prepare(source, work / "remux", binaries)
    encoded_seconds, encoded = timed_prepare(source, work / "encode", binaries, force_encode=True)
    assert copied.plan is not None and copied.plan.remux_only, copied.plan
    print(
        f"          stream copy {copied_seconds:6.2f} s   full encode (veryfast) "
        f"{encoded_seconds:6.2f} s   {encoded_seconds / copied_seconds:.1f}x faster"
        "  (target >= 5x)"
    )


def main() -> None:
    """Print both figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the 1080p clip")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the overhead test")
    options = parser.parse_args()
    binaries = locate_binaries()
    with tempfile.TemporaryDirectory(prefix="bench-media-") as folder:
        overhead(binaries, Path(folder), options.rounds)
        remux_speedup(binaries, Path(folder), options.seconds)


if __name__ == "__main__":
    main()
