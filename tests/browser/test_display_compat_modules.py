"""The player's compatibility parts in Chromium's own engine: which clip failures mark a clip
unplayable on this engine, how long it is skipped, and the helpers of compat.js."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.test_display_modules import page, run  # noqa: F401 (the module's page)

CLIP = {"key": "main#0", "type": "video", "url": "/media/files/a.mp4", "media": "a", "title": "甲"}
HALF_HOUR_MS = 30 * 60 * 1000


def test_only_the_engines_own_failures_make_a_clip_unplayable(page: Page) -> None:  # noqa: F811
    found = run(
        page,
        "player.js",
        """
        const failure = (message, code) => Object.assign(new Error(message), {mediaCode: code});
        const noted = (canPlay, error, kept = true) => {
          const unplayable = new m.Unplayable(canPlay);
          unplayable.note(arg.clip, error, 0, kept);
          return unplayable.skips(arg.clip, 1000);
        };
        return {
          decode: noted(true, failure('clip failed to load (code 3)', 3)),
          formatWithH264: noted(true, failure('clip failed to load (code 4)', 4)),
          formatWithoutH264: noted(false, failure('clip failed to load (code 4)', 4)),
          noPicture: noted(true, failure('clip showed no picture within 8 s', null)),
          // still coming over a slow link when its time came: the link's doing
          noPictureNotKept: noted(true, failure('clip showed no picture within 8 s', null), false),
          network: noted(true, failure('clip failed to load (code 2)', 2)),
          stalled: noted(true, failure('clip stalled at 1.0 s', undefined)),
        };
        """,
        {"clip": CLIP},
    )
    assert found == {
        "decode": True,
        "formatWithH264": False,  # the engine plays the format: a broken or missing file
        "formatWithoutH264": True,
        "noPicture": True,
        "noPictureNotKept": False,
        "network": False,
        "stalled": False,
    }


def test_an_unplayable_clip_is_skipped_for_half_an_hour_and_reported(page: Page) -> None:  # noqa: F811
    found = run(
        page,
        "player.js",
        """
        const unplayable = new m.Unplayable(false);
        const error = Object.assign(new Error('clip failed to load (code 3)'), {mediaCode: 3});
        unplayable.note(arg.clip, error, 0);
        const tip = {key: 'main#1', type: 'tip', url: arg.clip.url};
        const report = unplayable.report();
        for (let n = 0; n < 15; n += 1) {
          unplayable.note(Object.assign({}, arg.clip, {url: '/media/files/' + n}), error, n + 1);
        }
        return {
          report,
          tipSkipped: unplayable.skips(tip, 1),
          before: unplayable.skips(arg.clip, arg.half - 1),
          after: unplayable.skips(arg.clip, arg.half),
          again: unplayable.skips(arg.clip, arg.half + 1),
          reported: unplayable.report().length,
        };
        """,
        {"clip": CLIP, "half": HALF_HOUR_MS},
    )
    assert found["report"] == [
        {"item": "main#0", "media": "a", "title": "甲", "reason": "clip failed to load (code 3)"}
    ]
    assert found["tipSkipped"] is False  # only clips are ever skipped
    assert found["before"] is True
    assert found["after"] is False and found["again"] is False  # tried once more, then forgotten
    assert found["reported"] == 10  # the newest ten: the heartbeat stays small


def test_compat_helpers(page: Page) -> None:  # noqa: F811
    found = run(
        page,
        "compat.js",
        """
        const box = document.createElement('div');
        box.append(document.createElement('i'), document.createElement('i'));
        m.replaceChildren(box, [document.createElement('b')]);
        const signal = m.timeoutSignal(50);
        const abortedAt = await new Promise((resolve) => {
          const start = performance.now();
          signal.addEventListener('abort', () => resolve(performance.now() - start));
        });
        let timedOut = '';
        await m.fetchWithin('/healthz', {}, 0).catch((error) => { timedOut = error.name; });
        return {
          children: box.innerHTML,
          abortedAt,
          timedOut,
          flat: m.concatAll([[1], [], [2, 3]]),
          versions: [
            'Mozilla/5.0 (Linux; Android 7.1.2; Build/NHG47K; wv) AppleWebKit/537.36 ' +
              '(KHTML, like Gecko) Version/4.0 Chrome/64.0.3282.137 Safari/537.36',
            'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/83.0.4103.0 Safari/537.36',
            'Mozilla/5.0 (Windows NT 6.1) Firefox/115.0',
          ].map(m.chromiumVersion),
          lacks: m.missingFeatures(),
        };
        """,
    )
    assert found["children"] == "<b></b>"
    assert 40 <= found["abortedAt"] < 5000
    assert found["timedOut"] in ("TimeoutError", "AbortError")  # native, or the fallback
    assert found["flat"] == [1, 2, 3]
    assert found["versions"] == [64, 83, None]
    assert "abort-controller" not in found["lacks"] and "web-locks" not in found["lacks"]
