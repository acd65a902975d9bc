"""A publishing installation with the demo playlists' media made small (lavfi clips and a
picture, prepared for real), shared by the module; receivers are fresh per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from signage.db import media
from signage.jobs.preparation import import_file
from signage.media import library
from signage.media.ffmpeg import Binaries, locate_binaries, run_command
from signage.packages.keys import own_publisher
from signage.parts import Signage, build_parts
from tests.conftest import DEMO_PLAYLISTS

CAPTIONS = "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n诈骗电话不要信\n"


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    return locate_binaries()


def _lavfi(binaries: Binaries, target: Path, *args: str) -> Path:
    argv = [binaries.ffmpeg, "-hide_banner", "-nostdin", "-y", "-v", "error", *args, str(target)]
    run_command(argv, timeout=120, outputs=[target])
    return target


@pytest.fixture(scope="session")
def small_sources(binaries: Binaries, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two 2-second clips with sound and a poster, 320×180: what the demo playlists name."""
    folder = tmp_path_factory.mktemp("sources")
    clip = (
        "-f lavfi -i testsrc2=s=320x180:r=25:d=2 -f lavfi -i sine=f=440:sample_rate=48000:d=2 "
        "-c:v libx264 -preset veryfast -pix_fmt yuv420p -profile:v high -c:a aac -ac 2"
    ).split()
    return {
        "anti-fraud": _lavfi(binaries, folder / "anti-fraud.mp4", *clip),
        "court-guide": _lavfi(
            binaries,
            folder / "court-guide.mp4",
            *clip[:3],
            "smptebars=s=320x180:r=25:d=2",
            *clip[4:],
        ),
        "constitution-poster": _lavfi(
            binaries,
            folder / "poster.png",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=320x180",
            "-frames:v",
            "1",
        ),
    }


def make_instance(root: Path, **settings: object) -> Signage:
    """An installation in ``root`` with the demo playlists and no media yet."""
    playlists = root / "playlists"
    if not playlists.exists():
        shutil.copytree(DEMO_PLAYLISTS, playlists)
    return build_parts({"PLAYLISTS_DIR": playlists, "MEDIA_DIR": root / "media", **settings})


@pytest.fixture(scope="module")
def publisher(
    tmp_path_factory: pytest.TempPathFactory, small_sources: dict[str, Path]
) -> Iterator[Signage]:
    """The publishing court: the demo playlists' media prepared, captions on one clip."""
    instance = make_instance(tmp_path_factory.mktemp("publisher"))
    for media_id, source in small_sources.items():
        row = import_file(instance, source, media_id=media_id, title=f"标题 {media_id}")
        assert row["status"] == library.READY, row["error"]
    from signage.media.captions import attach_captions

    attach_captions(
        instance.store, instance.settings.media_dir, "anti-fraud", CAPTIONS.encode(), "a.vtt"
    )
    yield instance
    instance.store.engine.dispose()


@pytest.fixture
def receiver_root(tmp_path: Path, publisher: Signage) -> Path:
    """The folder of a fresh receiving court that trusts the publisher."""
    root = tmp_path / "receiver"
    root.mkdir()
    line = own_publisher(publisher.store, publisher.state.current.site.name).line()
    (root / "trusted").write_text(f"# 上级法院\n{line}\n", encoding="utf-8")
    return root


@pytest.fixture
def receiver(receiver_root: Path) -> Iterator[Signage]:
    instance = make_instance(receiver_root, TRUSTED_PUBLISHERS=receiver_root / "trusted")
    yield instance
    instance.store.engine.dispose()


def library_state(instance: Signage) -> tuple[int, list[str], list[str]]:
    """Media rows, files on disk (library and uploads) and playlist files: what must not
    change when a package is refused."""
    with instance.store.engine.connect() as conn:
        rows = conn.scalar(sa.select(sa.func.count()).select_from(media))
    media_dir = Path(instance.settings.media_dir)
    files = sorted(
        str(path.relative_to(media_dir))
        for folder in (library.files_folder(media_dir), library.uploads_folder(media_dir))
        if folder.exists()
        for path in folder.iterdir()
    )
    playlists = sorted(p.name for p in Path(instance.settings.playlists_dir).iterdir())
    return rows, files, playlists
