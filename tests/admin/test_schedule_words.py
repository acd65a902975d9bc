"""The schedule page says in Chinese why each rule plays or not, on the week and the preview."""

from __future__ import annotations

import html
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

# 2026-11-30 is a Monday and an official workday; 11-28 a Saturday; 12-01..07 is the
# Constitution Week of the demo schedule.
PAGE = "/admin/schedule?screen=lobby-east&week=2026-11-30&at="


def verdicts(staff: FlaskClient, at: str) -> str:
    answer = staff.get(PAGE + at)
    assert answer.status_code == 200
    return html.unescape(answer.get_data(as_text=True))


def test_each_rule_says_why_in_the_clerks_words(staff: FlaskClient) -> None:
    noon = verdicts(staff, "2026-11-30T12:00")
    assert 'title="生效中，优先级 10"' in noon  # the daytime rule
    assert "仅在 2026-12-01 至 2026-12-07 生效" in noon  # Constitution Week, not yet
    assert "生效中，但规则 #2（日间普法轮播）的优先级 10 更高" in noon  # the evening rule
    assert "08:30–17:30 日间普法轮播 (由规则 #2 决定)" in noon  # a bar of the week
    assert "仅在 法定工作日 生效" in verdicts(staff, "2026-11-28T12:00")
    assert "仅在 08:30-17:30 生效" in verdicts(staff, "2026-11-30T20:00")
    for english in ("active, priority", "only on", "only during", "default_playlist", "rule #"):
        assert english not in noon


def test_a_rule_that_sets_a_layout_shows_it_drawn(
    app: Flask, playlists_dir: Path, staff: FlaskClient
) -> None:
    site = playlists_dir / "site.yaml"
    text = site.read_text(encoding="utf-8")
    rule = '    time: "08:30-17:30"\n    priority: 10\n'
    assert rule in text
    site.write_text(text.replace(rule, rule + "    layout: portrait-split\n", 1), "utf-8")
    signage = app.extensions["signage"]
    assert signage.refresh_config(force=True) == "loaded"
    config = signage.screens.config()
    assert config.site_file.schedule[1].layout == "portrait-split"
    page = verdicts(staff, "2026-11-30T12:00")
    drawn = page.split('<p class="rule-layout">', 1)[1].split("</p>", 1)[0]
    assert 'data-layout="portrait-split"' in drawn and "上节目、下开庭公告" in drawn
    assert page.count('<p class="rule-layout">') == 1
