"""The schedule engine: examples staff care about, and properties against a brute force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signage.config import Config, load_folder, validate_files
from signage.programme.schedule import explain, resolve_segments

DEMO = Path(__file__).resolve().parent.parent / "playlists"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def demo() -> Config:
    config, issues = load_folder(DEMO)
    assert config is not None, issues
    return config


def at(zone: ZoneInfo, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone)


def local(moment: dt.datetime, pattern: str = "%H:%M", zone: ZoneInfo = SHANGHAI) -> str:
    return moment.astimezone(zone).strftime(pattern)


def playing(config: Config, screen: str, moment: dt.datetime) -> tuple[str, ...]:
    segments = resolve_segments(config, screen, moment, moment + dt.timedelta(minutes=1))
    return segments[0].playlists


def test_constitution_week_beats_daytime_in_the_lobby() -> None:
    config = demo()
    assert playing(config, "lobby-east", at(SHANGHAI, 2026, 12, 4, 10)) == ("constitution-week",)
    assert playing(config, "lobby-east", at(SHANGHAI, 2026, 11, 27, 10)) == ("daytime",)
    assert playing(config, "lobby-east", at(SHANGHAI, 2026, 11, 27, 20)) == ("evening",)
    assert playing(config, "tribunal-2", at(SHANGHAI, 2026, 11, 27, 9)) == ("tribunal",)
    verdicts = {
        v.rule.playlist: v for v in explain(config, "lobby-east", at(SHANGHAI, 2026, 12, 4, 10))
    }
    assert verdicts["constitution-week"].outcome == "wins"
    assert verdicts["daytime"].outcome == "loses"
    assert "below 20" in verdicts["daytime"].reason


def test_official_calendar_national_day_and_make_up_workday() -> None:
    config = demo()
    # 2026-10-01 is a Thursday but a public holiday; 2026-10-10 is a Saturday make-up workday.
    assert playing(config, "lobby-east", at(SHANGHAI, 2026, 10, 1, 10)) == ("evening",)
    assert playing(config, "lobby-east", at(SHANGHAI, 2026, 10, 10, 10)) == ("daytime",)
    verdict = next(
        v
        for v in explain(config, "lobby-east", at(SHANGHAI, 2026, 10, 1, 10))
        if v.rule.playlist == "daytime"
    )
    assert verdict.outcome == "inactive"
    assert "workdays" in verdict.reason


def test_a_day_of_the_demo_has_the_expected_segments() -> None:
    config = demo()
    start = at(SHANGHAI, 2026, 11, 30)
    segments = resolve_segments(config, "lobby-east", start, start + dt.timedelta(days=1))
    assert [(local(s.start), local(s.end), s.playlists) for s in segments] == [
        ("00:00", "08:30", ("evening",)),
        ("08:30", "17:30", ("daytime",)),
        ("17:30", "00:00", ("evening",)),
    ]
    daytime = segments[1]
    assert "daytime#7" in [p.key for p in daytime.items]  # the poster is dated up to Dec 7
    later = resolve_segments(
        config, "lobby-east", at(SHANGHAI, 2026, 12, 9, 9), at(SHANGHAI, 2026, 12, 9, 10)
    )
    assert "daytime#7" not in [p.key for p in later[0].items]


SITE = """site:
  name: 测试法院
  timezone: {zone}
screens:
  s1:
    groups: [g]
