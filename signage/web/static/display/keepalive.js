// Staying alive for weeks with nobody there: reload when the player stops moving, and once a
// day at a quiet hour (a fresh page lets go of whatever a long-lived one holds on to, and
// picks up a new player version). Times come in as arguments, so this is easy to check.

import { wallTime } from './clock.js';

export const TICK_SILENCE_MS = 15000;
// A page reloaded at 04:00 still sees 04:00 for the rest of that minute; it must not reload
// again, and a screen switched on at 03:59 gains nothing from reloading a minute later.
export const RELOAD_MIN_UPTIME_MS = 3600 * 1000;

export class KeepAlive {
  /**
   * reloadAt: "HH:MM" in timeZone, or "off". reload(): reloads the page. canReload(): whether
   * a reload would find the page again (server up, or a service worker with a copy).
   */
  constructor({ reloadAt, timeZone, reload, canReload, startedAt }) {
    this.reloadAt = reloadAt;
    this.timeZone = timeZone;
    this.reload = reload;
    this.canReload = canReload;
    this.startedAt = startedAt;
    this.lastTick = startedAt;
    this.due = false;
  }

  /** The clock ticked (monotonic ms, and the server's epoch ms): note a due daily reload. */
  tick(monotonicMs, epochMs) {
    this.lastTick = monotonicMs;
    if (this.reloadAt === 'off' || monotonicMs - this.startedAt < RELOAD_MIN_UPTIME_MS) return;
    if (wallTime(epochMs, this.timeZone) === this.reloadAt) this.due = true;
  }

  /** Between two items: the daily reload happens here, so no clip is cut for it. */
  atBoundary() {
    if (this.due && this.canReload()) this.reload('daily');
  }

  /** Called every few seconds: reload when ticks stopped or an item overran its deadline. */
  watch(monotonicMs, deadline) {
    const stuck = monotonicMs - this.lastTick > TICK_SILENCE_MS || monotonicMs > deadline;
    if (stuck && this.canReload()) this.reload('stuck');
  }
}
