// The main loop: what the main zone shows, decided on the page from the manifest and the
// corrected clock, one item at a time. A new manifest waits for the current item to end
// (nobody wants a clip cut in the middle because staff fixed a typo); a segment boundary or
// an alert cuts the current item at once, because those are about time.

import { indexAfter, modeAt, walkAt } from './schedule.js';
import { waitFor } from './stage.js';

const IDLE_RECHECK_MS = 1000;
const ALERT_RECHECK_MS = 60000;
const FAILURE_REST_MS = 5000; // when every item of a segment fails, rest before retrying
const UNKNOWN_CLIP_MS = 600000;
const DEADLINE_SLACK_MS = 30000;
const KEPT_OUTCOMES = 20;
// A clip this engine could not decode is tried again only after this long (a box that was
// merely too busy to show a frame in time gets its clip back), and reported meanwhile.
const UNPLAYABLE_RETRY_MS = 30 * 60 * 1000;
const MAX_UNPLAYABLE_REPORTED = 10;
// The format the media pipeline prepares every clip in: an engine without it (Chromium
// builds without proprietary codecs) fails each clip with "format not supported".
const PREPARED_FORMAT = 'video/mp4; codecs="avc1.640028, mp4a.40.2"';
const MEDIA_ERR_DECODE = 3;
const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;
// On a wall, an item ending on time hands over to the next a moment early or late: the slot
// starting within this much of now is the one to play.
const WALL_EARLY_MS = 250;
// On a wall, a screen this late into an item's slot (a late start, a reload) does not show
// it out of step: a clip it joins partway, in step, up to WALL_JOIN_LATE_MS into it; else it
// waits for the next slot.
const WALL_LATE_MS = 150;
const WALL_JOIN_LATE_MS = 2000;
// Joining partway: the clip is shown this long after the screen decides to (its decoder
// seeks there meanwhile); not when less than WALL_JOIN_LEFT_MS of it would be left.
const WALL_JOIN_AHEAD_MS = 600;
const WALL_JOIN_LEFT_MS = 1500;

/**
 * The clips this engine cannot play: an error decoding them, a format it lacks, or no
 * picture in time. They are skipped (the programme goes on with the next item) and named in
 * the heartbeat, so the overview says which clip this screen cannot play.
 */
export class Unplayable {
  constructor(canPlayPrepared) {
    this.canPlayPrepared = canPlayPrepared;
    this.clips = new Map(); // url → {item, media, title, reason, at}
  }

  /**
   * Note a clip's failure when it is this engine's doing (not a network or server one);
   * error.mediaCode is the <video>'s error code, when it had one. No picture in time is the
   * engine's doing only when the file was kept on the screen: else it may still have been
   * coming over a slow link.
   */
  note(item, error, now, kept = true) {
    const code = typeof error.mediaCode === 'number' ? error.mediaCode : null;
    const engineFault =
      code === MEDIA_ERR_DECODE ||
      (code === MEDIA_ERR_SRC_NOT_SUPPORTED && !this.canPlayPrepared) ||
      (code === null && kept && /no picture/.test(error.message));
    if (!engineFault) return;
    this.clips.set(item.url, {
      item: item.key,
      media: item.media === undefined ? null : item.media,
      title: item.title === undefined ? null : item.title,
      reason: String(error.message).slice(0, 200),
      at: now,
    });
  }

  /** Whether item is a clip to skip now. */
  skips(item, now) {
    const known = item.type === 'video' && this.clips.get(item.url);
    if (!known) return false;
    if (now - known.at < UNPLAYABLE_RETRY_MS) return true;
    this.clips.delete(item.url); // its time is up: try it once more
    return false;
  }

  /** For the heartbeat: the clips skipped, newest first, without the times. */
  report() {
    return [...this.clips.values()]
      .sort((a, b) => b.at - a.at)
      .slice(0, MAX_UNPLAYABLE_REPORTED)
      .map((clip) => ({ item: clip.item, media: clip.media, title: clip.title, reason: clip.reason }));
  }
}

