"""节假日与调休: next year's holidays and a make-up workday added on the page, as a clerk does."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from signage.programme.schedule import resolve_segments

BEIJING = dt.timezone(dt.timedelta(hours=8))
WORKDAY_TIP = """  - tip:
      title: 工作日窗口时间
      body: 立案窗口工作日 8:30 开放。
    seconds: 15
    days: workdays
"""


def form_of(staff: FlaskClient) -> dict[str, str]:
    page = staff.get("/admin/calendar").get_data(as_text=True)
    form = page[page.index('id="calendar-add"') :]
    fields = dict(re.findall(r'name="(csrf_token|etag)" value="([^"]*)"', form))
    return fields


def add(staff: FlaskClient, kind: str, first: str, last: str = "") -> str:
    data = {**form_of(staff), "kind": kind, "first": first, "last": last}
    response = staff.post(
        "/admin/calendar", data=data, headers={"Referer": "/admin/calendar"}, follow_redirects=True
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def plays_tip(app: Flask, day: dt.date) -> bool:
    """Whether lobby-east's programme at 19:00 that day holds the workdays tip."""
    config = app.extensions["signage"].state.current
    start = dt.datetime.combine(day, dt.time(19), BEIJING)
    (segment,) = resolve_segments(config, "lobby-east", start, start + dt.timedelta(minutes=1))
    titles = [p.item.tip.title for p in segment.items if p.item.tip is not None]
    return "工作日窗口时间" in titles


def test_next_years_holidays_are_added_on_the_page(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    state = app.extensions["signage"].state
    state.today = lambda: dt.date(2026, 12, 2)
    evening = playlists_dir / "evening.yaml"
    evening.write_text(evening.read_text() + WORKDAY_TIP)
    state.refresh()
    overview = staff.get("/admin/").get_data(as_text=True)
    assert "还没有 2027 年的安排" in overview
    assert 'href="/admin/calendar"' in overview

    page = add(staff, "holidays", "2027-01-01")
    assert "2027-01-01 已加上" in page
    page = add(staff, "workdays", "2027-02-14")
    assert "调休上班" in page and "2027-02-14" in page
    text = (playlists_dir / "site.yaml").read_text()
    assert "# 宪法宣传周" in text  # the file's comments stay
    assert "holidays: [2027-01-01]" in text and "workdays: [2027-02-14]" in text

    overview = staff.get("/admin/").get_data(as_text=True)
    assert "2027" not in overview
    # New Year's Day is a Friday: the evening playlist plays all day and skips the tip;
    # Sunday 14 February is a make-up workday, and the tip plays.
    assert not plays_tip(app, dt.date(2027, 1, 1))
    assert plays_tip(app, dt.date(2027, 2, 14))


def test_a_wrong_day_is_refused_in_words_and_removed_from_the_page(
    app: Flask, staff: FlaskClient, playlists_dir: Path
) -> None:
    before = (playlists_dir / "site.yaml").read_text()
    page = add(staff, "holidays", "2027-01-05", "2027-01-01")
    assert "结束日期早于开始日期" in page
    add(staff, "closures", "2027-01-05")
    data = {**form_of(staff), "kind": "closures", "first": "2027-01-05", "last": "2027-01-05"}
    page = staff.post("/admin/calendar/remove", data=data, follow_redirects=True)
    assert "2027-01-05 已删除" in page.get_data(as_text=True)
    assert (playlists_dir / "site.yaml").read_text() == before


def test_a_stale_page_does_not_overwrite_a_newer_save(staff: FlaskClient) -> None:
    stale = form_of(staff)
    add(staff, "holidays", "2027-01-01")
    data = {**stale, "kind": "workdays", "first": "2027-02-14", "last": ""}
    refused = staff.post(
        "/admin/calendar", data=data, headers={"Referer": "/admin/calendar"}, follow_redirects=True
    )
    page = refused.get_data(as_text=True)
    assert "您打开此文件后，有人保存了它。" in page
    assert "2027-02-14" not in page.split("已列出的日期")[1].split("</table>")[0]
