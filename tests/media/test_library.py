"""The library's rows in a real SQLite file: ids, claims, recovery, deletion."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from signage.db import Store
from signage.errors import SignageError
from signage.media import library


@pytest.fixture
def store(app: Flask) -> Store:
    return app.extensions["signage"].store


def _queue(store: Store, media_id: str, upload: str = "0a.mp4") -> None:
    library.enqueue(
        store,
        media_id,
        upload=upload,
        original_name=f"{media_id}.mp4",
        title=None,
        created_by="admin",
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Court Guide (2024).MP4", "court-guide-2024"),
        ("宪法宣传周.mp4", "xian-fa-xuan-chuan-zhou"),
        ("2026年 防范电信诈骗 第1集.mp4", "2026-nian-fang-fan-dian-xin-zha-pian-di-1-ji"),
        ("Café – été.mov", "cafe-ete"),
        ("__--.avi", ""),
    ],
)
def test_ids_from_file_names(name: str, slug: str):
    assert library.slug_from_name(name) == slug


def test_a_free_id_is_found_and_a_chosen_one_must_be_free(store: Store):
    assert library.new_media_id(store, None, "宪法宣传周.mp4") == "xian-fa-xuan-chuan-zhou"
    assert library.new_media_id(store, None, "★.mp4") == "media"
    _queue(store, "court-guide")
    assert library.new_media_id(store, None, "Court Guide.mp4") == "court-guide-2"

    with pytest.raises(SignageError) as taken:
        library.new_media_id(store, "court-guide", "x.mp4")
    assert (taken.value.status, taken.value.code) == (409, "media_exists")
    with pytest.raises(SignageError) as malformed:
        library.new_media_id(store, "Court Guide", "x.mp4")
    assert (malformed.value.status, malformed.value.code) == (422, "bad_media_id")


def test_the_kind_is_guessed_from_the_name_and_the_title_defaults_to_it(store: Store):
    library.enqueue(
        store, "poster", upload="1f.jpg", original_name="宪法日海报.jpg", title="", created_by=None
    )

    row = library.media_row(store, "poster")
    assert (row["kind"], row["title"], row["status"]) == ("image", "宪法日海报", "queued")


def test_each_queued_row_is_claimed_once_by_concurrent_workers(store: Store):
    for number in range(6):
        _queue(store, f"clip-{number}")
    claimed: list[str] = []

    def work(name: str) -> None:
        while (row := library.claim_next(store, name)) is not None:
            claimed.append(row["id"])

    workers = [threading.Thread(target=work, args=(f"host:{n}",)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(claimed) == [f"clip-{number}" for number in range(6)]
    assert library.status_counts(store)["processing"] == 6


def test_interrupted_work_is_queued_again_then_given_up(store: Store):
    _queue(store, "crashy")
    for attempt in range(1, library.MAX_ATTEMPTS + 1):
        row = library.claim_next(store, "gone-host:1")
        assert row is not None and row["attempts"] == attempt
        requeued = library.requeue_interrupted(store, lambda row: False)
        assert requeued == ([] if attempt == library.MAX_ATTEMPTS else ["crashy"])

    row = library.media_row(store, "crashy")
    assert (row["status"], row["error_code"]) == ("failed", "interrupted")
    assert "interrupted 3 times" in row["error"]


def test_live_work_is_left_alone(store: Store):
    _queue(store, "busy")
    library.claim_next(store, "this-host:1")

    assert library.requeue_interrupted(store, lambda row: True) == []
    assert library.media_row(store, "busy")["status"] == "processing"


def test_deleting_refuses_media_in_use_or_in_preparation(store: Store):
    _queue(store, "in-use")
    with pytest.raises(SignageError) as used:
        library.remove_media(store, "in-use", ["daytime", "evening"])
    assert used.value.status == 409
    assert "daytime, evening" in used.value.message
    assert used.value.details == {"playlists": ["daytime", "evening"]}

    library.claim_next(store, "host:1")
    with pytest.raises(SignageError) as busy:
        library.remove_media(store, "in-use", [])
    assert (busy.value.status, busy.value.code) == (409, "media_busy")


def test_deleting_bumps_the_media_counter_so_manifests_rebuild(store: Store):
    _queue(store, "old")
    before = store.counters().get(library.MEDIA_CHANGED)

    assert library.remove_media(store, "old", [])["id"] == "old"
    assert store.counters().get(library.MEDIA_CHANGED) != before
    with pytest.raises(SignageError) as gone:
        library.media_row(store, "old")
    assert gone.value.status == 404


def test_a_title_can_be_changed_within_its_limit(store: Store):
    _queue(store, "clip-t")
    library.set_title(store, "clip-t", "  诉前调解指南 <b>  ")
    assert library.media_row(store, "clip-t")["title"] == "诉前调解指南 <b>"
    assert library.media_titles(store, ["clip-t", "nowhere"]) == {"clip-t": "诉前调解指南 <b>"}
    for bad, words in (("   ", "write a title"), ("长" * 201, "200 characters")):
        with pytest.raises(SignageError, match=words):
            library.set_title(store, "clip-t", bad)
    with pytest.raises(SignageError, match="no media"):
        library.set_title(store, "nowhere", "标题")
