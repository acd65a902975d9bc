// The main zone. Every layer sits in one of three states: "front" (seen), "back" (laid out
// and decoding under the front, so it is ready the moment it is needed) and "off". A new
// layer goes to the front only once it has something to show, so a change never flashes
// black. Two <video> elements take turns: the next clip loads while the current one plays,
// and starts a measured lead before the current item ends (handover.js).

import { Captions } from './captions.js';
import { fitText, sizeRange } from './fit.js';
import {
  EarlyStart,
  SWAP_LEAD_MS,
  StartLead,
  firstFrame,
  followFrames,
  mediaError,
} from './handover.js';
import { Hearings } from './hearings.js';
import { qrFigure } from './qr.js';

const START_TIMEOUT_MS = 8000; // a clip that shows no frame by then is skipped
const STALL_MS = 4000; // a clip whose time stands still this long is skipped
const IMAGE_TIMEOUT_MS = 8000;
const OVERRUN_MS = 15000; // grace past a clip's announced length before moving on
const KEPT_GAPS = 200;
// A picture or tip put up in a task shows with the next frame the page draws: end a clip
// that long before its last frame's time is up.
const STILL_LEAD_MS = SWAP_LEAD_MS;
const HAVE_CURRENT_DATA = 2; // a <video> readyState: its frame at currentTime can be shown
const FRAME_GUESS_MS = 40; // a clip's frame before any of it played (prepared clips: 25-30 fps)
// Act on a clip's predicted end only this close to it: a clip whose frames stop coming
// earlier (a stall) must be caught as one, not ended by a stale prediction.
const END_NEAR_MS = 300;
const JOIN_CHECK_MS = 20; // how often a clip seeking to where a late wall screen joins is looked at
const SETTLE_MS = 250; // after a clip comes to the front, before the other <video> is touched

/** An element with a class and text. Text only: nothing shown is ever parsed as HTML. */
function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** promise, or an error with message when it takes longer than ms. */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Wait ms, or less if signal aborts; tells which happened. */
export function waitFor(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('cut');
    const onAbort = () => {
      clearTimeout(timer);
      resolve('cut');
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve('done');
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The error, given the <video>'s error code (3: cannot decode, 4: format not supported); read
 * before the element is let go, which clears it. By it the player tells a clip this engine
 * cannot play from one the network failed to bring.
 */
function noteMediaCode(error, video) {
  error.mediaCode = video.error ? video.error.code : null;
  return error;
}

/** Put a tip into layer, its text as large as the zone (zoneRoot) lets it be. */
export function fillTip(layer, item, zoneRoot) {
  const box = element('div', 'tip-box');
  if (item.title) box.append(element('h2', 'tip-title', item.title));
  if (item.body) box.append(element('p', 'tip-body', item.body));
  layer.append(box);
  const qr = qrFigure(item.qr);
  if (qr) layer.append(qr);
  const { min, max } = sizeRange(zoneRoot, 0.055);
  fitText(box, min, max);
}

/** A signal that aborts when any of these does. */
function eitherSignal(...signals) {
  const control = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) control.abort();
    else signal.addEventListener('abort', () => control.abort(), { once: true });
  }
  return control.signal;
}

export class Stage {
  constructor(root) {
    this.root = root;
    this.videos = [...root.querySelectorAll('video')];
    this.idle = root.querySelector('#idle');
    this.alert = root.querySelector('#alert');
    this.alertText = root.querySelector('#alert-text');
    this.front = this.idle;
    this.captions = new Captions(root);
    this.hearings = new Hearings();
    this.preparedImage = null;
    this.early = null; // the next clip, started ahead of its turn
    this.lead = new StartLead();
    this.endsAt = null; // when the item on show will have had its time, if known
    this.stats = { ended: 0, errors: 0, gaps: [], firstFrameAt: null, leadMs: this.lead.ms };
    this.lastProgress = performance.now();
    this.releases = new Map(); // video → timer letting its decoder go
    // Whatever changes the zone's size (the header's lines, the ticker, a layout, the
    // window), the tip on show is fitted to it again (ResizeObserver: Chromium 64 on).
    if ('ResizeObserver' in window) new ResizeObserver(() => this.refit()).observe(root);
  }

  /** Start loading what comes next, so it is ready when its turn comes. */
  prepare(item) {
    if (!item) return;
    if (item.type === 'video') {
      this.captions.prepare(this.videoFor(item.url), item);
    } else if (item.type === 'image' && this.preparedSource() !== item.url) {
      const image = new Image();
      image.src = item.url;
      image.decode().catch(() => {}); // a failure shows up again when it is presented
      this.preparedImage = { src: item.url, image };
    }
  }

