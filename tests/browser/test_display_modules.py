"""The player's modules (schedule, clock, keep-alive) in Chromium's own JavaScript engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.lobby import start_lobby, write_playlists

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A page on a real server's origin, so modules load with their own imports."""
    root = tmp_path_factory.mktemp("modules")
    playlists = write_playlists(root / "playlists", {"main": [{"tip": ("提示", "内容")}]})
    lobby = start_lobby(root, playlists, [])
    context = browser.new_context()
    page = context.new_page()
    page.goto(lobby.server.url + "/healthz")
    yield page
    context.close()
    lobby.stop()


def run(page: Page, module: str, body: str, arg: Any = None) -> Any:
    """Import a player module as `m` and run body with it (`arg` is passed in)."""
    script = f"async (arg) => {{ const m = await import('/display/assets/test/{module}'); {body} }}"
    return page.evaluate(script, arg)


MANIFEST = {
    "poll_seconds": 2,
    "site": {"name": "兴隆县人民法院", "timezone": "Asia/Shanghai"},
    "segments": [
        {
            "start": "2026-12-01T08:00:00+08:00",
            "end": "2026-12-01T12:00:00+08:00",
            "playlist": "morning",
            "items": [
                {"key": "morning#0", "type": "video", "url": "/media/files/a.mp4"},
                {"key": "morning#1", "type": "slideshow", "url": "/x"},
                {"key": "morning#2", "type": "tip", "title": "", "body": ""},
                {"key": "morning#3", "type": "image", "url": "/media/files/p.jpg"},
            ],
        },
        {
            "start": "2026-12-01T12:00:00+08:00",
            "end": "2026-12-02T08:00:00+08:00",
            "playlist": "rest",
            "items": [
                {"key": "rest#0", "type": "video", "url": "/media/files/b.mp4"},
                {"key": "rest#1", "type": "video", "url": "/media/files/a.mp4"},
            ],
        },
    ],
    "ticker": [
        {
            "text": "热线 12368",
            "start": "2026-12-01T00:00:00+08:00",
            "end": "2026-12-02T00:00:00+08:00",
        },
        {
            "text": "热线 12368",
            "start": "2026-12-01T00:00:00+08:00",
            "end": "2026-12-02T00:00:00+08:00",
        },
    ],
    "alert": {"id": 7, "text": "暂停立案", "until": "2026-12-01T09:00:00+08:00"},
}


def test_segments_items_alerts_and_ticker_at_moments(page: Page) -> None:
    found = run(
        page,
        "schedule.js",
        """
        const plan = m.toPlan(arg);
        const at = (text) => Date.parse(text);
        return {
          items: plan.segments[0].items.map((item) => item.key),
          poll: plan.pollSeconds,
          before: m.modeAt(plan, null, at('2026-12-01T07:59:59+08:00')).kind,
          alert: m.modeAt(plan, plan, at('2026-12-01T08:30:00+08:00')).kind,
          alertEnds: m.modeAt(plan, plan, at('2026-12-01T09:00:00+08:00')).id,
          lastMorning: m.segmentAt(plan, at('2026-12-01T11:59:59.999+08:00')).playlist,
          firstRest: m.segmentAt(plan, at('2026-12-01T12:00:00+08:00')).playlist,
          ticker: m.tickerTextsAt(plan, at('2026-12-01T10:00:00+08:00')),
          noTicker: m.tickerTextsAt(plan, at('2026-12-02T00:00:00+08:00')),
          ahead: m.mediaFirstPlays(plan, at('2026-12-01T11:00:00+08:00')).map(
            (file) => [file.url, new Date(file.firstMs).toISOString()]),
          later: m.mediaFirstPlays(plan, at('2026-12-01T13:00:00+08:00')).map((f) => f.url),
          quietNow: m.quietFrom('02:00-05:00', at('2026-12-01T03:10:20+08:00'), 'Asia/Shanghai'),
          quietNext: m.quietFrom('02:00-05:00', at('2026-12-01T11:00:30+08:00'), 'Asia/Shanghai'),
          overMidnight: m.quietFrom('23:00-01:00', at('2026-12-01T00:30:00+08:00'), 'UTC'),
        };
    """,
        MANIFEST,
    )
    assert found["items"] == ["morning#0", "morning#3"]  # unknown and empty items dropped
    assert found["poll"] == 5  # never faster than the server allows
    assert found["before"] == "idle" and found["alert"] == "alert"
    assert found["alertEnds"].startswith("2026-12-01T08:00:00")
    assert found["lastMorning"] == "morning" and found["firstRest"] == "rest"
    assert found["ticker"] == ["热线 12368"] and found["noTicker"] == []
    # Each file once, with the moment it first plays (now, when its segment runs already).
    assert found["ahead"] == [
        ["/media/files/a.mp4", "2026-12-01T03:00:00.000Z"],
        ["/media/files/p.jpg", "2026-12-01T03:00:00.000Z"],
        ["/media/files/b.mp4", "2026-12-01T04:00:00.000Z"],
    ]
    assert found["later"] == ["/media/files/b.mp4", "/media/files/a.mp4"]
    hour = 3600 * 1000
    start = 1796058000000  # 2026-12-01T01:00:00+08:00
    assert found["quietNow"] == start + 2 * hour + 10 * 60 * 1000 + 20 * 1000  # within: now
    assert found["quietNext"] == start + 25 * hour  # 02:00 the next day, site time
    assert found["overMidnight"] == start + 6 * hour  # 16:30 UTC is outside: 23:00 UTC next


