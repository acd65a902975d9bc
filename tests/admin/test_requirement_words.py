"""The schedule page warns about requirements that cannot be met and accounts for the
previewed day: required plays and campaign shares, in Chinese."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from signage.db import media
from signage.media import library

RULES = """
requirements:
  - {clip: litigation-guide, screens: [lobby], per_day: 8, time: "08:30-17:30"}
  - {clip: court-guide, screens: [lobby], per_day: 4, time: "09:00-09:01"}
campaigns:
  - {topic: anti-fraud, dates: 2026-12-01..2026-12-31, share: 30, screens: [lobby]}
"""


def test_the_schedule_page_warns_and_accounts_for_the_day(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    site = playlists_dir / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + RULES, encoding="utf-8")
    instance = app.extensions["signage"]
    instance.refresh_config(force=True)
    library.enqueue(
        instance.store,
        "court-guide",
        upload="court-guide.mp4",
        original_name="guide.mp4",
        title="诉讼指南",
        created_by="wang",
        topics=["anti-fraud"],
    )
    # As preparation leaves it (the file itself is not needed to plan with it).
    with instance.store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id == "court-guide")
            .values(status="ready", file="0123abcd.mp4", duration=60.0)
        )
    page = staff.get("/admin/schedule?screen=lobby-east&at=2026-12-08T10:00").get_data(as_text=True)
    assert "第 1 条规定播放：素材“litigation-guide”不在素材库中或尚未处理完成" in page
    assert "第 2 条规定播放：“court-guide”每次 60 秒，4 次在 09:00-09:01 内放不下" in page
    assert "规定播放 litigation-guide：08:30-17:30 内播放 0 次，要求 8 次 — 未达标" in page
    assert "规定播放 court-guide：09:00-09:01 内播放 1 次，要求 4 次 — 未达标" in page
    assert "专题“反电信网络诈骗”：占播放时长" in page
    assert 'href="/admin/plan?screen=lobby-east&amp;date=2026-12-08"' in page
    # At the moment the inserted clip plays, the preview says so.
    at_insert = staff.get("/admin/schedule?screen=lobby-east&at=2026-12-08T09:00").get_data(
        as_text=True
    )
    assert "<strong>规定播放</strong>" in at_insert
    assert "视频: 诉讼指南" in at_insert
