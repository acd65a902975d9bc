"""Saving YAML files: atomic writes, failures that leave everything as it was, one at a time."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from signage.accounts.staff import Actor
from signage.config.history import list_revisions
from signage.edits.saving import (
    file_etag,
    playlist_file,
    read_version,
    save_file,
    write_atomically,
)
from signage.errors import SignageError
from signage.parts import Signage

EDITOR = Actor(name="editor", role="editor")


def test_write_atomically_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "daytime.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, "name: 新\n".encode())
    assert target.read_text(encoding="utf-8") == "name: 新\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["daytime.yaml"]


def test_a_failed_write_leaves_the_file_history_and_folder_untouched(
    parts: Signage, playlists_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signage = parts
    before = read_version(playlists_dir, "daytime.yaml")
    revisions = list_revisions(signage.store, "daytime.yaml")

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    changed = before.content.replace("日间普法轮播".encode(), "新名字".encode())
    with pytest.raises(SignageError) as failure:
        save_file(
            signage, "daytime.yaml", changed, if_match={before.etag}, author=EDITOR, action="save"
        )
    assert failure.value.status == 500 and "No space left" in failure.value.message
    assert (playlists_dir / "daytime.yaml").read_bytes() == before.content
    assert list_revisions(signage.store, "daytime.yaml") == revisions
    assert sorted(p.name for p in playlists_dir.iterdir()) == sorted(
        p.name for p in playlists_dir.iterdir() if not p.name.startswith(".")
    )


def test_two_saves_with_the_same_etag_at_once_let_exactly_one_win(
    parts: Signage, playlists_dir: Path
) -> None:
    signage = parts
    before = read_version(playlists_dir, "daytime.yaml")
    outcomes: list[int] = []

    def save_as(name: str) -> None:
        text = before.content.replace("日间普法轮播".encode(), name.encode())
        try:
            save_file(
                signage,
                "daytime.yaml",
                text,
                if_match={before.etag},
                author=Actor(name=name, role="editor"),
                action="save",
            )
            outcomes.append(200)
        except SignageError as error:
            outcomes.append(error.status)

    threads = [threading.Thread(target=save_as, args=(f"editor{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200, 412, 412, 412]
    saved = read_version(playlists_dir, "daytime.yaml")
    assert saved.etag != before.etag and file_etag(saved.content) == saved.etag


def test_playlist_ids_are_checked_before_any_path_is_built() -> None:
    assert playlist_file("lobby-east_2") == "lobby-east_2.yaml"
    for bad in ("../site", "a/b", "UPPER", "", "x" * 65, "site", "daytime\n", ".hidden"):
        with pytest.raises(SignageError) as refused:
            playlist_file(bad)
        assert refused.value.status == 400
