"""Fast phone clips: the frame rate is capped by halving it, and the clip keeps its speed."""

from __future__ import annotations

import pytest

from signage.media.prepare import prepare_video
from tests.media.test_prepare_video import assert_screen_ready

pytestmark = pytest.mark.slow


def test_a_60_fps_phone_clip_plays_at_30_at_its_own_speed(
    vertical_60fps_mov, tmp_path, binaries, inspect
):
    result = prepare_video(vertical_60fps_mov, tmp_path, binaries, preset="superfast")

    assert result.plan is not None
    assert "frame rate 60 is above the limit of 30" in result.plan.reasons
    assert_screen_ready(result, inspect, (180, 320), audio=True)
    video = inspect.stream(result.path, "video")
    assert video["avg_frame_rate"] == video["r_frame_rate"] == "30/1"
    assert int(video["nb_frames"]) == 30
    source_seconds = inspect.video_seconds(vertical_60fps_mov)
    assert abs(inspect.video_seconds(result.path) - source_seconds) <= 1 / 30


def test_the_frame_rate_cap_is_a_setting(vertical_60fps_mov, tmp_path, binaries, inspect):
    result = prepare_video(
        vertical_60fps_mov, tmp_path, binaries, preset="superfast", max_frame_rate=60
    )

    video = inspect.stream(result.path, "video")
    assert video["avg_frame_rate"] == "60/1" and int(video["nb_frames"]) == 60
