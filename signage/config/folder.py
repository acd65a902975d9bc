"""The playlists/ folder on disk: reading it, noticing hand edits, keeping the last good one."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from signage.config.validate import Config, Issue, validate_files
from signage.phrases import N_, Phrase

MAX_FILE_BYTES = 1024 * 1024

Signature = tuple[tuple[str, int, int, int], ...]


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of the folder (site.yaml and playlists), not hidden or backup files."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix == ".yaml" and not p.name.startswith(".") and p.is_file()
    )


def signature(folder: Path) -> Signature:
    """Cheap fingerprint (name, size, mtime, inode) used to notice edits without reading.

    The inode catches two same-size saves within one mtime tick: each atomic save renames
    a new file into place.
    """
    result = []
    for path in yaml_files(folder):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        result.append((path.name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(result)


def read_folder(folder: Path) -> dict[str, bytes]:
    """Name -> bytes of every YAML file; oversized files are cut so validation reports them.

    Symbolic links are not followed (they could point anywhere on the server): `link_issues`
    reports them instead.
    """
    files = {}
    for path in yaml_files(folder):
        if not path.is_symlink():
            with path.open("rb") as handle:
                files[path.name] = handle.read(MAX_FILE_BYTES + 1)
    return files


def link_issues(folder: Path) -> list[Issue]:
    """An error for each YAML file that is a symbolic link rather than a file of the folder."""
    linked = Phrase(N_("this file is a symbolic link; put the file itself in the playlists folder"))
    return [Issue.of(p.name, None, linked, "symlink") for p in yaml_files(folder) if p.is_symlink()]


def load_folder(folder: Path, today: dt.date | None = None) -> tuple[Config | None, list[Issue]]:
    """Validate the folder as it is on disk now (`today` decides which years must be known)."""
    if not folder.is_dir():
        missing = Phrase.of(N_("the playlists folder {folder} does not exist"), folder=str(folder))
        return None, [Issue.of(str(folder), None, missing, "missing_folder")]
    files = read_folder(folder)
    too_large = Phrase(N_("the file is larger than 1 MB; split it"))
    refused = link_issues(folder) + [
        Issue.of(name, None, too_large, "too_large")
        for name, content in files.items()
        if len(content) > MAX_FILE_BYTES
    ]
    if refused:
        return None, refused
    return validate_files(files, today)


@dataclass
class ConfigState:
    """The configuration screens are served from: the last good one, plus the latest problems.

    A bad edit never takes screens down: `current` only changes when a whole folder validates.
    """

    folder: Path
    current: Config | None = None
    issues: list[Issue] = field(default_factory=list)
    version: int = 0
    loaded_at: dt.datetime | None = None
    # Which calendar years must be known is a question of today's date: tests pass theirs.
    today: Callable[[], dt.date] = dt.date.today
    _signature: Signature | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> str:
        """Reload when the files changed on disk: 'unchanged', 'loaded' or 'rejected'."""
        now_signature = signature(self.folder)
        if now_signature == self._signature:
            return "unchanged"
        with self._lock:
            if now_signature == self._signature:
                return "unchanged"
            config, issues = load_folder(self.folder, self.today())
            self._signature = now_signature
            self.issues = issues
            self.loaded_at = dt.datetime.now(dt.UTC)
            if config is None:
                return "rejected"
            if self.current is None or config.digest != self.current.digest:
                self.current = config
                self.version += 1
            return "loaded"

    def adopt(self, config: Config, issues: list[Issue], name: str, before: Signature) -> bool:
        """Serve a configuration just validated and written as `name` without reading it
        again. False when another file changed meanwhile: then the caller must reload."""

        def others(sig: Signature) -> Signature:
            return tuple(entry for entry in sig if entry[0] != name)

        with self._lock:
            after = signature(self.folder)
            if others(after) != others(before):
                return False
            self._signature = after
            self.issues = issues
            self.loaded_at = dt.datetime.now(dt.UTC)
            if self.current is None or config.digest != self.current.digest:
                self.current = config
                self.version += 1
            return True

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]
