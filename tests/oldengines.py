"""Old headless Chromium builds for the compatibility tests, and their unpacking.

The npm package chrome-aws-lambda carried, version by version, a headless Chromium packed with
brotli (`bin/chromium*.br`) and, from Chromium 76 on, the SwiftShader GL libraries it loads.
`scripts/setup --browser` runs this module: it fetches the tarballs with `npm pack` into
a per-user cache (`~/.cache/court-signage/engines`, or SIGNAGE_ENGINES_DIR) and unpacks them
there, once per machine rather than once per checkout: unpacking the seven takes some 14 s.
The tests only read what it left.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
ENGINES_DIR = Path(os.environ.get("SIGNAGE_ENGINES_DIR") or CACHE / "court-signage" / "engines")

# Chromium major version -> the chrome-aws-lambda version that carries it.
PACKAGES = {
    64: "64.0.3264",
    67: "67.0.3372",
    72: "1.11.1",
    76: "1.16.1",
    78: "1.20.4",
    80: "2.1.1",
    83: "3.1.1",
}


def tarball(major: int) -> Path:
    """Where `npm pack` puts the package of this Chromium version."""
    return ENGINES_DIR / f"chrome-aws-lambda-{PACKAGES[major]}.tgz"


def binary(major: int) -> Path:
    """The unpacked headless Chromium of this version (present once setup ran)."""
    return ENGINES_DIR / f"chromium-{major}" / "chromium"


def unpack(major: int) -> Path:
    """Unpack one engine next to its tarball (skipped when done); the binary's path."""
    import brotli  # a test dependency: only setup and the old-engine tests need it

    target = binary(major)
    if target.exists():
        return target
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball(major)) as package:
        for member in package.getmembers():
            name = Path(member.name)
            if name.parent.name not in ("bin", "swiftshader") or name.suffix != ".br":
                continue
            data = brotli.decompress(package.extractfile(member).read())
            if name.name.startswith("chromium"):
                partial = folder / "chromium.part"
                partial.write_bytes(data)
                partial.chmod(0o755)
                partial.rename(target)  # last, so a half-unpacked engine is never used
            elif name.name == "swiftshader.tar.br":
                # The GL libraries headless Chromium loads from swiftshader/ beside itself.
                with tarfile.open(fileobj=io.BytesIO(data)) as libraries:
                    for library in libraries.getmembers():
                        if library.isfile() and library.name.endswith(".so"):
                            _write(
                                folder / "swiftshader" / Path(library.name).name,
                                libraries.extractfile(library).read(),
                            )
            elif name.parent.name == "swiftshader":
                _write(folder / "swiftshader" / name.stem, data)
            # aws.tar.br holds NSS and fonts for AWS Lambda: Debian's own are used instead.
    return target


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def fetch(major: int) -> None:
    """`npm pack` the package of this Chromium version into the cache, once."""
    if tarball(major).exists():
        return
    ENGINES_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "pack", "--silent", f"chrome-aws-lambda@{PACKAGES[major]}"],
        cwd=ENGINES_DIR,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        timeout=900,
    )


def main() -> int:
    """Fetch (once) and unpack every engine; scripts/setup --browser runs this."""
    for major in PACKAGES:
        try:
            fetch(major)
        except (OSError, subprocess.SubprocessError) as error:
            print(f"oldengines: Chromium {major} could not be fetched: {error}", file=sys.stderr)
            return 1
        unpack(major)
    return 0


if __name__ == "__main__":
    sys.exit(main())