export class Player {
  constructor({ stage, clock, onPlay, onError, onBoundary, isKept = () => true }) {
    this.stage = stage;
    this.clock = clock;
    this.isKept = isKept; // whether a media URL is in the screen's cache
    this.onPlay = onPlay;
    this.onError = onError;
    this.onBoundary = onBoundary; // called before each item; may reload the page
    this.plan = null; // what the loop plays from
    this.latest = null; // the newest manifest: alerts take effect from it at once
    this.pending = null; // the newest manifest, waiting for the current item to end
    this.mode = null; // id of what the main zone shows: a segment, an alert, idle
    this.cut = new AbortController();
    this.lastKey = new Map(); // playlist → key of the item it played last
    this.requested = null; // the key a preview asked to play next
    this.current = null;
    this.failures = 0;
    this.itemsShown = 0;
    this.recent = []; // how the last items ended, for whoever looks in with devtools
    this.stopped = false;
    this.deadline = performance.now() + DEADLINE_SLACK_MS;
    const probe = document.createElement('video');
    this.unplayable = new Unplayable(probe.canPlayType(PREPARED_FORMAT) !== '');
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

  /** Play the item with this key next (a preview jumping to it); the plan goes on after it. */
  startFrom(key) {
    this.requested = key;
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
    if (mode.kind === 'sleep') {
      this.current = null;
      this.stage.sleep();
      await this.hold(IDLE_RECHECK_MS, signal);
      return;
    }
    this.stage.wake();
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

  /** The index of the first item from index on that this engine plays, or -1. */
  playableFrom(items, index) {
    const now = this.clock.now();
    for (let step = 0; step < items.length; step += 1) {
      const at = (index + step) % items.length;
      if (!this.unplayable.skips(items[at], now)) return at;
    }
    return -1;
  }

  async playNext(segment, signal) {
    const items = segment.items;
    const now = this.clock.now();
    // A preview asking for an item gets it, on a wall too.
    const slot = this.plan.sync && !this.requested ? walkAt(segment, now + WALL_EARLY_MS) : null;
    if (slot) {
      await this.playInStep(segment, slot, signal);
      return;
    }
    const index = this.playableFrom(items, this.nextIndex(segment));
    if (index < 0) {
      // Nothing here plays on this engine: the idle card, while the clock and ticker run.
      this.current = null;
      this.stage.showIdle();
      await this.hold(FAILURE_REST_MS, signal);
      return;
    }
    await this.playItem(segment, index, signal, null);
  }

  /**
   * One screen of a wall: the item of the plan's slot, ended at the slot's end, so every
   * screen of the wall starts each item at the same server-time instant. A screen that
   * comes in partway through a slot (switched on late, reloaded, after an urgent message),
   * or is to start a clip the handover did not start ahead, joins the clip partway, in step,
   * when that is still early in the clip; otherwise, or when it cannot play its item, it
   * shows the idle card until the slot ends and the next one's item starts in step.
   */
  async playInStep(segment, slot, signal) {
    const item = segment.items[slot.index];
    const now = this.clock.now();
    const late = now - slot.startMs;
    const playable = !this.unplayable.skips(item, now);
    const onTime = playable && late <= WALL_LATE_MS;
    const endsAt = this.onPageClock(slot.endMs);
    // A clip the handover started on time is followed; one started now, even a moment late,
    // would run its start-up time behind the others, so it is joined instead.
    if (onTime && (item.type !== 'video' || this.stage.earlyRunning(item.url))) {
      await this.playItem(segment, slot.index, signal, endsAt);
      return;
    }
    this.deadline = endsAt + DEADLINE_SLACK_MS;
    const at = now + WALL_JOIN_AHEAD_MS;
    const joinable = item.type === 'video' && late <= WALL_JOIN_LATE_MS;
    if (joinable && playable && slot.endMs - at >= WALL_JOIN_LEFT_MS) {
      const from = (at - slot.startMs) / 1000;
      if (await this.stage.joinVideo(item, from, this.onPageClock(at), signal)) {
        await this.playItem(segment, slot.index, signal, endsAt);
        return;
      }
    }
    if (onTime) {
      // Too short to join: a moment late beats waiting for the next item.
      await this.playItem(segment, slot.index, signal, endsAt);
      return;
    }
    this.current = null;
    const coming = walkAt(segment, slot.endMs);
    const next = coming && slot.endMs < segment.endMs ? segment.items[coming.index] : undefined;
    await this.stage.idleUntil(endsAt, signal, next);
  }

  /** A server time as the page's performance.now() counts it. */
  onPageClock(serverMs) {
    return performance.now() + serverMs - this.clock.now();
  }

  /** Show items[index] of segment to its end (at endsAt on the page's clock, when given). */
  async playItem(segment, index, signal, endsAt) {
    const items = segment.items;
    const item = items[index];
    this.lastKey.set(segment.playlist, item.key);
    this.current = { item, segment, startedAt: this.clock.now() };
    const expected = item.duration ? item.duration * 1000 : UNKNOWN_CLIP_MS;
    this.deadline = performance.now() + expected + DEADLINE_SLACK_MS;
    // undefined when nothing else here plays on this engine: nothing is prepared then.
    const next = items[this.playableFrom(items, (index + 1) % items.length)];
    const kept = item.type === 'video' && this.isKept(item.url);
    const result = await this.stage.present(item, signal, next, endsAt);
    this.recent.push({ key: item.key, outcome: result.outcome });
    if (this.recent.length > KEPT_OUTCOMES) this.recent.shift();
    if (result.outcome !== 'error') {
      this.failures = 0;
      this.report(item, segment, result);
      return;
    }
    this.failures += 1;
    this.onError(new Error(`${item.key} skipped: ${result.error.message}`));
    if (item.type === 'video') {
      this.unplayable.note(item, result.error, this.clock.now(), kept);
    }
    if (this.failures >= items.length) {
      // Everything here fails (media gone, server down before it was cached): show the idle
      // card for a while instead of spinning through errors.
      this.stage.showIdle();
      await this.hold(FAILURE_REST_MS, signal);
      this.failures = 0;
    }
  }

  /**
   * Where to go on in segment: the item after the last one played, as the day's plan walks
   * the rotation; or, coming into it afresh (a page just started or reloaded, the end of an
   * urgent message, of the sleeping hours or of another segment: a required play, a rule's
   * boundary), the item the plan has on now, counted from the segment's walk, so the screen
   * and the inspector's list (今日节目单) stay in step however long the items before really
   * took; or the item a preview asked for.
   */
  nextIndex(segment) {
    const items = segment.items;
    const requested = items.findIndex((item) => item.key === this.requested);
    if (requested >= 0) {
      this.requested = null;
      return requested;
    }
    const last = this.lastKey.get(segment.playlist);
    const before = this.current && this.current.segment;
    const now = this.clock.now();
    const crossed = !before || before.playlist !== segment.playlist || before.endMs <= now;
    const due = crossed ? walkAt(segment, now) : null;
    // Not the item just played again, unless the plan has it on after a break (an urgent
    // message cut it; the plan knows nothing of that).
    if (due && (!before || items[due.index].key !== last)) return due.index;
    return indexAfter(items, last);
  }

  report(item, segment, result) {
    if (result.shownAt === null) return;
    const seconds = (performance.now() - result.shownAt) / 1000;
    this.itemsShown += 1;
    const startedAt = this.clock.now() - seconds * 1000;
    this.onPlay({ item, playlist: segment.playlist, seconds, startedAt });
  }
}