def test_playlists_continue_after_the_last_item_played(page: Page) -> None:
    found = run(
        page,
        "schedule.js",
        """
        const items = [{key: 'a#0'}, {key: 'a#1'}, {key: 'a#2'}];
        return [undefined, 'a#0', 'a#2', 'gone#5'].map((key) => m.indexAfter(items, key));
    """,
    )
    assert found == [0, 1, 0, 0]


# A server clock on a page's localStorage (in memory), where it keeps what it learnt across
# reloads.
NEW_CLOCK = """
    const store = new Map();
    const storage = {getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v)};
    const clock = new m.ServerClock(storage);
"""


def test_server_clock_trusts_milliseconds_over_the_date_header(page: Page) -> None:
    found = run(
        page,
        "clock.js",
        NEW_CLOCK
        + """
        const sent = 1_000_000, received = 1_000_200;  // a 200 ms round trip
        clock.observeDateHeader('Thu, 01 Jan 1970 00:16:50 GMT', sent, received);
        const fromHeader = clock.offset;
        clock.observe(1_010_100.0, sent, received);
        const precise = clock.offset;
        clock.observeDateHeader('Thu, 01 Jan 1970 00:16:50 GMT', sent, received);
        const kept = clock.offset;
        clock.observeDateHeader('Thu, 01 Jan 1970 00:17:00 GMT', sent, received);
        return {fromHeader, precise, kept, corrected: clock.offset,
                stored: new m.ServerClock(storage).offset,
                date: m.chineseDate(Date.parse('2026-12-04T16:30:00Z'), 'Asia/Shanghai'),
                time: m.wallTime(Date.parse('2026-12-04T16:30:00Z'), 'Asia/Shanghai')};
    """,
    )
    assert found["fromHeader"] == 1_010_500 - 1_000_100  # the header's second, plus half
    assert found["precise"] == 10_000
    assert found["kept"] == 10_000  # a second-resolution header agreeing within 1.5 s
    assert found["corrected"] == 20_400  # one that is clearly off wins
    assert found["stored"] == 20_400  # an offline reload starts from the last offset
    assert found["date"] == "2026年12月5日 星期六"
    assert found["time"] == "00:30"


def test_server_clock_believes_its_quickest_exchange(page: Page) -> None:
    found = run(
        page,
        "clock.js",
        NEW_CLOCK
        + """
        const offsets = [];
        // The server is 10 s ahead; it stamps its time early or late in each round trip.
        const exchange = (sent, trip, stampedAfter) => {
          clock.observe(sent + stampedAfter + 10_000, sent, sent + trip);
          offsets.push(clock.offset);
        };
        exchange(1_000_000, 200, 20);     // slow, stamped early: 80 ms off
        exchange(1_030_000, 10, 5);       // quick: right
        exchange(1_060_000, 300, 290);    // slow again, stamped late: kept from the quick one
        const reloaded = new m.ServerClock(storage);
        reloaded.observe(1_090_000 + 10 + 10_000, 1_090_000, 1_090_400);  // slow, after a reload
        offsets.push(reloaded.offset);
        exchange(1_120_000, 20, 10 + 5_000);  // the screen's clock was set back 5 s
        exchange(1_500_000, 40, 10 + 5_000);  // 6 min on: only the recent ones count
        // What a reload finds kept, damaged: no exchanges, the last offset still.
        const damaged = ['{broken', '[{"offset": "x", "trip": 1, "at": 2}]', '{}'].map((kept) => {
          store.set('signage.clockSamples', kept);
          const again = new m.ServerClock(storage);
          return [again.samples.length, again.precise, again.offset];
        });
        return {offsets, damaged};
    """,
    )
    assert found["offsets"] == [9_920, 10_000, 10_000, 10_000, 15_000, 14_990]
    assert found["damaged"] == [[0, False, 14_990]] * 3


