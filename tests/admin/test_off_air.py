"""A playlist that higher rules keep off the screens is told when it first plays."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from signage.programme.unplayed import first_play
from signage.web.admin.schedule_words import off_air_warning

BEIJING = dt.timezone(dt.timedelta(hours=8))
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING)  # inside Constitution Week


def test_the_constitution_week_hides_the_daytime_playlist_until_the_8th(app: Flask) -> None:
    config = app.extensions["signage"].state.current
    found = first_play(config, "daytime", 1, WEDNESDAY, 14)
    assert found is not None and found.screen == "lobby-east"
    assert found.at == dt.datetime(2026, 12, 8, 8, 30, tzinfo=BEIJING)
    assert found.held_by == ("constitution-week", "evening")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert off_air_warning(config, "daytime", WEDNESDAY) == (
            "12-08 08:30 起才播放（最早在诉讼服务中心东侧大屏）；在此之前屏幕播放"
            "《宪法宣传周专题》、《夜间及节假日轮播》。"
        )
        assert off_air_warning(config, "evening", WEDNESDAY) is None  # tonight at 18:00
        later = WEDNESDAY + dt.timedelta(days=20)  # nothing schedules the week's playlist
        assert "今后 14 天内" in off_air_warning(config, "constitution-week", later)
