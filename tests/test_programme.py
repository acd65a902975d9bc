"""The day's programme: required plays spread through their window, campaigns given their share,
and the plays walked in the order the player makes them. Pure: no Flask, no browser."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

from signage.config import Config, validate_files
from signage.config.forms import playlist_model, playlist_yaml
from signage.programme.segments import (
    MediaFact,
    Play,
    day_account,
    day_plan,
    programme_segments,
    requirement_issues,
    split_at_midnights,
    walk_anchors,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 8)  # a Tuesday
SITE = """\
site: {name: 测试法院}
topics: {anti-fraud: 反电信网络诈骗, minors: 未成年人保护}
screens:
  lobby: {name: 大厅屏}
  hall: {name: 走廊屏}
default_playlist: main
"""
# Ten items of a minute each; the clip `other` (a tenth of the airtime) is about anti-fraud.
MAIN = (
    "name: 主列表\nitems:\n"
    + "".join(f"  - tip: {{title: 提示{n}}}\n    seconds: 60\n" for n in range(9))
    + "  - clip: other\n    topics: [anti-fraud]\n"
)


def config_of(site_extra: str = "", main: str = MAIN) -> Config:
    config, issues = validate_files({"site.yaml": SITE + site_extra, "main.yaml": main})
    assert config is not None, issues
    return config


GUIDE_HOUR = "items:\n  - clip: guide\n"  # the guide alone, three minutes a day
FACTS = {
    "guide": MediaFact("video", 60.0),
    "other": MediaFact("video", 60.0),
    "fraud-film": MediaFact("video", 120.0, ("anti-fraud",)),
}


def day_plays(config: Config, screen: str = "lobby") -> list[Play]:
    return day_plan(config, screen, DAY, FACTS)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), SHANGHAI).astimezone(dt.UTC)


def test_the_walk_plays_items_in_turn_from_midnight_and_cuts_at_the_day_end() -> None:
    plays = day_plays(config_of())
    assert plays[0].start == at(0)
    keys = [p.planned.key for p in plays[:12]]
    assert keys == [f"main#{n}" for n in range(10)] + ["main#0", "main#1"]
    assert all(b.start - a.start == dt.timedelta(seconds=60) for a, b in pairwise(plays))
    assert len(plays) == 24 * 60  # ten 60-second items, each minute of the day one
    assert plays[9].topics == ("anti-fraud",)


def test_a_requirement_the_rotation_misses_is_inserted_evenly_through_its_window() -> None:
    # The guide appears in the rotation only in an hour-long segment: 3 plays in the window.
    schedule = 'schedule:\n  - {playlist: guide-hour, time: "09:00-09:03", priority: 5}\n'
    requirement = (
        'requirements:\n  - {clip: guide, screens: [lobby], per_day: 8, time: "08:30-17:30"}\n'
    )

    def with_guide_hour(site: str) -> Config:
        files = {"site.yaml": SITE + site, "main.yaml": MAIN, "guide-hour.yaml": GUIDE_HOUR}
        config, issues = validate_files(files)
        assert config is not None, issues
        return config

    unwoven, config = with_guide_hour(schedule), with_guide_hour(schedule + requirement)
    before = [p for p in day_plays(unwoven) if p.planned.item.clip == "guide"]
    assert len(before) == 3
    plays = day_plays(config)
    guide_starts = [p.start for p in plays if p.planned.item.clip == "guide"]
    inside = [s for s in guide_starts if at(8, 30) <= s < at(17, 30)]
    assert len(inside) >= 8
    edges = [at(8, 30), *inside, at(17, 30)]
    widest = max(b - a for a, b in pairwise(edges))
    assert widest <= 2 * (at(17, 30) - at(8, 30)) / 8, widest
    # Each inserted clip begins where another item ended: nothing is cut on the screen.
    assert all(p.seconds == 60 for p in plays if at(8, 30) <= p.start < at(17, 30))
    # The other screen has no requirement and is left alone.
    assert len([p for p in day_plays(config, "hall") if p.planned.item.clip == "guide"]) == 3
    account = day_account(config, "lobby", plays, DAY)
    assert [(r.clip, count) for r, count in account.required] == [("guide", len(inside))]


def test_each_segment_names_the_plans_item_at_its_start_so_a_player_joins_the_plan() -> None:
    # A manifest's stretch from 23:30 to 01:00 the next day, the guide required at 23:40.
    requirement = (
        'requirements:\n  - {clip: guide, screens: [lobby], per_day: 1, time: "23:40-23:42"}\n'
    )
    config = config_of(requirement)
    start, end = at(23, 30) + dt.timedelta(seconds=30), at(23, 30) + dt.timedelta(minutes=90)
    segments = split_at_midnights(config, programme_segments(config, "lobby", start, end, FACTS))
    midnight = at(0) + dt.timedelta(days=1)
    assert midnight in [s.start for s in segments]  # cut at midnight: the plan starts afresh
    anchors = walk_anchors(config, "lobby", segments, FACTS)
    for segment, anchor in zip(segments, anchors, strict=True):
        day = segment.start.astimezone(SHANGHAI).date()
        on = [p for p in day_plan(config, "lobby", day, FACTS) if p.start <= segment.start][-1]
        assert anchor is not None and (anchor.key, anchor.start) == (on.planned.key, on.start)
    # The first joins an item already on; the required clip's; the next day's first item.
    assert anchors[0].start == at(23, 30) < segments[0].start
    assert [a.key for a in anchors if a.key.startswith("required#")] == ["required#0"]
    assert [a.key for a in anchors if a.start == midnight] == ["main#0"]


def test_a_requirement_that_cannot_be_met_says_why() -> None:
    site = (
        "requirements:\n"
        '  - {clip: guide, per_day: 8, time: "08:30-08:35"}\n'
        "  - {clip: absent, per_day: 2}\n"
    )
    config = config_of(site)
    warnings = [str(issue) for issue in requirement_issues(config, FACTS)]
    assert warnings == [
        "site.yaml: warning: requirement #1: 8 plays of 'guide' (60 s each) do not fit in "
        "08:30-08:35; lengthen the window or lower per_day",
        "site.yaml: warning: requirement #2: the clip 'absent' is not in the library or not "
        "ready, so it cannot play 2 times a day",
    ]
    account = day_account(config, "lobby", day_plays(config), DAY)
    counts = [(r.clip, count) for r, count in account.required]
    assert counts == [("guide", 5), ("absent", 0)]  # five minutes hold five one-minute clips


def test_a_campaign_lifts_its_topic_to_its_share_of_the_airtime() -> None:
    config = config_of()

    def share(plays: list[Play]) -> float:
        on = sum(p.seconds for p in plays if "anti-fraud" in p.topics)
        return on / sum(p.seconds for p in plays)

    assert 0.09 < share(day_plays(config)) < 0.11
    campaign = (
        "campaigns:\n  - {topic: anti-fraud, dates: 2026-12-01..2026-12-31, share: 30, "
        "screens: [lobby]}\n"
    )
    lifted = config_of(campaign)
    assert share(day_plays(lifted)) >= 0.30
    assert 0.09 < share(day_plays(lifted, "hall")) < 0.11  # not one of the campaign's screens
    # Interleaved, not bunched: the topic returns within every few items.
    keys = [("anti-fraud" in p.topics) for p in day_plays(lifted)[:40]]
    runs = "".join("x" if k else "." for k in keys).split("x")
    assert max(len(run) for run in runs) <= 5
    # Outside its dates the campaign changes nothing.
    outside = config_of(campaign.replace("2026-12-01..2026-12-31", "2027-01-01..2027-01-31"))
    assert 0.09 < share(day_plays(outside)) < 0.11


def test_an_undeclared_topic_is_an_error_at_its_line() -> None:
    main = MAIN.replace("topics: [anti-fraud]", "topics: [anti-fraud, fraud]")
    config, issues = validate_files({"site.yaml": SITE, "main.yaml": main})
    assert config is None
    problem = next(i for i in issues if i.code == "unknown_topic")
    assert problem.file == "main.yaml"
    assert problem.line == main.splitlines().index("    topics: [anti-fraud, fraud]") + 1
    assert "anti-fraud, minors" in problem.message


def test_topics_move_with_their_item_when_the_playlist_form_reorders_it() -> None:
    text = (
        "name: 主列表\nitems:\n  - tip: {title: 反诈}\n    topics: [anti-fraud]\n  - clip: other\n"
    )
    model = playlist_model(text)
    assert model is not None
    model["items"].reverse()  # the editor's drag and drop sends the items in their new order
    config = config_of(main=playlist_yaml(model, text))
    items = config.playlists["main"].items
    assert (items[0].clip, items[1].topics) == ("other", ("anti-fraud",))


def test_a_topic_id_is_short_enough_for_a_campaigns_play_keys() -> None:
    long = "a" * 41
    config, issues = validate_files(
        {"site.yaml": SITE.replace("minors:", f"{long}:"), "main.yaml": MAIN}
    )
    assert config is None
    problem = next(i for i in issues if i.severity == "error")
    assert problem.line == 2 and "40" in problem.message
