"""Preparation decisions, decided on plain probe reports without running ffmpeg."""

from __future__ import annotations

from fractions import Fraction

import pytest

from signage.media.loudness import Loudness, parse_loudnorm_report
from signage.media.plan import DEFAULT_MAX_FRAME_RATE, fit_within, output_frame_rate, plan_video
from signage.media.probe import parse_probe
from signage.settings import load_settings

ON_TARGET = Loudness(-23.2, -6.0, 4.0, -33.2, 0.2)
TOO_LOUD = Loudness(-14.0, -1.5, 6.0, -24.0, -9.0)
SILENT = Loudness(float("-inf"), float("-inf"), 0.0, -70.0, float("inf"))


@pytest.mark.parametrize(
    ("size", "fitted"),
    [
        ((3840, 2160), (1920, 1080)),
        ((1920, 1080), (1920, 1080)),
        ((1080, 1920), (1080, 1920)),  # portrait keeps its height for portrait screens
        ((2160, 3840), (1080, 1920)),
        ((640, 480), (640, 480)),  # never enlarged
        ((4000, 3000), (1440, 1080)),
        ((2400, 1600), (1620, 1080)),
        ((5000, 1000), (1920, 384)),
    ],
)
def test_sizes_fit_the_box_turned_to_their_orientation(size, fitted):
    assert fit_within(*size) == fitted


def test_even_sizes_never_grow_past_the_original():
    assert fit_within(321, 241, even=True) == (320, 240)
    assert fit_within(1, 1, even=True) == (2, 2)
    assert fit_within(3841, 2161, even=True) == (1920, 1080)
    assert fit_within(1081, 1921, even=True) == (1080, 1920)


def _info(**video: object):
    audio = video.pop(
        "audio", {"codec_name": "aac", "profile": "LC", "channels": 2, "sample_rate": "48000"}
    )
    stream = {
        "index": 0,
        "codec_type": "video",
        "codec_name": "h264",
        "profile": "High",
        "pix_fmt": "yuv420p",
        "width": 1280,
        "height": 720,
        "avg_frame_rate": "25/1",
        "r_frame_rate": "25/1",
        "sample_aspect_ratio": "1:1",
        **video,
    }
    streams = [stream]
    if audio:
        streams.append({"index": 1, "codec_type": "audio", **audio})
    return parse_probe(
        {
            "format": {
                "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
                "duration": "30",
                "bit_rate": "3000000",
            },
            "streams": streams,
        }
    )


def test_a_conforming_clip_is_only_remuxed():
    plan = plan_video(_info(), ON_TARGET)

    assert plan.copy_video and plan.audio == "copy" and plan.remux_only
    assert (plan.width, plan.height) == (1280, 720)
    assert plan.reasons == ()


def test_encoding_can_be_forced():
    plan = plan_video(_info(), ON_TARGET, force_encode=True)

    assert not plan.copy_video and plan.audio == "normalise"
    assert plan.reasons == ("encoding was asked for",)


def test_main_profile_is_copied_but_baseline_is_not():
    assert plan_video(_info(profile="Main"), ON_TARGET).copy_video
    baseline = plan_video(_info(profile="Constrained Baseline"), ON_TARGET)
    assert not baseline.copy_video
    assert baseline.reasons == ("H.264 profile Constrained Baseline is not High or Main",)


def test_good_picture_with_loud_sound_keeps_the_picture_and_levels_the_sound():
    plan = plan_video(_info(), TOO_LOUD)

    assert plan.copy_video and plan.audio == "normalise" and not plan.remux_only


def test_silent_sound_is_converted_but_never_levelled():
    mono = {"codec_name": "aac", "profile": "LC", "channels": 1, "sample_rate": "44100"}
    assert plan_video(_info(audio=mono), SILENT).audio == "encode"
    assert plan_video(_info(), SILENT).audio == "copy"


def test_no_sound_means_no_sound_track():
    assert plan_video(_info(audio=None), None).audio == "none"


CONFORMING_SOUND = {"codec_name": "aac", "profile": "LC", "channels": 2, "sample_rate": "48000"}


def test_sound_running_past_the_picture_is_encoded_and_cut_at_its_end():
    # A camera's clip: the picture ends at 5.32 s, its sound 32 ms later.
    late = plan_video(
        _info(duration="5.32", audio={**CONFORMING_SOUND, "duration": "5.352"}), ON_TARGET
    )
    assert late.copy_video and late.audio == "encode" and late.sound_end == pytest.approx(5.32)

    even = plan_video(
        _info(duration="5.32", audio={**CONFORMING_SOUND, "duration": "5.32"}), ON_TARGET
    )
    assert even.audio == "copy" and even.remux_only and even.sound_end is None


def test_levelled_sound_is_always_cut_at_the_picture_end():
    # loudnorm pads its last block of 100 ms: the sound would run on past the picture.
    plan = plan_video(
        _info(duration="5.32", audio={**CONFORMING_SOUND, "duration": "5.3"}), TOO_LOUD
    )
    assert plan.audio == "normalise" and plan.sound_end == pytest.approx(5.32)


def test_stream_ends_count_from_the_file_start_in_indexed_containers_only():
    streams = [
        {"index": 0, "codec_type": "video", "codec_name": "h264", "width": 320, "height": 180,
         "start_time": "0.080", "duration": "2.000"},
        {"index": 1, "codec_type": "audio", "codec_name": "aac", "start_time": "0.040",
         "duration": "2.100"},
    ]  # fmt: skip
    mp4 = parse_probe(
        {"format": {"format_name": "mov,mp4", "start_time": "0.040"}, "streams": streams}
    )
    assert (mp4.picture_end, mp4.sound_end) == (pytest.approx(2.04), pytest.approx(2.1))
    # MPEG-PS and other unindexed files estimate stream lengths from the bit rate.
    mpeg = parse_probe(
        {"format": {"format_name": "mpeg", "start_time": "0.040"}, "streams": streams}
    )
    assert (mpeg.picture_end, mpeg.sound_end) == (None, None)


