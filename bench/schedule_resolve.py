"""How long resolving 24 h of segments takes for one screen (target: median under 2 ms).

A site with 50 rules and 20 playlists of 50 items each (some items with their own dates
and hours) against a baseline of one rule and one playlist, measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from signage.config import Config, validate_files
from signage.programme.schedule import resolve_segments

DAYS = ["mon-fri", "workdays", "holidays", "[sat, sun]", "[mon, wed, fri]", "weekends"]


def big_site(rules: int = 50, playlists: int = 20, items: int = 50) -> Config:
    """A large but plausible configuration, the same each run (seeded)."""
    rng = random.Random(7)
    lines = ["site:\n  name: 基准法院\n  timezone: Asia/Shanghai\nscreens:\n"]
    for index in range(10):
        lines.append(f"  s{index}:\n    groups: [g{index % 3}]\n")
    lines.append("schedule:\n")
    for index in range(rules):
        start = rng.randrange(0, 24 * 4) * 15
        end = (start + rng.randrange(1, 40) * 15) % (24 * 60)
        rule = (
            f"  - playlist: p{index % playlists}\n    screens: [g{index % 3}, s0]\n"
            f"    priority: {rng.randrange(0, 5)}\n"
        )
        if rng.random() < 0.6 and start != end:
            rule += (
                f'    time: "{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"\n'
            )
        if rng.random() < 0.5:
            rule += f"    days: {rng.choice(DAYS)}\n"
        if rng.random() < 0.3:
            first = dt.date(2026, 11, 20) + dt.timedelta(days=rng.randrange(0, 20))
            rule += f"    dates: {first}..{first + dt.timedelta(days=rng.randrange(0, 10))}\n"
        lines.append(rule)
    lines.append("default_playlist: p0\n")
    files = {"site.yaml": "".join(lines)}
    for index in range(playlists):
        body = [f"name: 播放列表{index}\nitems:\n"]
        for number in range(items):
            item = f"  - tip:\n      title: 提示{number}\n      body: 内容{number}\n"
            if rng.random() < 0.1:
                item += '    time: "09:00-11:30"\n'
            if rng.random() < 0.1:
                item += "    dates: 2026-11-25..2026-12-07\n"
            body.append(item)
        files[f"p{index}.yaml"] = "".join(body)
    config, issues = validate_files(files)
    assert config is not None, [str(i) for i in issues if i.severity == "error"]
    return config


def small_site() -> Config:
    config, _ = validate_files(
        {
            "site.yaml": "site:\n  name: x\nscreens:\n  s0: {}\nschedule:\n  - playlist: p0\n",
            "p0.yaml": "items:\n  - tip:\n      title: t\n",
        }
    )
    assert config is not None
    return config


def median_ms(config: Config, runs: int) -> tuple[float, float]:
    """Median and 95th percentile of resolving 24 h from varying start times."""
    zone = config.site.zone
    base = dt.datetime(2026, 11, 26, 0, 0, tzinfo=zone)
    timings = []
    for run in range(runs):
        start = base + dt.timedelta(minutes=37 * run)
        began = time.perf_counter()
        resolve_segments(config, "s0", start, start + dt.timedelta(hours=24))
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


def main() -> None:
    """Print the figures."""
    big, small = big_site(), small_site()
    median_ms(big, 20)  # warm caches (official calendar, zone data)
    base_median, _ = median_ms(small, 500)
    big_median, big_p95 = median_ms(big, 500)
    segments = resolve_segments(
        big,
        "s0",
        dt.datetime(2026, 11, 26, tzinfo=big.site.zone),
        dt.datetime(2026, 11, 27, tzinfo=big.site.zone),
    )
    print(f"baseline (1 rule, 1 playlist):       median {base_median:.3f} ms")
    print(
        f"50 rules, 20 playlists x 50 items:   median {big_median:.3f} ms, "
        f"p95 {big_p95:.3f} ms, {len(segments)} segments"
    )
    print(
        f"ratio to baseline: {big_median / base_median:.1f}x; "
        f"target median < 2 ms: {'met' if big_median < 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
