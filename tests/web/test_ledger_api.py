"""Topics on media, the day's plan of a screen, and the 普法 ledger counted from real plays."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook

from signage.media import library
from signage.programme.segments import day_plan
from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

REQUIREMENTS = """
requirements:
  - {clip: guide, screens: [lobby], per_day: 8, time: "08:30-17:30"}
campaigns:
  - {topic: anti-fraud, dates: 2026-11-01..2026-11-30, share: 30, screens: [lobby-east]}
"""


def tag_fraud_tip(app: Flask, playlists_dir: Path, site_extra: str = "") -> None:
    """Give the demo's anti-fraud tip (daytime#5) its topic, and add to site.yaml."""
    daytime = playlists_dir / "daytime.yaml"
    text = daytime.read_text(encoding="utf-8")
    tip = "请拨打 12368 核实。\n    seconds: 15\n"
    assert tip in text
    daytime.write_text(text.replace(tip, tip + "    topics: [anti-fraud]\n"), encoding="utf-8")
    site = playlists_dir / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + site_extra, encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)


def add_media(app: Flask, media_id: str, topics: list[str] | None = None) -> None:
    """A library row as an upload leaves it (queued: the ledger needs no prepared file)."""
    library.enqueue(
        app.extensions["signage"].store,
        media_id,
        upload=f"{media_id}.mp4",
        original_name=f"{media_id}.mp4",
        title=f"{media_id} 标题",
        created_by="test",
        topics=topics,
    )


def test_topics_are_declared_ones_and_survive_a_retitle(
    app: Flask, api: Api, editor_token: str
) -> None:
    add_media(app, "film")
    refused = api.patch("/media/film", editor_token, json={"topics": ["anti-fraud", "fraud"]})
    assert refused.status_code == 422
    assert error_of(refused)["code"] == "unknown_topic"
    assert "'fraud'" in error_of(refused)["message"]
    assert "anti-fraud (反电信网络诈骗)" in error_of(refused)["message"]  # the declared ones
    assert api.get("/media/film", editor_token).get_json()["topics"] == []
    changed = api.patch("/media/film", editor_token, json={"topics": ["minors", "anti-fraud"]})
    assert changed.status_code == 200 and changed.get_json()["topics"] == ["minors", "anti-fraud"]
    retitled = api.patch("/media/film", editor_token, json={"title": "反诈宣传片"})
    assert retitled.get_json()["title"] == "反诈宣传片"
    assert retitled.get_json()["topics"] == ["minors", "anti-fraud"]
    assert api.patch("/media/gone", editor_token, json={"topics": []}).status_code == 404
    assert api.patch("/media/film", editor_token, json={"colour": "red"}).status_code == 422
    assert api.patch("/media/film", json={"topics": []}).status_code == 401


