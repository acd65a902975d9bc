"""Captions: .srt and .vtt in UTF-8 or GBK become clean WebVTT, served with the clip."""

from __future__ import annotations

import html
import io

import pytest
from flask import Flask

from signage.db import media, now
from signage.errors import Invalid
from signage.media import library
from signage.media.captions import to_webvtt
from signage.screens.keys import ensure_screen_key
from tests.web.api_check import Api, error_of

SRT = """1
00:00:00,500 --> 00:00:01,750
诉讼服务热线 <i>12368</i>

2
00:00:02,000 --> 00:00:03,000
网上立案 & 跨域立案
一次都不用跑
"""
VTT = "WEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:02.500 line:80%\n您好\n"


def test_srt_in_gbk_becomes_webvtt_without_markup() -> None:
    assert to_webvtt(SRT.encode("gbk"), "字幕.srt") == (
        "WEBVTT\n\n"
        "00:00:00.500 --> 00:00:01.750\n诉讼服务热线 12368\n\n"
        "00:00:02.000 --> 00:00:03.000\n网上立案 &amp; 跨域立案\n一次都不用跑\n\n"
    )


def test_vtt_in_utf8_with_a_bom_keeps_its_cues() -> None:
    assert to_webvtt(b"\xef\xbb\xbf" + VTT.encode(), "a.vtt") == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n您好\n\n"
    )


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"not captions at all\n", "a.srt", "could not be read as SRT"),
        (SRT.encode(), "a.txt", ".srt or .vtt"),
        (b"\xff\xfe\x00\xd8" * 10, "a.srt", "neither UTF-8 nor GBK"),
        (b"WEBVTT\n\n", "a.vtt", "no captions with text"),
        (b"1\n" * 600_000, "a.srt", "larger than"),
    ],
)
def test_what_is_not_captions_is_refused_in_plain_words(
    content: bytes, name: str, words: str
) -> None:
    with pytest.raises(Invalid) as refused:
        to_webvtt(content, name)
    assert words in refused.value.message


def _clip(app: Flask, media_id: str, kind: str) -> None:
    store = app.extensions["signage"].store
    moment = now()
    with store.engine.begin() as conn:
        conn.execute(
            media.insert().values(
                id=media_id,
                kind=kind,
                title=media_id,
                status="queued",
                progress=0.0,
                created_at=moment,
                updated_at=moment,
            )
        )


def _send(api: Api, token: str, media_id: str, content: bytes, name: str):
    data = {"file": (io.BytesIO(content), name)}
    return api.post(
        f"/media/{media_id}/captions", token, data=data, content_type="multipart/form-data"
    )


def test_captions_upload_is_served_to_screens_and_can_be_removed(
    app: Flask, api: Api, editor_token: str
) -> None:
    _clip(app, "anti-fraud", "video")  # still queued: captions may come with the clip
    sent = _send(api, editor_token, "anti-fraud", SRT.encode("gbk"), "反诈.srt")
    assert sent.status_code == 200
    url = sent.get_json()["captions_url"]
    assert url.startswith("/media/files/") and url.endswith(".vtt")
    assert api.get("/media/anti-fraud", editor_token).get_json()["captions_url"] == url
    signage = app.extensions["signage"]
    key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
    client = app.test_client()
    assert client.get(url).status_code == 401
    with client.get(url, headers={"X-Screen-Key": key}) as served:
        assert served.status_code == 200 and served.mimetype == "text/vtt"
        assert "诉讼服务热线 12368" in served.get_data(as_text=True)
    audit = [row["action"] for row in library_audit(app)]
    assert "media.captions" in audit

    removed = api.delete("/media/anti-fraud/captions", editor_token)
    assert removed.status_code == 200 and removed.get_json()["captions_url"] is None
    assert api.get("/media/anti-fraud", editor_token).get_json()["captions_url"] is None
    assert client.get(url, headers={"X-Screen-Key": key}).status_code == 404


def library_audit(app: Flask) -> list[dict]:
    import sqlalchemy as sa

    from signage.db import audit_log

    with app.extensions["signage"].store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(audit_log)).mappings()]


def test_bad_captions_pictures_unknown_clips_and_strangers_are_refused(
    app: Flask, api: Api, editor_token: str
) -> None:
    _clip(app, "poster", "image")
    _clip(app, "anti-fraud", "video")
    assert error_of(_send(api, editor_token, "poster", SRT.encode(), "a.srt"))["code"] == (
        "not_a_clip"
    )
    assert error_of(_send(api, editor_token, "nobody", SRT.encode(), "a.srt"))["code"] == (
        "not_found"
    )
    bad = _send(api, editor_token, "anti-fraud", b"<html>", "../../etc/passwd.srt")
    assert bad.status_code == 422 and error_of(bad)["code"] == "bad_captions"
    assert _send(api, "", "anti-fraud", SRT.encode(), "a.srt").status_code == 401
    # Encoded by hand: the test client would spool a large form to a file it never closes.
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.srt"\r\n\r\n'
    huge = api.post(
        "/media/anti-fraud/captions",
        editor_token,
        data=head + b"x" * (2 * 1024 * 1024) + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert huge.status_code == 413
    assert library.media_row(app.extensions["signage"].store, "anti-fraud")["captions"] is None


def test_entities_of_a_vtt_are_the_words_they_stand_for() -> None:
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nTom &amp; Jerry &lt;3\n"
    assert to_webvtt(vtt.encode(), "a.vtt").endswith("Tom &amp; Jerry &lt;3\n\n")
    # as a browser reads the stored file: the entities once, so the screen shows the words
    assert html.unescape(to_webvtt(vtt.encode(), "a.vtt").split("\n")[3]) == "Tom & Jerry <3"


def test_a_time_past_59_minutes_or_seconds_is_refused() -> None:
    srt = "1\n00:61:01,000 --> 00:62:00,000\n文字\n"
    with pytest.raises(Invalid):
        to_webvtt(srt.encode(), "a.srt")


def test_captions_past_the_clips_end_are_refused() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n开头\n\n2\n00:05:00,000 --> 00:05:02,000\n结尾\n"
    assert "开头" in to_webvtt(srt.encode(), "a.srt", clip_seconds=400)
    with pytest.raises(Invalid) as refused:
        to_webvtt(srt.encode(), "a.srt", clip_seconds=60)
    assert "after the clip ends" in refused.value.message
