"""The served configuration: last good kept, saves adopted without a second validation."""

from __future__ import annotations

import shutil
from pathlib import Path

from signage.config.folder import ConfigState, load_folder, read_folder, signature
from signage.config.validate import validate_files

DEMO = Path(__file__).resolve().parents[2] / "playlists"


def _edit(path: Path, old: str, new: str) -> bytes:
    text = path.read_text(encoding="utf-8").replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text.encode()


def test_a_validated_save_is_adopted_as_is(playlists_dir: Path) -> None:
    state = ConfigState(playlists_dir)
    assert state.refresh() == "loaded"
    before = signature(playlists_dir)
    _edit(playlists_dir / "evening.yaml", "夜间及节假日轮播", "夜间轮播")
    config, issues = validate_files(read_folder(playlists_dir))
    assert config is not None
    assert state.adopt(config, issues, "evening.yaml", before) is True
    assert state.current is config and state.version == 2
    assert state.refresh() == "unchanged"  # the write is not read and validated again


def test_another_edit_meanwhile_is_not_hidden(playlists_dir: Path) -> None:
    state = ConfigState(playlists_dir)
    state.refresh()
    before = signature(playlists_dir)
    _edit(playlists_dir / "evening.yaml", "夜间及节假日轮播", "夜间轮播")
    config, issues = validate_files(read_folder(playlists_dir))
    assert config is not None
    # Someone edits another file by hand between the check and the write.
    _edit(playlists_dir / "tribunal.yaml", "法庭门口须知", "法庭须知（手改）")
    assert state.adopt(config, issues, "evening.yaml", before) is False
    assert state.refresh() == "loaded"  # what the caller does then
    assert state.current is not config
    assert state.current.playlists["tribunal"].name == "法庭须知（手改）"
    assert state.current.playlists["evening"].name == "夜间轮播"


def test_a_symbolic_link_in_the_folder_is_a_configuration_error(tmp_path: Path) -> None:
    folder = tmp_path / "playlists"
    shutil.copytree(DEMO, folder)
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: 服务器上的其他文件\nitems: []\n", encoding="utf-8")
    (folder / "leak.yaml").symlink_to(secret)
    config, issues = load_folder(folder)
    assert config is None
    assert [(i.file, i.code, i.severity) for i in issues] == [("leak.yaml", "symlink", "error")]
    assert "leak.yaml" not in read_folder(folder)
