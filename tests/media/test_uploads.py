"""Receiving multipart uploads chunk by chunk, straight to disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from signage.errors import SignageError
from signage.media.uploads import check_disk_space, receive_multipart, stored_name
from signage.phrases import N_

BOUNDARY = "----signage-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def form(fields: dict[str, str], filename: str | None, content: bytes) -> bytes:
    """A multipart/form-data body as browsers send it: fields first, then the file."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    if filename is not None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: video/mp4\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class Trickle(io.RawIOBase):
    """A request body arriving in small, uneven pieces, as from a slow network."""

    def __init__(self, data: bytes, piece: int = 997) -> None:
        self.data, self.piece, self.at = data, piece, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.data[self.at : self.at + min(self.piece, size if size > 0 else self.piece)]
        self.at += len(chunk)
        return chunk


def test_the_file_lands_on_disk_under_an_ascii_name(tmp_path: Path):
    content = bytes(range(256)) * 4000 + b"\r\n--not-the-boundary\r\n" + b"tail"
    body = form({"id": "constitution-week", "title": "宪法宣传周"}, "宪法宣传周.MP4", content)

    upload = receive_multipart(Trickle(body), CONTENT_TYPE, tmp_path, limit_bytes=10**7)

    assert upload.path.read_bytes() == content
    assert upload.path.parent == tmp_path and upload.path.suffix == ".mp4"
    assert upload.path.name.isascii()
    assert upload.original_name == "宪法宣传周.MP4"
    assert upload.fields == {"id": "constitution-week", "title": "宪法宣传周"}
    assert upload.size == len(content)
    assert [p.name for p in tmp_path.iterdir()] == [upload.path.name]


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(tmp_path: Path):
    body = form({}, "big.mp4", b"x" * 5000)

    with pytest.raises(SignageError) as caught:
        receive_multipart(Trickle(body), CONTENT_TYPE, tmp_path, limit_bytes=4000)

    assert (caught.value.status, caught.value.code) == (413, "too_large")
    assert "SIGNAGE_MAX_UPLOAD_MB" in caught.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (form({"title": "x"}, None, b""), CONTENT_TYPE, 422, "no_file"),
        (form({}, "a.mp4", b"data")[:-30], CONTENT_TYPE, 422, "bad_upload"),
        (b'{"file": "a.mp4"}', "application/json", 415, "not_multipart"),
        (form({}, "a.mp4", b"data"), "multipart/form-data", 415, "not_multipart"),
        (form({"title": "t" * 5000}, "a.mp4", b"data"), CONTENT_TYPE, 422, "bad_upload"),
    ],
    ids=["no-file", "cut-off", "json", "no-boundary", "huge-field"],
)
def test_malformed_uploads_are_refused_in_plain_words(tmp_path, body, content_type, status, code):
    with pytest.raises(SignageError) as caught:
        receive_multipart(io.BytesIO(body), content_type, tmp_path, limit_bytes=10**6)

    assert (caught.value.status, caught.value.code) == (status, code)
    assert list(tmp_path.iterdir()) == []


def test_generated_names_keep_only_plain_extensions():
    assert stored_name("clip.MOV").endswith(".mov")
    assert "." not in stored_name("no extension")
    assert "." not in stored_name("evil.mp4;rm -rf")
    assert stored_name("a.mp4") != stored_name("a.mp4")


def test_an_upload_the_disk_cannot_hold_is_refused(tmp_path: Path):
    with pytest.raises(SignageError) as caught:
        check_disk_space(tmp_path, 10**15)

    assert (caught.value.status, caught.value.code) == (507, "disk_full")
    assert "MB free" in caught.value.message
    check_disk_space(tmp_path, 1000)


def test_a_wrong_id_sent_before_the_file_is_refused_before_the_file_is_read(tmp_path: Path):
    body = form({"id": "taken"}, "clip.mp4", b"x" * 5_000_000)
    stream = Trickle(body, piece=64 * 1024)

    def refuse_taken(fields: dict[str, str]) -> None:
        if fields.get("id") == "taken":
            raise SignageError(
                N_("there is already media with the id {media_id!r}; choose another id"),
                code="media_exists",
                status=409,
                media_id="taken",
            )

    with pytest.raises(SignageError) as refused:
        receive_multipart(
            stream, CONTENT_TYPE, tmp_path, limit_bytes=10**8, check_fields=refuse_taken
        )
    assert refused.value.status == 409
    assert stream.at < 1_000_000  # most of the 5 MB file was never read
    assert list(tmp_path.iterdir()) == []  # and nothing of it is kept