def test_the_plan_api_lists_the_day_as_the_programme_walks_it(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path
) -> None:
    tag_fraud_tip(app, playlists_dir)
    answer = api.get("/screens/lobby-east/plan", editor_token, query_string={"date": "2026-12-08"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["screen"] == "lobby-east" and body["date"] == "2026-12-08"
    instance = app.extensions["signage"]
    config = instance.screens.config()
    expected = day_plan(config, "lobby-east", dt.date(2026, 12, 8), instance.screens.media_facts())
    assert [p["item"] for p in body["plays"]] == [p.planned.key for p in expected]
    assert body["plays"][0]["start"].startswith("2026-12-08T00:00:00")
    fraud = next(p for p in body["plays"] if p["title"] == "谨防以法院名义诈骗")
    assert fraud["topics"] == ["anti-fraud"] and fraud["type"] == "tip"
    bad = api.get("/screens/lobby-east/plan", editor_token, query_string={"date": "12/08"})
    assert bad.status_code == 422
    assert api.get("/screens/nowhere/plan", editor_token).status_code == 404


def plays_of(rows: list[tuple[str, str, str | None, str, float]]) -> list[dict]:
    return [
        {"id": f"p{n}", "item": item, "type": kind, "started_at": at, "seconds": seconds}
        | ({"media": media} if media else {})
        for n, (item, kind, media, at, seconds) in enumerate(rows)
    ]


def test_the_ledger_counts_posted_plays_by_topic_unit_and_month(
    app: Flask, api: Api, editor_token: str, screen_key, playlists_dir: Path
) -> None:
    tag_fraud_tip(app, playlists_dir, REQUIREMENTS)
    add_media(app, "guide", ["civil-code"])
    add_media(app, "fraud-film", ["anti-fraud"])
    # lobby-east plays the guide 8 times in the window on 12-08; lobby-west only 4 (it was
    # off in the afternoon). A fraud tip (topic from the playlist item) plays on both.
    east = [
        ("daytime#0", "video", "guide", f"2026-11-24T{9 + h:02d}:00:00+08:00", 60.0)
        for h in range(8)
    ]
    east += [("daytime#5", "tip", None, "2026-11-24T08:00:00+08:00", 15.0)]
    east += [("daytime#0", "video", "fraud-film", "2026-10-30T10:00:00+08:00", 120.0)]
    west = [
        ("daytime#0", "video", "guide", f"2026-11-24T{9 + h:02d}:00:00+08:00", 60.0)
        for h in range(4)
    ]
    west += [("daytime#5", "tip", None, "2026-11-24T09:30:00+08:00", 15.0)]
    for screen, rows in (("lobby-east", east), ("lobby-west", west)):
        sent = api.post(
            f"/screens/{screen}/plays",
            query_string={"key": screen_key(screen)},
            json={"plays": plays_of(rows)},
        )
        assert sent.status_code == 200, sent.get_json()
    # Later edits change nothing already counted: the fraud tip moves and the film is retagged.
    api.patch("/media/fraud-film", editor_token, json={"topics": ["minors"]})
    daytime = playlists_dir / "daytime.yaml"
    head, items = daytime.read_text(encoding="utf-8").split("items:\n")
    entries = ["  - " + entry for entry in items.split("  - ") if entry.strip()]
    reordered = head + "items:\n" + "".join(reversed(entries))
    daytime.write_text(reordered, encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)
    moved = app.extensions["signage"].screens.config().playlists["daytime"].items
    assert moved[5].topics == () and any(item.topics == ("anti-fraud",) for item in moved)
    answer = api.get(
        "/reports/ledger", editor_token, query_string={"from": "2026-10-01", "to": "2026-11-30"}
    )
    assert answer.status_code == 200, answer.get_json()
    rows = {(r["topic"], r["unit"], r["month"]): r for r in answer.get_json()["rows"]}
    # Hand count: civil-code 12 guide plays of 60 s in November on two screens.
    civil = rows[("civil-code", None, "2026-11")]
    assert (civil["plays"], civil["airtime_seconds"], civil["screens"]) == (12, 720.0, 2)
    assert civil["unit_name"] == "本院" and civil["topic_name"] == "民法典" and civil["items"] == 1
    fraud_nov = rows[("anti-fraud", None, "2026-11")]
    assert (fraud_nov["plays"], fraud_nov["airtime_seconds"]) == (2, 30.0)
    fraud_oct = rows[("anti-fraud", None, "2026-10")]
    assert (fraud_oct["plays"], fraud_oct["airtime_seconds"], fraud_oct["screens"]) == (1, 120.0, 1)
    assert set(rows) == {
        ("civil-code", None, "2026-11"),
        ("anti-fraud", None, "2026-11"),
        ("anti-fraud", None, "2026-10"),
    }
    days = {
        (d["screen"], d["day"]): d
        for d in answer.get_json()["requirements"]
        if d["day"] == "2026-11-24"
    }
    assert days[("lobby-east", "2026-11-24")]["met"] is True
    west_day = days[("lobby-west", "2026-11-24")]
    assert (west_day["met"], west_day["played"], west_day["required"]) == (False, 4, 8)
    campaign = answer.get_json()["campaigns"][0]
    assert campaign["screen"] == "lobby-east" and campaign["wanted"] == 30
    assert campaign["reached"] == round(100 * 15 / (8 * 60 + 15), 1)  # only November counts

    by_screen = api.get(
        "/reports/ledger",
        editor_token,
        query_string={"from": "2026-10-01", "to": "2026-11-30", "by": "screen"},
    ).get_json()["rows"]
    civil_west = next(
        r for r in by_screen if r["topic"] == "civil-code" and r["screen"] == "lobby-west"
    )
    assert civil_west["plays"] == 4 and civil_west["screen_name"] == "诉讼服务中心西侧大屏"

    workbook = api.get(
        "/reports/ledger",
        editor_token,
        query_string={"from": "2026-10-01", "to": "2026-11-30", "format": "xlsx"},
    )
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == [
        "汇总",
        "2026-10月",
        "2026-11月",
        "规定播放",
        "专题占比",
        "开机时长",
        "屏幕画面",
    ]
    assert len(book["汇总"]._charts) == 1
    november = list(book["2026-11月"].iter_rows(values_only=True))
    assert november[0][:3] == ("月份", "普法主题", "单位")
    assert ("2026-11", "民法典", "本院") in {row[:3] for row in november}
    missed = [r for r in book["规定播放"].iter_rows(values_only=True) if r[5] == "否"]
    assert any(r[1] == "诉讼服务中心西侧大屏" and r[4] == 4 for r in missed)


def test_the_workbook_samples_one_picture_per_screen_and_day_of_the_period(
    app: Flask, api: Api, editor_token: str
) -> None:
    from PIL import Image

    from signage.screens.snapshots import store_snapshot

    store = app.extensions["signage"].store
    zone = dt.timezone(dt.timedelta(hours=8))
    for screen, day, hour, colour in (
        ("lobby-east", 24, 9, "red"),
        ("lobby-east", 24, 15, "blue"),  # the same day: the first picture stands for it
        ("lobby-east", 25, 9, "green"),
        ("lobby-west", 24, 10, "white"),
        ("lobby-west", 30, 23, "black"),  # the night after the period ends (site time)
    ):
        picture = io.BytesIO()
        Image.new("RGB", (192, 108), colour).save(picture, "JPEG")
        moment = dt.datetime(2026, 11, day, hour, 30, tzinfo=zone)
        if day == 30:
            moment += dt.timedelta(hours=1)  # 2026-12-01 00:30 in Beijing
        store_snapshot(store, screen, picture.getvalue(), moment)

    workbook = api.get(
        "/reports/ledger",
        editor_token,
        query_string={"from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(workbook.data))["屏幕画面"]
    listed = [row[:3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert listed == [
        ("诉讼服务中心东侧大屏", "2026-11-24 09:30", "lobby-east"),
        ("诉讼服务中心西侧大屏", "2026-11-24 10:30", "lobby-west"),
        ("诉讼服务中心东侧大屏", "2026-11-25 09:30", "lobby-east"),
    ]
    assert len(sheet._images) == 3


def test_ledger_csv_neutralises_formulas_and_bad_arguments_are_refused(
    app: Flask, api: Api, editor_token: str, screen_key, playlists_dir: Path
) -> None:
    site = playlists_dir / "site.yaml"
    text = site.read_text(encoding="utf-8").replace("民法典", "=HYPERLINK(1)")
    site.write_text(text, encoding="utf-8")
    app.extensions["signage"].refresh_config(force=True)
    add_media(app, "code-film", ["civil-code"])
    rows = [("daytime#0", "video", "code-film", "2026-11-24T10:00:00+08:00", 30.0)]
    api.post(
        "/screens/lobby-east/plays",
        query_string={"key": screen_key("lobby-east")},
        json={"plays": plays_of(rows)},
    )
    csv_answer = api.get(
        "/reports/ledger",
        editor_token,
        query_string={"from": "2026-11-01", "to": "2026-11-30", "format": "csv"},
    )
    text = csv_answer.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("月份,普法主题,单位")
    assert "'=HYPERLINK(1)" in text
    workbook = api.get(
        "/reports/ledger",
        editor_token,
        query_string={"from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"},
    )
    book = load_workbook(io.BytesIO(workbook.data))
    cells = [cell for row in book["2026-11月"].iter_rows(values_only=True) for cell in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    for query, code in (
        ({"by": "court"}, "bad_argument"),
        ({"format": "pdf"}, "bad_argument"),
        ({"from": "2026-12-31", "to": "2026-12-01"}, "bad_range"),
        ({"from": "2025-01-01", "to": "2026-12-31"}, "bad_range"),
    ):
        refused = api.get("/reports/ledger", editor_token, query_string=query)
        assert refused.status_code == 422 and error_of(refused)["code"] == code
    assert api.get("/reports/ledger").status_code == 401


def test_a_required_play_is_known_to_the_plays_report(
    app: Flask, api: Api, editor_token: str, screen_key, playlists_dir: Path
) -> None:
    tag_fraud_tip(app, playlists_dir, REQUIREMENTS)
    rows = [("required#0", "video", "guide", "2026-11-24T10:00:00+08:00", 60.0)]
    sent = api.post(
        "/screens/lobby-east/plays",
        query_string={"key": screen_key("lobby-east")},
        json={"plays": plays_of(rows)},
    )
    assert sent.get_json()["unknown_items"] == []
    report = api.get(
        "/reports/plays", editor_token, query_string={"from": "2026-11-24", "to": "2026-11-24"}
    ).get_json()["rows"]
    assert [(r["item"], r["in_config"]) for r in report] == [("required#0", True)]