schedule:
{rules}
{default}
"""


def site_yaml(zone: str, rules: list[str], default: str | None) -> str:
    return SITE.format(
        zone=zone,
        rules="\n".join(rules) or "  []",
        default=f"default_playlist: {default}" if default else "",
    )


def test_ties_play_in_turn_and_windows_cross_midnight() -> None:
    rules = [
        '  - playlist: a\n    screens: [g]\n    time: "22:00-02:00"\n    days: fri\n'
        "    priority: 5",
        '  - playlist: b\n    screens: [s1]\n    time: "23:00-01:00"\n    priority: 5',
    ]
    files = {
        "site.yaml": site_yaml("Asia/Shanghai", rules, None).replace(
            "schedule:\n", "schedule:\n", 1
        )
    }
    for name in "ab":
        files[f"{name}.yaml"] = f"items:\n  - tip:\n      title: {name}\n"
    config, issues = validate_files(files)
    assert config is not None, issues
    start = at(SHANGHAI, 2026, 11, 27, 21)  # a Friday evening
    segments = resolve_segments(config, "s1", start, start + dt.timedelta(hours=6))
    assert [(local(s.start, "%a %H:%M"), s.playlists) for s in segments] == [
        ("Fri 21:00", ()),
        ("Fri 22:00", ("a",)),
        ("Fri 23:00", ("a", "b")),
        ("Sat 01:00", ("a",)),
        ("Sat 02:00", ()),
    ]
    assert [p.key for p in segments[2].items] == ["a#0", "b#0"]


def test_daylight_saving_gap_and_repeated_hour_follow_the_wall_clock() -> None:
    rules = ['  - playlist: a\n    time: "02:30-03:30"']
    files = {
        "site.yaml": site_yaml("America/New_York", rules, None),
        "a.yaml": "items:\n  - tip:\n      title: a\n",
    }
    config, _ = validate_files(files)
    assert config is not None
    zone = ZoneInfo("America/New_York")
    spring = resolve_segments(config, "s1", at(zone, 2026, 3, 8), at(zone, 2026, 3, 8, 6))
    active = [s for s in spring if s.playlists]
    # 02:30 does not exist that night: the window opens when the clock jumps to 03:00.
    assert [(local(s.start, zone=zone), local(s.end, zone=zone)) for s in active] == [
        ("03:00", "03:30")
    ]
    files["site.yaml"] = site_yaml(
        "America/New_York", ['  - playlist: a\n    time: "01:15-01:45"'], None
    )
    config, _ = validate_files(files)
    assert config is not None
    autumn = resolve_segments(config, "s1", at(zone, 2026, 11, 1), at(zone, 2026, 11, 1, 4))
    active = [s for s in autumn if s.playlists]
    assert len(active) == 2  # 01:15-01:45 happens twice when the clocks go back
    assert all(s.end - s.start == dt.timedelta(minutes=30) for s in active)


# -- properties ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    playlist: str
    days: frozenset[int] | None
    window: tuple[int, int] | None  # minutes
    dates: tuple[dt.date, dt.date] | None
    priority: int


@dataclass(frozen=True)
class ItemSpec:
    window: tuple[int, int] | None


ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
STARTS = [
    dt.date(2026, 3, 8),
    dt.date(2026, 3, 29),
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),
    dt.date(2026, 10, 25),
    dt.date(2026, 11, 1),
    dt.date(2026, 12, 31),
]

# Half the window edges fall between 01:00 and 03:00, where clocks change for daylight saving.
minutes = st.integers(0, 95).map(lambda q: q * 15) | st.integers(4, 12).map(lambda q: q * 15)
windows = st.tuples(minutes, minutes).filter(lambda w: w[0] != w[1])
rule_specs = st.builds(
    RuleSpec,
    playlist=st.sampled_from(["p0", "p1", "p2"]),
    days=st.none() | st.frozensets(st.integers(0, 6), min_size=1),
    window=st.none() | windows,
    dates=st.none()
    | st.tuples(st.sampled_from(STARTS), st.integers(0, 3)).map(
        lambda d: (d[0], d[0] + dt.timedelta(days=d[1]))
    ),
    priority=st.integers(0, 2),
)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def to_yaml(spec: RuleSpec) -> str:
    lines = [f"  - playlist: {spec.playlist}", f"    priority: {spec.priority}"]
    if spec.days is not None:
        lines.append(f"    days: [{', '.join(DAYS[d] for d in sorted(spec.days))}]")
    if spec.window is not None:
        lines.append(f'    time: "{clock(spec.window[0])}-{clock(spec.window[1])}"')
    if spec.dates is not None:
        lines.append(f"    dates: {spec.dates[0]}..{spec.dates[1]}")
    return "\n".join(lines)


def item_yaml(index: int, spec: ItemSpec) -> str:
    text = f"  - tip:\n      title: t{index}\n"
    if spec.window is not None:
        text += f'    time: "{clock(spec.window[0])}-{clock(spec.window[1])}"\n'
    return text


def in_window(window: tuple[int, int] | None, minute: int, today: bool, yesterday: bool) -> bool:
    """The meaning of a time window, written out plainly."""
    if window is None:
        return today
    start, end = window
    if start < end:
        return today and start <= minute < end
    return (today and minute >= start) or (yesterday and minute < end)


def brute_force(
    rules: list[RuleSpec], items: dict[str, list[ItemSpec]], default: str | None, local: dt.datetime
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    minute = local.hour * 60 + local.minute
    day = local.date()

    def admits(spec: RuleSpec, date: dt.date) -> bool:
        return (spec.days is None or date.weekday() in spec.days) and (
            spec.dates is None or spec.dates[0] <= date <= spec.dates[1]
        )

    active = [
        r
        for r in rules
        if in_window(r.window, minute, admits(r, day), admits(r, day - dt.timedelta(days=1)))
    ]
    if active:
        top = max(r.priority for r in active)
        chosen = tuple(dict.fromkeys(r.playlist for r in active if r.priority == top))
    else:
        chosen = (default,) if default else ()
    keys = tuple(
        f"{p}#{i}"
        for p in chosen
        for i, spec in enumerate(items[p])
        if in_window(spec.window, minute, True, True)
    )
    return chosen, keys


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    rules=st.lists(rule_specs, max_size=6),
    items=st.fixed_dictionaries(
        {
            p: st.lists(st.builds(ItemSpec, window=st.none() | windows), min_size=1, max_size=3)
            for p in ("p0", "p1", "p2")
        }
    ),
    default=st.none() | st.sampled_from(["p0", "p1", "p2"]),
    first=st.sampled_from(STARTS),
    offset=st.integers(0, 24 * 60 - 1),
)
def test_segments_are_gapless_and_agree_with_brute_force(
    zone: str,
    rules: list[RuleSpec],
    items: dict[str, list[ItemSpec]],
    default: str | None,
    first: dt.date,
    offset: int,
) -> None:
    files = {"site.yaml": site_yaml(zone, [to_yaml(r) for r in rules], default)}
    for playlist, specs in items.items():
        files[f"{playlist}.yaml"] = "items:\n" + "".join(
            item_yaml(i, s) for i, s in enumerate(specs)
        )
    config, issues = validate_files(files)
    assert config is not None, [str(i) for i in issues]
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz).astimezone(dt.UTC) + dt.timedelta(
        minutes=offset - 12 * 60
    )
    end = start + dt.timedelta(hours=26)
    segments = resolve_segments(config, "s1", start, end)

    assert segments[0].start == start and segments[-1].end == end
    for left, right in zip(segments, segments[1:], strict=False):
        assert left.end == right.start, "a gap or an overlap"
        assert (left.playlists, left.items) != (right.playlists, right.items), "not merged"
    assert all(s.start < s.end for s in segments)

    index = 0
    moment = start
    while moment < end:
        while segments[index].end <= moment:
            index += 1
        segment = segments[index]
        expected = brute_force(rules, items, default, moment.astimezone(tz))
        assert (segment.playlists, tuple(p.key for p in segment.items)) == expected, moment
        moment += dt.timedelta(minutes=1)
