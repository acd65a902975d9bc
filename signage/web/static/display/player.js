// The main loop: what the main zone shows, decided on the page from the manifest and the
// corrected clock, one item at a time. A new manifest waits for the current item to end
// (nobody wants a clip cut in the middle because staff fixed a typo); a segment boundary or
// an alert cuts the current item at once, because those are about time.

import { indexAfter, modeAt } from './schedule.js';
import { waitFor } from './stage.js';

const IDLE_RECHECK_MS = 1000;
const ALERT_RECHECK_MS = 60000;
const FAILURE_REST_MS = 5000; // when every item of a segment fails, rest before retrying
const UNKNOWN_CLIP_MS = 600000;
const DEADLINE_SLACK_MS = 30000;
const KEPT_OUTCOMES = 20;

export class Player {
  constructor({ stage, clock, onPlay, onError, onBoundary }) {
    this.stage = stage;
    this.clock = clock;
    this.onPlay = onPlay;
    this.onError = onError;
    this.onBoundary = onBoundary; // called before each item; may reload the page
    this.plan = null; // what the loop plays from
    this.latest = null; // the newest manifest: alerts take effect from it at once
    this.pending = null; // the newest manifest, waiting for the current item to end
    this.mode = null; // id of what the main zone shows: a segment, an alert, idle
    this.cut = new AbortController();
    this.lastKey = new Map(); // playlist → key of the item it played last
    this.current = null;
    this.failures = 0;
    this.itemsShown = 0;
    this.recent = []; // how the last items ended, for whoever looks in with devtools
    this.stopped = false;
    this.deadline = performance.now() + DEADLINE_SLACK_MS;
  }

  /** A new manifest: at once when nothing plays, else at the next item boundary. */
  setPlan(plan) {
    this.latest = plan;
    if (!this.plan || this.mode === 'idle') {
      this.plan = plan;
      this.pending = null;
      this.cut.abort();
    } else {
      this.pending = plan;
    }
    this.tick();
  }

  /** Play the item with this key next (a preview jumping to it): its playlist's round is
   * set as if the item before it had just played. */
  startFrom(key) {
    for (const segment of this.plan ? this.plan.segments : []) {
      const index = segment.items.findIndex((item) => item.key === key);
      if (index < 0) continue;
      const before = segment.items[(index + segment.items.length - 1) % segment.items.length];
      this.lastKey.set(segment.playlist, before.key);
    }
  }

  /** Called often: cut the current item when a boundary passed or an alert came or went. */
  tick() {
    if (!this.plan) return;
    const mode = modeAt(this.plan, this.latest, this.clock.now());
    if (mode.id !== this.mode) this.cut.abort();
  }

  stop() {
    this.stopped = true;
    this.cut.abort();
  }

  async run() {
    while (!this.stopped) {
      try {
        await this.step();
      } catch (error) {
        this.onError(error);
        await waitFor(IDLE_RECHECK_MS, new AbortController().signal);
      }
    }
  }

  async step() {
    if (this.pending) {
      this.plan = this.pending;
      this.pending = null;
    }
    this.onBoundary();
    const mode = modeAt(this.plan, this.latest, this.clock.now());
    this.mode = mode.id;
    this.cut = new AbortController();
    const signal = this.cut.signal;
    if (mode.kind === 'alert') {
      this.current = null;
      this.stage.showAlert(mode.alert.text);
      await this.hold(ALERT_RECHECK_MS, signal);
      return;
    }
    this.stage.hideAlert();
    if (mode.kind === 'idle') {
      this.current = null;
      this.stage.showIdle();
      await this.hold(IDLE_RECHECK_MS, signal);
      return;
    }
    await this.playNext(mode.segment, signal);
  }

  /** Wait while nothing plays; the watchdog knows how long that may take. */
  hold(ms, signal) {
    this.deadline = performance.now() + ms + DEADLINE_SLACK_MS;
    return waitFor(ms, signal);
  }

  async playNext(segment, signal) {
    const items = segment.items;
    const index = indexAfter(items, this.lastKey.get(segment.playlist));
    const item = items[index];
    this.lastKey.set(segment.playlist, item.key);
    this.current = { item, segment, startedAt: this.clock.now() };
    const expected = item.duration ? item.duration * 1000 : UNKNOWN_CLIP_MS;
    this.deadline = performance.now() + expected + DEADLINE_SLACK_MS;
    const result = await this.stage.present(item, signal, items[(index + 1) % items.length]);
    this.recent.push({ key: item.key, outcome: result.outcome });
    if (this.recent.length > KEPT_OUTCOMES) this.recent.shift();
    if (result.outcome !== 'error') {
      this.failures = 0;
      this.report(item, segment, result);
      return;
    }
    this.failures += 1;
    this.onError(new Error(`${item.key} skipped: ${result.error.message}`));
    if (this.failures >= items.length) {
      // Everything here fails (media gone, server down before it was cached): show the idle
      // card for a while instead of spinning through errors.
      this.stage.showIdle();
      await this.hold(FAILURE_REST_MS, signal);
      this.failures = 0;
    }
  }

  report(item, segment, result) {
    if (result.shownAt === null) return;
    const seconds = (performance.now() - result.shownAt) / 1000;
    this.itemsShown += 1;
    const startedAt = this.clock.now() - seconds * 1000;
    this.onPlay({ item, playlist: segment.playlist, seconds, startedAt });
  }
}
