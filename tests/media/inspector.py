"""Independent checks of prepared files: ffprobe's reports and ffmpeg's own meters."""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path
from typing import Any

from signage.media.ffmpeg import Binaries, run_command


class Inspector:
    """Independent checks of an output file, made with ffprobe and ffmpeg's own meters."""

    def __init__(self, binaries: Binaries) -> None:
        self.binaries = binaries

    def report(self, path: Path, *args: str) -> dict[str, Any]:
        """ffprobe's JSON report (format and streams unless other sections are asked for)."""
        argv = [
            self.binaries.ffprobe,
            *"-v error -print_format json".split(),
            *(args or ("-show_format", "-show_streams")),
            str(path),
        ]
        return json.loads(run_command(argv, timeout=60).stdout)

    def stream(self, path: Path, kind: str) -> dict[str, Any] | None:
        """The first stream of a kind ("video", "audio") or None."""
        streams = self.report(path)["streams"]
        return next((s for s in streams if s["codec_type"] == kind), None)

    def video_seconds(self, path: Path) -> float:
        """How long the first picture stream lasts, by its own timestamps."""
        stream = self.stream(path, "video")
        assert stream is not None
        return float(stream["duration"])

    def integrated_loudness(self, path: Path) -> float:
        """EBU R128 integrated loudness measured by the ebur128 filter (not loudnorm)."""
        argv = [
            self.binaries.ffmpeg,
            *"-hide_banner -nostdin -nostats -i".split(),
            str(path),
            *"-map 0:a:0 -af ebur128=framelog=quiet -f null -".split(),
        ]
        tail = run_command(argv, timeout=60).stderr_tail
        summary = tail[tail.rindex("Integrated loudness:") :]
        return float(summary.split("I:")[1].split("LUFS")[0])

    def keyframe_times(self, path: Path) -> list[float]:
        options = "-select_streams v:0 -skip_frame nokey -show_entries frame=pts_time"
        frames = self.report(path, *options.split())["frames"]
        return [float(frame["pts_time"]) for frame in frames]

    def mean_luma(self, path: Path) -> float:
        """Average brightness (0..255) of a picture's first frame."""
        argv = [
            self.binaries.ffmpeg,
            "-v",
            "error",
            "-i",
            str(path),
            *"-frames:v 1 -f rawvideo -pix_fmt gray -".split(),
        ]
        pixels = run_command(argv, timeout=60).stdout
        return sum(pixels) / len(pixels)

    def header_colours(self, path: Path) -> tuple[str, ...]:
        """Primaries, transfer, matrix and range as the H.264 stream's own header says them."""
        # A bare elementary stream has no container to take labels from: only the VUI is left.
        with tempfile.TemporaryDirectory() as folder:
            bare = Path(folder, "video.h264")
            argv = [self.binaries.ffmpeg, "-v", "error", "-i", str(path), "-map", "0:v:0"]
            run_command([*argv, "-c", "copy", "-f", "h264", str(bare)], timeout=60)
            video = self.report(bare, "-show_streams")["streams"][0]
        keys = ("color_primaries", "color_transfer", "color_space", "color_range")
        return tuple(video.get(key, "unknown") for key in keys)

    @staticmethod
    def container_colours(path: Path) -> tuple[int, int, int, bool] | None:
        """The MP4 'colr' box's primaries, transfer, matrix codes and full-range flag."""
        data = path.read_bytes()
        start = data.find(b"colrnclx")
        if start < 0:
            return None
        primaries, transfer, matrix, flags = struct.unpack_from(">HHHB", data, start + 8)
        return primaries, transfer, matrix, bool(flags & 0x80)

    def rgb_frame(self, path: Path, at: float, filters: str = "") -> bytes:
        """One frame at a time as 8-bit RGB, shrunk to a quarter of 320×180 (80×45)."""
        # Shrinking averages away the 4:2:0 fringes at sharp colour edges; colours stay.
        chain = ",".join(filter(None, [filters, "format=rgb24", "scale=80:45:flags=area"]))
        argv = [self.binaries.ffmpeg, "-v", "error", "-ss", str(at), "-i", str(path)]
        argv += ["-vf", chain, "-frames:v", "1", "-f", "rawvideo", "-"]
        return run_command(argv, timeout=60).stdout

    @staticmethod
    def top_level_boxes(path: Path) -> list[str]:
        """The types of an MP4 file's top-level boxes, in file order."""
        boxes = []
        with path.open("rb") as file:
            while header := file.read(8):
                size, kind = struct.unpack(">I4s", header)
                boxes.append(kind.decode("latin-1"))
                if size == 1:
                    size = struct.unpack(">Q", file.read(8))[0] - 8
                elif size == 0:
                    break
                file.seek(size - 8, 1)
        return boxes