  /**
   * Show one item until it ends, fails or signal cuts it: {outcome, shownAt, error}. Once it
   * is on show, start loading next. With endsAt (performance.now() time), the item ends
   * then, whatever its own length says: a wall's screens end each item at one instant.
   */
  async present(item, signal, next, endsAt = null) {
    try {
      if (item.type === 'video') return await this.playVideo(item, signal, next, endsAt);
      this.dropEarly();
      const layer = item.type === 'image' ? await this.posterLayer(item) : this.stillLayer(item);
      if (signal.aborted) {
        layer.remove();
        return { outcome: 'cut', shownAt: null };
      }
      this.bringToFront(layer);
      const shownAt = performance.now();
      this.prepare(next);
      const ends = endsAt === null ? shownAt + item.duration * 1000 : endsAt;
      const outcome = await this.holdStill(ends, signal, next);
      return { outcome, shownAt };
    } catch (error) {
      this.stats.errors += 1;
      return { outcome: 'error', shownAt: null, error };
    }
  }

  /** Keep a picture or tip up until endsAt, or until the next clip, started early, took over. */
  async holdStill(endsAt, signal, next) {
    this.endsAt = endsAt;
    const handedOver = new AbortController();
    const early = this.earlyFor(next);
    if (early) {
      early.onShown = () => handedOver.abort();
      this.handOver(early, endsAt, FRAME_GUESS_MS);
    }
    const either = eitherSignal(signal, handedOver.signal);
    const outcome = await waitFor(endsAt - performance.now(), either);
    if (signal.aborted) {
      this.dropEarly();
      return 'cut';
    }
    return outcome === 'done' || handedOver.signal.aborted ? 'ended' : 'cut';
  }

  showIdle() {
    this.dropEarly();
    this.endsAt = null;
    this.bringToFront(this.idle);
  }

  /** The idle card until endsAt, then next (a clip started early so it is on show then). */
  idleUntil(endsAt, signal, next) {
    this.showIdle();
    this.prepare(next);
    return this.holdStill(endsAt, signal, next);
  }

  /**
   * Outside the opening hours: the page goes black and both clips let their decoders go
   * (the one on show is covered by the idle card, then released like any covered clip).
   */
  sleep() {
    this.hideAlert();
    this.showIdle();
    document.body.classList.add('sleeping');
  }

  wake() {
    document.body.classList.remove('sleeping');
  }

  showAlert(text) {
    this.alertText.textContent = text;
    this.alert.hidden = false;
    const { min, max } = sizeRange(this.alert, 0.075);
    fitText(this.alert.querySelector('.alert-box'), min, max);
  }

  hideAlert() {
    this.alert.hidden = true;
  }

  /** Refit text after the zone changed size (rotation, the ticker coming or going). */
  refit() {
    const box = this.front.querySelector('.tip-box');
    if (box) {
      const { min, max } = sizeRange(this.root, 0.055);
      fitText(box, min, max);
    }
    if (!this.alert.hidden) this.showAlert(this.alertText.textContent);
  }

  // -- layers -----------------------------------------------------------------------------

  bringToFront(layer) {
    const previous = this.front;
    layer.dataset.state = 'front';
    this.front = layer;
    if (previous === layer) return;
    if (previous.tagName === 'VIDEO') this.retire(previous);
    else if (previous === this.idle) previous.dataset.state = 'off';
    else previous.remove();
  }

  /**
   * A clip just covered stays under the front for a moment before its decoder is let go:
   * tearing a decoder down (or setting one up) takes the page long enough to hold up the
   * very frames of the clip taking over.
   */
  retire(video) {
    video.pause();
    video.dataset.state = 'back';
    clearTimeout(this.releases.get(video));
    const release = () => {
      const early = this.early && this.early.video;
      if (video !== this.front && video !== early) this.releaseVideo(video);
    };
    this.releases.set(video, setTimeout(release, SETTLE_MS));
  }

  newStill(kind) {
    const layer = element('div', `layer still ${kind}`);
    layer.dataset.state = 'back';
    this.root.insertBefore(layer, this.alert);
    return layer;
  }

  /** The url of the picture prepare() started loading, if any. */
  preparedSource() {
    return this.preparedImage ? this.preparedImage.src : null;
  }

  async posterLayer(item) {
    const prepared = this.preparedSource() === item.url ? this.preparedImage.image : null;
    this.preparedImage = null;
    const image = prepared || new Image();
    if (!prepared) image.src = item.url;
    image.className = 'poster';
    image.alt = item.title || '';
    await withTimeout(image.decode(), IMAGE_TIMEOUT_MS, 'picture did not load in time').catch(
      (error) => {
        image.removeAttribute('src');
        throw new Error(`picture failed to load: ${error.message || error}`);
      },
    );
    const layer = this.newStill('poster-layer');
    layer.append(image);
    return layer;
  }

