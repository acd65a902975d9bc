"""The subprocess wrapper: finding the programs, failures, timeouts, progress."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from signage.media.ffmpeg import (
    STDERR_TAIL_BYTES,
    Binaries,
    CommandFailed,
    CommandTimedOut,
    ProgramMissing,
    describe_ffmpeg,
    locate_binaries,
    run_command,
)


def _forwarding_script(folder: Path, name: str, real: str) -> Path:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return script


def test_a_pair_on_path_wins_over_the_bundled_programs(tmp_path: Path, binaries: Binaries):
    ffmpeg = _forwarding_script(tmp_path / "bin", "ffmpeg", binaries.ffmpeg)
    ffprobe = _forwarding_script(tmp_path / "bin", "ffprobe", binaries.ffprobe)

    found = locate_binaries(path_variable=str(tmp_path / "bin"))

    assert found == Binaries(str(ffmpeg), str(ffprobe))


def test_a_lone_ffmpeg_wrapper_on_path_is_passed_over(tmp_path: Path, binaries: Binaries):
    # Like the virtualenv's bin/ffmpeg from the wheel: a Python wrapper with no ffprobe beside.
    _forwarding_script(tmp_path / "venv-bin", "ffmpeg", binaries.ffmpeg)

    found = locate_binaries(path_variable=str(tmp_path / "venv-bin"))

    assert Path(found.ffmpeg).parent == Path(found.ffprobe).parent
    assert Path(found.ffmpeg).parent != tmp_path / "venv-bin"


def test_settings_choose_the_programs_and_ffprobe_is_found_beside_ffmpeg(
    tmp_path: Path, binaries: Binaries
):
    ffmpeg = _forwarding_script(tmp_path / "opt", "ffmpeg", binaries.ffmpeg)
    ffprobe = _forwarding_script(tmp_path / "opt", "ffprobe", binaries.ffprobe)

    assert locate_binaries(str(ffmpeg), path_variable="") == Binaries(str(ffmpeg), str(ffprobe))


def test_a_wrong_setting_names_the_setting(tmp_path: Path):
    with pytest.raises(ProgramMissing, match="SIGNAGE_FFMPEG") as caught:
        locate_binaries(str(tmp_path / "no-such-ffmpeg"))
    assert caught.value.code == "ffmpeg_missing"


def test_a_program_that_cannot_start_is_named(tmp_path: Path):
    with pytest.raises(ProgramMissing, match="ffprobe could not be started"):
        run_command([str(tmp_path / "ffprobe"), "-version"], timeout=5)


def test_health_report_gives_the_version_or_the_reason(tmp_path: Path):
    found = describe_ffmpeg()
    assert found["found"] is True
    assert str(found["version"])[0].isdigit()

    missing = describe_ffmpeg(str(tmp_path / "nothing"))
    assert missing["found"] is False
    assert "SIGNAGE_FFMPEG" in str(missing["error"])


def test_a_failed_run_removes_its_output_and_keeps_the_end_of_stderr(
    tmp_path: Path, binaries: Binaries, truncated_mp4: Path
):
    output = tmp_path / "out.mp4"
    argv = [
        binaries.ffmpeg,
        "-xerror",
        "-i",
        str(truncated_mp4),
        "-c:v",
        "libx264",
        "-preset",
        "superfast",
        str(output),
    ]

    with pytest.raises(CommandFailed) as caught:
        run_command(argv, timeout=60, outputs=[output])

    assert not output.exists()
    assert caught.value.returncode not in (0, None)
    assert 0 < len(caught.value.stderr_tail) <= STDERR_TAIL_BYTES
    assert "Invalid data" in caught.value.stderr_tail or "corrupt" in caught.value.stderr_tail


def test_a_run_past_its_timeout_is_stopped_and_cleaned_up(tmp_path: Path, binaries: Binaries):
    output = tmp_path / "endless.mp4"
    argv = [
        binaries.ffmpeg,
        "-f",
        "lavfi",
        "-re",
        "-i",
        "testsrc2=s=64x64:r=5",
        "-c:v",
        "mpeg4",
        str(output),
    ]
    started = time.monotonic()

    with pytest.raises(CommandTimedOut, match="longer than 1 seconds"):
        run_command(argv, timeout=1, outputs=[output])

    assert time.monotonic() - started < 10
    assert not output.exists()


def test_progress_rises_to_one_on_the_callers_thread(tmp_path: Path, binaries: Binaries):
    seen: list[tuple[float, int]] = []
    argv = [
        binaries.ffmpeg,
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=64x64:r=25:d=3",
        "-c:v",
        "mpeg4",
        "-stats_period",
        "0.05",
        str(tmp_path / "p.mp4"),
    ]

    run_command(
        argv, timeout=60, duration=3, on_progress=lambda f: seen.append((f, threading.get_ident()))
    )

    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and all(0 <= f <= 1 for f in fractions)
    assert {thread for _, thread in seen} == {threading.get_ident()}


def test_a_progress_callback_that_raises_stops_the_run(tmp_path: Path, binaries: Binaries):
    output = tmp_path / "stopped.mp4"
    argv = [
        binaries.ffmpeg,
        "-f",
        "lavfi",
        "-re",
        "-i",
        "testsrc2=s=64x64:r=25:d=30",
        "-c:v",
        "mpeg4",
        "-stats_period",
        "0.1",
        str(output),
    ]

    def cancel(fraction: float) -> None:
        raise KeyboardInterrupt  # what a shutdown looks like from inside a job

    with pytest.raises(KeyboardInterrupt):
        run_command(argv, timeout=60, duration=30, outputs=[output], on_progress=cancel)
    assert not output.exists()


def test_standard_output_is_returned(binaries: Binaries):
    result = run_command([binaries.ffprobe, "-hide_banner", "-version"], timeout=30)

    assert result.stdout.startswith(b"ffprobe version")
    assert result.argv[0] == binaries.ffprobe