def test_daily_reload_waits_for_its_time_an_hours_uptime_and_an_item_boundary(
    page: Page,
) -> None:
    found = run(
        page,
        "keepalive.js",
        """
        const reloads = [];
        const keep = new m.KeepAlive({reloadAt: '04:00', timeZone: 'Asia/Shanghai',
          reload: (why) => reloads.push(why), canReload: () => true, startedAt: 0});
        const four = Date.parse('2026-12-05T04:00:30+08:00');
        const hour = 3600 * 1000;
        const seen = [];
        keep.tick(10 * 60 * 1000, four);  // only ten minutes up: just started at 03:50
        keep.atBoundary();
        seen.push(reloads.length);
        keep.tick(2 * hour, four - 60 * 1000);  // 03:59
        keep.atBoundary();
        seen.push(reloads.length);
        keep.tick(2 * hour + 1000, four);  // 04:00 after two hours: due, at the next boundary
        seen.push(reloads.length);
        keep.atBoundary();
        seen.push(...reloads);
        const off = new m.KeepAlive({reloadAt: 'off', timeZone: 'Asia/Shanghai',
          reload: (why) => reloads.push(why), canReload: () => true, startedAt: 0});
        off.tick(2 * hour, four);
        off.atBoundary();
        return {seen, total: reloads.length};
    """,
    )
    assert found == {"seen": [0, 0, 0, "daily"], "total": 1}


def test_watchdog_reloads_a_stuck_player_when_a_reload_can_succeed(page: Page) -> None:
    found = run(
        page,
        "keepalive.js",
        """
        const reloads = [];
        const make = (online) => new m.KeepAlive({reloadAt: 'off', timeZone: 'Asia/Shanghai',
          reload: (why) => reloads.push(why), canReload: () => online, startedAt: 0});
        const keep = make(true);
        keep.tick(1000, 0);
        keep.watch(15000, 60000);  // ticking, item on time
        const quiet = reloads.length;
        keep.watch(16001, 60000);  // no tick for over 15 s
        const late = make(true);
        late.tick(1000, 0);
        late.watch(2000, 1500);  // the item overran its deadline
        const offline = make(false);  // neither server nor service worker: stay on
        offline.watch(99999, 0);
        return {quiet, reloads};
    """,
    )
    assert found == {"quiet": 0, "reloads": ["stuck", "stuck"]}


HOURS_MANIFEST = {
    **MANIFEST,
    "alert": {"id": 7, "text": "大厅临时关闭", "until": "2026-12-02T12:00:00+08:00"},
    "hours": {
        "text": "workdays 07:30-18:30",
        "until": "2026-12-02T20:00:00+08:00",
        "awake": [
            {"start": "2026-12-01T07:30:00+08:00", "end": "2026-12-01T18:30:00+08:00"},
            {"start": "2026-12-02T07:30:00+08:00", "end": "2026-12-02T18:30:00+08:00"},
        ],
    },
}


def test_the_opening_hours_black_out_the_screen_to_the_millisecond(page: Page) -> None:
    found = run(
        page,
        "schedule.js",
        """
        const plan = m.toPlan(arg);
        const at = (text) => Date.parse(text);
        const kinds = {};
        for (const moment of ['2026-12-01T07:29:59.999+08:00', '2026-12-01T07:30:00+08:00',
            '2026-12-01T18:29:59+08:00', '2026-12-01T18:30:00+08:00',
            '2026-12-02T20:00:01+08:00']) {
          kinds[moment.slice(11, 19)] = m.modeAt(plan, plan, at(moment)).kind;
        }
        const always = m.toPlan(Object.assign({}, arg, {hours: null}));
        return {kinds, asleep: m.asleepAt(plan, at('2026-12-01T03:00:00+08:00')),
                never: m.asleepAt(always, at('2026-12-01T03:00:00+08:00'))};
    """,
        HOURS_MANIFEST,
    )
    assert found == {
        # Asleep wins over the urgent message; awake, the message shows.
        "kinds": {
            "07:29:59": "sleep",
            "07:30:00": "alert",
            "18:29:59": "alert",
            "18:30:00": "sleep",
            # Past what the manifest covers (a server away for days) the screen stays lit.
            "20:00:01": "idle",
        },
        "asleep": True,
        "never": False,
    }


def test_pictures_are_sent_every_few_minutes_when_calm_and_awake(page: Page) -> None:
    found = run(
        page,
        "snapshot.js",
        """
        const state = {asleep: false, calm: true};
        const make = (minutes) => {
          const shots = new m.Snapshots({url: '/x', key: 'k', minutes,
            isAsleep: () => state.asleep, isCalm: () => state.calm, onError: () => {}});
          shots.taken = [];
          shots.send = () => shots.taken.push(performance.now());
          shots.nextAt = 1000;  // the first one due at 1 s of the page's time
          return shots;
        };
        const every = make(10);
        const minute = 60000;
        every.tick(999);
        every.tick(1000);                  // due: sent
        every.tick(1000 + 9 * minute);     // not yet
        state.calm = false;
        every.tick(1000 + 10 * minute);    // due, but a handover comes: waits
        state.calm = true;
        every.tick(1001 + 10 * minute);    // sent
        state.asleep = true;
        every.tick(1001 + 20 * minute);    // due while asleep: skipped, not kept for later
        state.asleep = false;
        every.tick(1002 + 20 * minute);
        const never = make(0);
        never.tick(1000 + 60 * minute);
        return {every: every.taken.length, nextAt: every.nextAt, never: never.taken.length};
    """,
    )
    assert found == {"every": 2, "nextAt": 1001 + 30 * 60000, "never": 0}