  /** A tip, or today's hearings. */
  stillLayer(item) {
    if (item.type !== 'hearings') return this.tipLayer(item);
    const layer = this.newStill('hearings');
    this.hearings.fill(layer, item);
    return layer;
  }

  tipLayer(item) {
    const layer = this.newStill('tip');
    fillTip(layer, item, this.root);
    return layer;
  }

  // -- videos -----------------------------------------------------------------------------

  /** A video element not on show, loading url at from s (reused when it already is). */
  videoFor(url, from = 0) {
    const free = this.videos.filter((video) => video !== this.front);
    const ready = free.find((video) => video.dataset.url === url && !video.error);
    if (ready) {
      clearTimeout(this.releases.get(ready));
      ready.dataset.state = 'back';
      // back on its first frame (or where a late wall screen joins)
      if (ready.paused && ready.currentTime !== from) ready.currentTime = from;
      return ready;
    }
    const video = free.find((v) => !v.dataset.url) || free[0];
    clearTimeout(this.releases.get(video));
    video.dataset.url = url;
    video.dataset.state = 'back';
    video.src = url;
    video.load();
    if (from) video.currentTime = from; // it seeks there once it knows the clip
    return video;
  }

  /** Let go of a clip's decoder and buffers: without this memory grows with every clip. */
  releaseVideo(video) {
    video.pause();
    video.removeAttribute('src');
    delete video.dataset.url;
    video.load();
    video.dataset.state = 'off';
  }

  // -- handing over to the next clip ------------------------------------------------------

  /** The early start for next when it is a clip (the one under way, or a new one). */
  earlyFor(next) {
    if (!next || next.type !== 'video') return null;
    if (this.earlyRunning(next.url)) return this.early;
    this.dropEarly();
    this.early = new EarlyStart(next.url);
    return this.early;
  }

  /** Whether an early start of url is under way and not called off. */
  earlyRunning(url) {
    const early = this.early;
    return Boolean(early) && early.url === url && !early.control.signal.aborted;
  }

  /** Call off an early start (the next item turned out to be another one). */
  dropEarly() {
    const early = this.early;
    this.early = null;
    if (!early) return;
    early.cancel();
    if (early.video && early.video !== this.front) this.releaseVideo(early.video);
  }

  /** The moments an early start keeps: when to set it playing, when to show it. */
  handOver(early, endsAt, frameMs) {
    early.schedule(endsAt, frameMs, this.lead.of(early.url), {
      play: () => this.playEarly(early),
      swap: () => this.swapEarly(early),
    });
  }

  /** Set an early start's clip playing under the front (its first frame is up already). */
  playEarly(early) {
    if (early.playing) return;
    early.playing = true;
    const video = this.videoFor(early.url, early.from);
    early.video = video;
    const onFrame = (metadata, playedAt) => {
      // Learnt only from clips that were up on their first frame: then this is the second.
      if (metadata && metadata.mediaTime > early.from) {
        this.lead.learn(metadata.expectedDisplayTime - playedAt, early.url);
      }
      this.stats.leadMs = Math.round(this.lead.ms * 10) / 10;
      if (early.due) this.swapEarly(early, metadata ? metadata.expectedDisplayTime : null);
    };
    const started = firstFrame(video, early.control.signal, START_TIMEOUT_MS, onFrame, early.from);
    started.then((value) => {
      if (value === 'cut') early.done.resolve('cut');
    }, early.done.reject);
  }

  /** The item before is over: the early start takes the front, with the frame it shows. */
  swapEarly(early, shownAt = null) {
    if (early.swapped || early.control.signal.aborted) return;
    this.playEarly(early);
    if (shownAt === null && early.video.readyState < HAVE_CURRENT_DATA) {
      early.due = true; // nothing to show yet: it takes the front with its first frame
      return;
    }
    early.swapped = true;
    if (early.onShown) early.onShown(); // the item on show ends here, before its layer goes
    this.bringToFront(early.video);
    this.noteFrame(shownAt === null ? performance.now() + SWAP_LEAD_MS : shownAt);
    early.done.resolve('shown');
  }

  /**
   * A clip from partway, `from` s in, with its frame there on show at `at` (performance.now()
   * ms): a wall's screen that came in late joining the others. Resolves at `at`, true once
   * the clip took the front; false, the idle card still up, when it was not ready in time.
   */
  async joinVideo(item, from, at, signal) {
    this.showIdle();
    const early = new EarlyStart(item.url, from);
    this.early = early;
    const video = this.videoFor(item.url, from);
    const readyBy = at - SWAP_LEAD_MS - this.lead.of(item.url);
    while (video.seeking || video.readyState < HAVE_CURRENT_DATA) {
      if (performance.now() > readyBy || signal.aborted || video.error) {
        this.dropEarly();
        return false;
      }
      await waitFor(JOIN_CHECK_MS, signal);
    }
    this.handOver(early, at, FRAME_GUESS_MS);
    await waitFor(at - performance.now(), signal);
    return early.swapped;
  }

