"""EBU R128 loudness: the target, what ffmpeg's loudnorm measured, and the filters for both passes.

The first pass measures (``print_format=json``); the second applies the measured values with
``linear=true``, so a clip's dynamics stay as they were and only its level moves.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

TARGET_LUFS = -23.0
TARGET_TRUE_PEAK = -2.0
# Wide enough that ordinary speech and music are levelled linearly rather than compressed.
TARGET_RANGE = 20.0
# A clip within this many LU of the target (and under the peak ceiling) is left alone.
TOLERANCE_LU = 1.0
PEAK_CEILING = -1.0
# Below the EBU R128 absolute gate there is nothing to level: silence or near-silence.
SILENCE_LUFS = -70.0


@dataclass(frozen=True)
class Loudness:
    """One loudnorm measurement of a clip's first audio stream."""

    integrated: float
    true_peak: float
    loudness_range: float
    threshold: float
    target_offset: float

    @property
    def silent(self) -> bool:
        """True when the audio is too quiet to measure or level (e.g. a silent track)."""
        return not math.isfinite(self.integrated) or self.integrated <= SILENCE_LUFS

    @property
    def on_target(self) -> bool:
        """True when the level is already close enough to the target to keep as it is."""
        if self.silent:
            return True
        return abs(self.integrated - TARGET_LUFS) <= TOLERANCE_LU and self.true_peak <= PEAK_CEILING


def _targets() -> dict[str, Any]:
    return {"I": TARGET_LUFS, "TP": TARGET_TRUE_PEAK, "LRA": TARGET_RANGE}


def measure_filter_args() -> dict[str, Any]:
    """Keyword arguments of the measuring ``loudnorm`` filter (first pass)."""
    return {**_targets(), "print_format": "json"}


def normalise_filter_args(measured: Loudness) -> dict[str, Any]:
    """Keyword arguments of the levelling ``loudnorm`` filter (second pass)."""
    return {
        **_targets(),
        "measured_I": f"{measured.integrated:.2f}",
        "measured_TP": f"{measured.true_peak:.2f}",
        "measured_LRA": f"{measured.loudness_range:.2f}",
        "measured_thresh": f"{measured.threshold:.2f}",
        "offset": f"{measured.target_offset:.2f}",
        "linear": "true",
        "print_format": "summary",
    }


def parse_loudnorm_report(stderr: str) -> Loudness | None:
    """The measurement loudnorm printed at the end of ffmpeg's stderr, if it is there."""
    marker = stderr.rfind("Parsed_loudnorm")
    start = stderr.find("{", marker)
    end = stderr.find("}", start)
    if marker < 0 or start < 0 or end < 0:
        return None
    try:
        report = json.loads(stderr[start : end + 1])
        return Loudness(
            integrated=float(report["input_i"]),
            true_peak=float(report["input_tp"]),
            loudness_range=float(report["input_lra"]),
            threshold=float(report["input_thresh"]),
            target_offset=float(report["target_offset"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