@pytest.mark.parametrize(
    ("video", "reason"),
    [
        ({"codec_name": "hevc", "profile": "Main"}, "video codec hevc is not H.264"),
        ({"pix_fmt": "yuv422p"}, "pixel format yuv422p is not yuv420p"),
        ({"width": 3840, "height": 2160}, "3840×2160 is larger than 1920×1080"),
        ({"sample_aspect_ratio": "4:3"}, "pixels are not square (sample aspect 4/3)"),
        ({"tags": {"rotate": "90"}}, "the picture is rotated by 90°"),
        ({"field_order": "tt"}, "the picture is interlaced"),
        ({"avg_frame_rate": "60/1", "r_frame_rate": "60/1"}, "frame rate 60 is above the limit"),
        ({"avg_frame_rate": "0/0", "r_frame_rate": "0/0"}, "the frame rate is unknown"),
        ({"color_transfer": "arib-std-b67"}, "HDR (HLG) tone-mapped to SDR"),
        ({"color_transfer": "smpte2084"}, "HDR (PQ) tone-mapped to SDR"),
        ({"color_space": "smpte170m"}, "colours (matrix smpte170m) converted to BT.709"),
        ({"color_primaries": "bt2020"}, "colours (primaries bt2020) converted to BT.709"),
        ({"color_range": "pc"}, "colours (range pc) converted to BT.709"),
    ],
)
def test_each_problem_forces_an_encode_and_says_why(video, reason):
    plan = plan_video(_info(**video), ON_TARGET)

    assert not plan.copy_video
    assert plan.reasons[0].startswith(reason)


def test_encoded_size_applies_sample_aspect_and_rotation():
    assert (lambda p: (p.width, p.height))(
        plan_video(_info(width=720, height=576, sample_aspect_ratio="16:15"), None)
    ) == (768, 576)
    rotated = plan_video(_info(width=3840, height=2160, tags={"rotate": "90"}), None)
    assert (rotated.width, rotated.height) == (1080, 1920)


@pytest.mark.parametrize(
    ("average", "nominal", "expected"),
    [
        ("25/1", "25/1", Fraction(25)),
        ("30000/1001", "30000/1001", Fraction(30000, 1001)),
        ("2900/100", "30/1", Fraction(30)),  # a phone's variable rate: its base rate
        ("1700/100", "30/1", Fraction(30)),
        ("2950/100", "1000/1", Fraction(30000, 1001)),  # millisecond clock: nearest common
        ("1700/100", "1000/1", Fraction(17)),  # nothing common: rounded
        ("60/1", "60/1", Fraction(30)),  # every other frame: same speed, even motion
        ("50/1", "50/1", Fraction(25)),
        ("60000/1001", "60000/1001", Fraction(30000, 1001)),
        ("120/1", "120/1", Fraction(30)),
        ("0/0", "0/0", Fraction(25)),
    ],
)
def test_output_frame_rate(average, nominal, expected):
    info = _info(avg_frame_rate=average, r_frame_rate=nominal)
    assert output_frame_rate(info) == expected


def test_the_frame_rate_cap_is_an_argument():
    fast = _info(avg_frame_rate="60/1", r_frame_rate="60/1")

    assert output_frame_rate(fast, max_frame_rate=60) == 60
    assert plan_video(fast, ON_TARGET, max_frame_rate=60).copy_video
    assert not plan_video(fast, ON_TARGET).copy_video
    assert load_settings(environ={}).max_frame_rate == DEFAULT_MAX_FRAME_RATE == 30


def test_clips_at_the_cap_are_still_copied():
    at_cap = _info(avg_frame_rate="30/1", r_frame_rate="30/1")
    ntsc = _info(avg_frame_rate="30000/1001", r_frame_rate="30000/1001")

    assert plan_video(at_cap, ON_TARGET).remux_only and plan_video(ntsc, ON_TARGET).remux_only


@pytest.mark.parametrize(
    ("labels", "colours"),
    [
        ({}, "tag"),  # unlabelled: taken as BT.709 and labelled so
        ({"color_primaries": "bt709", "color_transfer": "bt709", "color_space": "bt709"}, "tag"),
        ({"color_transfer": "smpte170m", "color_range": "tv"}, "tag"),  # BT.709's own curve
        ({"color_primaries": "unknown", "color_space": "reserved"}, "tag"),
        ({"color_primaries": "bt2020", "color_transfer": "arib-std-b67"}, "tone_map"),
        ({"color_space": "bt470bg"}, "convert"),
    ],
)
def test_colours_are_labelled_converted_or_tone_mapped(labels, colours):
    plan = plan_video(_info(**labels), ON_TARGET)

    assert plan.colours == colours
    assert plan.copy_video == (colours == "tag")


def test_the_loudnorm_report_is_read_from_the_end_of_stderr():
    stderr = """frame=  50 fps=0.0 q=-0.0 Lsize=N/A time=00:00:02.00
[Parsed_loudnorm_0 @ 0x55d0] \n{\n\t"input_i" : "-inf",\n\t"input_tp" : "-inf",
\t"input_lra" : "0.00",\n\t"input_thresh" : "-70.00",\n\t"output_i" : "-inf",
\t"normalization_type" : "linear",\n\t"target_offset" : "inf"\n}\n"""
    loudness = parse_loudnorm_report(stderr)

    assert loudness is not None and loudness.silent and loudness.on_target
    assert parse_loudnorm_report("no report here") is None
