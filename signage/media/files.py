"""The library's files on disk, as every writer of them names and checks them."""

from __future__ import annotations

import hashlib
from pathlib import Path

# A file being written starts with this prefix and is renamed once whole, so a reader never
# meets half a file; files with it are left behind only by a crash, and removed.
PARTIAL_PREFIX = ".partial-"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