  async playVideo(item, signal, next, endsAt) {
    const early = this.earlyRunning(item.url) ? this.early : this.earlyFor(item);
    this.early = null;
    this.swapEarly(early); // its moment is now, if it did not come already
    const video = early.video;
    const onCut = () => early.cancel();
    signal.addEventListener('abort', onCut, { once: true });
    this.captions.follow(video, item);
    try {
      return await this.followClip(early, item, signal, next, onCut, endsAt);
    } finally {
      this.captions.stop();
    }
  }

  /** The clip of an early start from its first frame on show to its end. */
  async followClip(early, item, signal, next, onCut, endsAt) {
    const video = early.video;
    try {
      const started = await early.shown;
      if (started === 'cut' || signal.aborted) {
        if (video !== this.front) this.releaseVideo(video);
        return { outcome: 'cut', shownAt: null };
      }
    } catch (error) {
      noteMediaCode(error, video);
      if (video !== this.front) this.releaseVideo(video);
      throw error;
    } finally {
      signal.removeEventListener('abort', onCut);
    }
    const shownAt = performance.now();
    // Not at once: setting up the next clip's decoder would hold up this one's first frames.
    const preparing = setTimeout(() => this.prepare(next), SETTLE_MS);
    const result = await this.watch(video, item, signal, next, endsAt);
    clearTimeout(preparing);
    if (result.outcome === 'error') throw noteMediaCode(result.error, video);
    return Object.assign(result, { shownAt });
  }

  /** A clip's first frame is on show at shownAt: how long after the item before it ended. */
  noteFrame(shownAt) {
    if (this.stats.firstFrameAt === null) this.stats.firstFrameAt = performance.now();
    if (this.endsAt !== null) {
      this.stats.gaps.push(Math.round((shownAt - this.endsAt) * 10) / 10);
      if (this.stats.gaps.length > KEPT_GAPS) this.stats.gaps.shift();
    }
    this.endsAt = null;
  }

  /**
   * Follow a playing clip to its end; a clip whose time stops moving is given up. Its frames
   * tell when its last one will have had its time: the next clip starts its lead before
   * that, and a picture or tip goes up then, without waiting for the late `ended` event.
   * With plannedEnd, the clip ends then instead (a wall's screens end each item together).
   */
  watch(video, item, signal, next, plannedEnd) {
    return new Promise((resolve) => {
      const started = performance.now();
      const limit = item.duration ? item.duration * 1000 + OVERRUN_MS : Infinity;
      const early = this.earlyFor(next);
      let lastTime = -1;
      let movedAt = started;
      let endTimer = null;
      let stopFrames = () => {};
      const finish = (result) => {
        clearInterval(timer);
        clearTimeout(endTimer);
        stopFrames();
        if (early) early.onShown = null;
        video.removeEventListener('ended', onEnded);
        video.removeEventListener('error', onError);
        signal.removeEventListener('abort', onAbort);
        if (result.outcome === 'ended') this.stats.ended += 1;
        resolve(result);
      };
      const onEnded = () => finish({ outcome: 'ended' });
      const onError = () => finish({ outcome: 'error', error: mediaError(video) });
      const onAbort = () => {
        video.pause(); // it stays on show, still, until the next thing covers it
        this.dropEarly();
        finish({ outcome: 'cut' });
      };
      const onLastFrame = (lastFrameEnds, frameMs) => {
        const endsAt = plannedEnd === null ? lastFrameEnds : plannedEnd;
        this.endsAt = endsAt;
        if (endsAt - performance.now() > END_NEAR_MS) return;
        if (early) {
          this.handOver(early, endsAt, frameMs);
        } else {
          clearTimeout(endTimer);
          const wait = endsAt - STILL_LEAD_MS - performance.now();
          endTimer = setTimeout(() => finish({ outcome: 'ended' }), Math.max(0, wait));
        }
      };
      if (early) early.onShown = () => finish({ outcome: 'ended' });
      const timer = setInterval(() => {
        const now = performance.now();
        if (video.currentTime !== lastTime) {
          lastTime = video.currentTime;
          movedAt = now;
          this.lastProgress = now;
        } else if (now - movedAt > STALL_MS) {
          const error = new Error(`clip stalled at ${lastTime.toFixed(1)} s`);
          finish({ outcome: 'error', error });
        }
        // Chromium may pause a clip on its own (power saving, a lost GPU); nudge it.
        if (video.paused && !video.ended) video.play().catch(() => {});
        if (now - started > limit) finish({ outcome: 'ended' });
      }, 500);
      stopFrames = followFrames(video, onLastFrame);
      video.addEventListener('ended', onEnded);
      video.addEventListener('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
