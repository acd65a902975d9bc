"""Content packages between two real installations: export, verify, import, refuse."""

from __future__ import annotations

import datetime as dt
import json
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from signage.cli.main import main
from signage.errors import SignageError
from signage.jobs.preparation import prepare_claimed
from signage.media import library
from signage.packages.export import export_package
from signage.packages.imports import import_package
from signage.packages.keys import parse_trusted
from signage.parts import Signage
from tests.packages.conftest import library_state, make_instance

pytestmark = pytest.mark.slow

# A Monday before Constitution Week, within the dates of the daytime playlist's poster.
MONDAY_MORNING = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def package(publisher: Signage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The daytime playlist with its two clips and its poster, as one signed file."""
    target = tmp_path_factory.mktemp("package") / "daytime.tar"
    exported = export_package(publisher, target, [], ["daytime"])
    assert set(exported.media) == {"anti-fraud", "court-guide", "constitution-poster"}
    assert exported.playlists == ("daytime",)
    return target


def _import(receiver: Signage, path: Path):
    return import_package(receiver, path, None, prepare=prepare_claimed)


def test_a_package_arrives_whole_with_hashes_titles_captions_and_a_playing_playlist(
    publisher: Signage, receiver: Signage, package: Path
):
    imported = _import(receiver, package)

    assert imported.media == {m: m for m in ("anti-fraud", "court-guide", "constitution-poster")}
    # The receiver has a daytime playlist of its own: the package's is added beside it.
    assert imported.playlists == {"daytime": "daytime-2"}
    for media_id in imported.media:
        sent = library.media_row(publisher.store, media_id)
        got = library.media_row(receiver.store, media_id)
        assert got["status"] == library.READY, got["error"]
        assert got["title"] == sent["title"] == f"标题 {media_id}"
        assert got["publisher"] == "兴隆县人民法院"
        assert got["approved"] is True
        assert got["file"] == sent["file"]  # the same content hash: kept, not encoded again
    captions = library.media_row(receiver.store, "anti-fraud")["captions"]
    folder = library.files_folder(receiver.settings.media_dir)
    assert "诈骗电话不要信" in (folder / captions).read_text("utf-8")

    own = Path(receiver.settings.playlists_dir)
    sent_text = (Path(publisher.settings.playlists_dir) / "daytime.yaml").read_text("utf-8")
    assert (own / "daytime-2.yaml").read_text("utf-8") == sent_text
    site = own / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("playlist: daytime\n", "playlist: daytime-2\n"))
    receiver.refresh_config(force=True)
    manifest = receiver.screens.manifest("lobby-east", MONDAY_MORNING)
    playing = next(s for s in manifest.body["segments"] if s["playlist"] == "daytime-2")
    urls = [item["url"] for item in playing["items"] if item["type"] in ("video", "image")]
    assert len(urls) == 3 and all(urls)
    assert not [w for w in manifest.warnings if "daytime-2" in w]


def test_topics_travel_with_the_media_and_undeclared_ones_are_left_off(
    publisher: Signage, receiver: Signage, tmp_path: Path
):
    library.set_topics(publisher.store, "anti-fraud", ["anti-fraud", "minors"])
    path = tmp_path / "topics.tar"
    try:
        export_package(publisher, path, ["anti-fraud"], [])
    finally:
        library.set_topics(publisher.store, "anti-fraud", [])
    site = Path(receiver.settings.playlists_dir) / "site.yaml"
    text = site.read_text("utf-8")
    assert "  minors: 未成年人保护\n" in text
    site.write_text(text.replace("  minors: 未成年人保护\n", ""), "utf-8")
    receiver.refresh_config(force=True)

    imported = _import(receiver, path)

    assert imported.media == {"anti-fraud": "anti-fraud"}
    assert library.media_row(receiver.store, "anti-fraud")["topics"] == ["anti-fraud"]
    assert imported.topics_left_off == ["minors"]


def test_importing_the_same_package_twice_changes_nothing(receiver: Signage, package: Path):
    _import(receiver, package)
    before = library_state(receiver)

    again = _import(receiver, package)

    assert again.media == {} and again.playlists == {}
    assert sorted(again.unchanged) == [
        "anti-fraud",
        "constitution-poster",
        "court-guide",
        "daytime",
    ]
    assert library_state(receiver) == before


def test_clashing_ids_get_a_suffix_and_the_playlist_follows(
    receiver: Signage, package: Path, small_sources: dict[str, Path]
):
    from signage.jobs.preparation import import_file

    own = import_file(receiver, small_sources["court-guide"], media_id="anti-fraud", title="本院")

    imported = _import(receiver, package)

    assert imported.media["anti-fraud"] == "anti-fraud-2"
    assert library.media_row(receiver.store, "anti-fraud")["file"] == own["file"]
    assert library.media_row(receiver.store, "anti-fraud")["title"] == "本院"
    text = (Path(receiver.settings.playlists_dir) / "daytime-2.yaml").read_text("utf-8")
    assert "clip: anti-fraud-2" in text and "clip: anti-fraud\n" not in text
    assert "body: 人民法院实行立案登记制" in text  # the rest as the publisher wrote it


def _rewritten(package: Path, target: Path, change) -> Path:
    """A copy of the package with one member's bytes changed by ``change``."""
    with tarfile.open(package) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            import io

            out.addfile(member, io.BytesIO(data))
    return target


def _flip_one_clip_byte(name: str, data: bytes) -> bytes:
    if name.endswith(".mp4") and not hasattr(_flip_one_clip_byte, "done"):
        _flip_one_clip_byte.done = True  # type: ignore[attr-defined]
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
    return data


def _refused(receiver: Signage, path: Path) -> SignageError:
    before = library_state(receiver)
    with pytest.raises(SignageError) as caught:
        _import(receiver, path)
    assert library_state(receiver) == before
    return caught.value


def test_one_flipped_byte_is_refused_whole_and_nothing_changes(
    receiver: Signage, package: Path, tmp_path: Path
):
    tampered = _rewritten(package, tmp_path / "tampered.tar", _flip_one_clip_byte)

    error = _refused(receiver, tampered)

    assert error.code == "bad_package"
    assert (
        "differs from what was signed" in error.message and "nothing was imported" in error.message
    )


def test_a_changed_manifest_breaks_the_signature(receiver: Signage, package: Path, tmp_path: Path):
    def retitle(name: str, data: bytes) -> bytes:
        return (
            data.replace("标题 anti-fraud".encode(), "标题 changed!".encode())
            if name == "manifest.json"
            else data
        )

    error = _refused(receiver, _rewritten(package, tmp_path / "retitled.tar", retitle))

    assert error.code == "bad_signature"


def test_a_truncated_package_is_refused_whole(receiver: Signage, package: Path, tmp_path: Path):
    data = package.read_bytes()
    with tarfile.open(package) as archive:
        last = archive.getmembers()[-1]
    # Inside the manifest, mid-way, one byte short of the last file, at its header.
    for cut in (700, len(data) // 2, last.offset_data + last.size - 1, last.offset):
        truncated = tmp_path / f"cut-{cut}.tar"
        truncated.write_bytes(data[:cut])
        error = _refused(receiver, truncated)
        assert error.code == "bad_package", error.message


def test_an_unknown_publisher_is_refused(package: Path, tmp_path: Path):
    stranger = make_instance(tmp_path / "stranger")  # no trusted file at all
    try:
        error = _refused(stranger, package)
    finally:
        stranger.store.engine.dispose()
    assert error.code == "unknown_publisher"
    assert "SIGNAGE_TRUSTED_PUBLISHERS" in error.message


def test_members_that_are_links_or_paths_out_are_refused(
    receiver: Signage, package: Path, tmp_path: Path
):
    import io

    for member in (
        tarfile.TarInfo("../../etc/cron.d/x"),
        _link("media/0123456789abcdef.mp4"),
    ):
        evil = tmp_path / "evil.tar"
        with tarfile.open(package) as source, tarfile.open(evil, "w") as out:
            for kept in source.getmembers():
                out.addfile(kept, source.extractfile(kept))
            out.addfile(member, io.BytesIO(b"" if member.issym() else b"x" * member.size))
        error = _refused(receiver, evil)
        assert error.code == "bad_package"
        assert not (tmp_path / "etc").exists()


def _link(name: str) -> tarfile.TarInfo:
    link = tarfile.TarInfo(name)
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return link


def test_review_on_holds_imported_media_and_playlists(receiver_root: Path, package: Path):
    reviewed = make_instance(
        receiver_root, TRUSTED_PUBLISHERS=receiver_root / "trusted", REVIEW="on"
    )
    try:
        imported = _import(reviewed, package)
        rows = [library.media_row(reviewed.store, m) for m in imported.media.values()]
        assert rows and all(row["approved"] is False for row in rows)
        assert len(imported.reviews) == 1
        assert not (Path(reviewed.settings.playlists_dir) / "daytime-2.yaml").exists()
    finally:
        reviewed.store.engine.dispose()


def test_the_command_line_exports_imports_and_prints_the_key_line(
    publisher: Signage, receiver_root: Path, tmp_path: Path, monkeypatch
):
    runner = CliRunner()
    for name, value in (
        ("PLAYLISTS_DIR", publisher.settings.playlists_dir),
        ("MEDIA_DIR", publisher.settings.media_dir),
    ):
        monkeypatch.setenv(f"SIGNAGE_{name}", str(value))
    key = runner.invoke(main, ["package", "key"])
    assert key.exit_code == 0, key.output
    assert parse_trusted(key.stdout, "stdout")  # the line a receiver appends, as it is
    exported = runner.invoke(
        main, ["package", "export", str(tmp_path / "one.tar"), "--media", "constitution-poster"]
    )
    assert exported.exit_code == 0, exported.output

    monkeypatch.setenv("SIGNAGE_PLAYLISTS_DIR", str(receiver_root / "playlists"))
    monkeypatch.setenv("SIGNAGE_MEDIA_DIR", str(receiver_root / "media"))
    monkeypatch.setenv("SIGNAGE_TRUSTED_PUBLISHERS", str(receiver_root / "trusted"))
    make_instance(receiver_root).store.engine.dispose()  # the demo playlists in place
    imported = runner.invoke(main, ["package", "import", str(tmp_path / "one.tar")])
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == "media\tconstitution-poster\tconstitution-poster\n"

    (tmp_path / "bad.tar").write_bytes(b"not a tar at all" * 100)
    refused = runner.invoke(main, ["package", "import", str(tmp_path / "bad.tar")])
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: the package is damaged or incomplete")


def test_a_manifest_that_lies_about_its_kinds_is_refused_before_anything_is_written():
    from signage.packages.verify import PackageRefused, read_manifest

    manifest = {
        "format": "court-signage-package/1",
        "publisher": {"name": "x", "key": "k"},
        "created_at": "2026-12-06T10:00:00+08:00",
        "files": {"media/0123456789abcdef.vtt": {"sha256": "0" * 64, "size": 1}},
        "media": [{"id": "a", "kind": "video", "title": "t", "file": "media/0123456789abcdef.vtt"}],
    }
    with pytest.raises(PackageRefused, match="another kind"):
        read_manifest(json.dumps(manifest).encode())
    manifest["files"]["media/../../etc/passwd"] = {"sha256": "0" * 64, "size": 1}
    with pytest.raises(PackageRefused, match="cannot be read"):
        read_manifest(json.dumps(manifest).encode())


def test_a_published_playlist_arrives_unpublished(
    publisher: Signage, receiver: Signage, tmp_path: Path
):
    tribunal = Path(publisher.settings.playlists_dir) / "tribunal.yaml"
    text = tribunal.read_text("utf-8")
    tribunal.write_text(text + "published: true  # 上级法院发布\n", encoding="utf-8")
    try:
        publisher.refresh_config(force=True)
        export_package(publisher, tmp_path / "tribunal.tar", [], ["tribunal"])
    finally:
        tribunal.write_text(text, encoding="utf-8")
        publisher.refresh_config(force=True)

    assert _import(receiver, tmp_path / "tribunal.tar").playlists == {"tribunal": "tribunal-2"}

    received = (Path(receiver.settings.playlists_dir) / "tribunal-2.yaml").read_text("utf-8")
    assert "published" not in received and received.startswith(text.splitlines()[0])
    assert receiver.state.current.playlists["tribunal-2"].published is False
