// The main zone. Every layer sits in one of three states: "front" (seen), "back" (laid out
// and decoding under the front, so it is ready the moment it is needed) and "off". A new
// layer goes to the front only once it has something to show, so a change never flashes
// black. Two <video> elements take turns: the next clip loads while the current one plays.

import { Captions } from './captions.js';
import { fitText, sizeRange } from './fit.js';
import { Hearings } from './hearings.js';
import { qrFigure } from './qr.js';

const START_TIMEOUT_MS = 8000; // a clip that shows no frame by then is skipped
const STALL_MS = 4000; // a clip whose time stands still this long is skipped
const IMAGE_TIMEOUT_MS = 8000;
const OVERRUN_MS = 15000; // grace past a clip's announced length before moving on
const KEPT_GAPS = 200;

/** An element with a class and text. Text only: nothing shown is ever parsed as HTML. */
function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

function mediaError(video) {
  const error = video.error;
  const what = error ? `code ${error.code}${error.message ? `: ${error.message}` : ''}` : 'unknown';
  return new Error(`clip failed to load (${what})`);
}

function withTimeout(promise, ms, message) {
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
    this.endedAt = null; // when the last clip ended, if the next thing may be a clip
    this.stats = { ended: 0, errors: 0, gaps: [], lastFrameAt: null, firstFrameAt: null };
    this.lastProgress = performance.now();
  }

  /** Start loading what comes next, so it is ready when its turn comes. */
  prepare(item) {
    if (!item) return;
    if (item.type === 'video') {
      this.captions.prepare(this.videoFor(item.url), item);
    } else if (item.type === 'image' && this.preparedImage?.src !== item.url) {
      const image = new Image();
      image.src = item.url;
      image.decode().catch(() => {}); // a failure shows up again when it is presented
      this.preparedImage = { src: item.url, image };
    }
  }

  /**
   * Show one item until it ends, fails or signal cuts it: {outcome, shownAt, error}. Once it
   * is on show, start loading next.
   */
  async present(item, signal, next) {
    try {
      if (item.type === 'video') return await this.playVideo(item, signal, next);
      const layer = item.type === 'image' ? await this.posterLayer(item) : this.stillLayer(item);
      if (signal.aborted) {
        layer.remove();
        return { outcome: 'cut', shownAt: null };
      }
      this.endedAt = null;
      this.bringToFront(layer);
      const shownAt = performance.now();
      this.prepare(next);
      const outcome = await waitFor(item.duration * 1000, signal);
      return { outcome: outcome === 'done' ? 'ended' : 'cut', shownAt };
    } catch (error) {
      this.stats.errors += 1;
      return { outcome: 'error', shownAt: null, error };
    }
  }

  showIdle() {
    this.endedAt = null;
    this.bringToFront(this.idle);
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
    const box = this.front.querySelector?.('.tip-box');
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
    if (previous.tagName === 'VIDEO') this.releaseVideo(previous);
    else if (previous === this.idle) previous.dataset.state = 'off';
    else previous.remove();
  }

  newStill(kind) {
    const layer = element('div', `layer still ${kind}`);
    layer.dataset.state = 'back';
    this.root.insertBefore(layer, this.alert);
    return layer;
  }

  async posterLayer(item) {
    const prepared = this.preparedImage?.src === item.url ? this.preparedImage.image : null;
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
    const box = element('div', 'tip-box');
    if (item.title) box.append(element('h2', 'tip-title', item.title));
    if (item.body) box.append(element('p', 'tip-body', item.body));
    layer.append(box);
    const qr = qrFigure(item.qr);
    if (qr) layer.append(qr);
    const { min, max } = sizeRange(this.root, 0.055);
    fitText(box, min, max);
    return layer;
  }

  // -- videos -----------------------------------------------------------------------------

  /** A video element not on show, loading url (reused when it already is). */
  videoFor(url) {
    const free = this.videos.filter((video) => video !== this.front);
    const ready = free.find((video) => video.dataset.url === url && !video.error);
    if (ready) return ready;
    const video = free.find((v) => !v.dataset.url) || free[0];
    video.dataset.url = url;
    video.dataset.state = 'back';
    video.src = url;
    video.load();
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

  async playVideo(item, signal, next) {
    const video = this.videoFor(item.url);
    const endedAt = this.endedAt;
    this.endedAt = null;
    this.captions.follow(video, item);
    try {
      return await this.playFollowed(video, item, signal, next, endedAt);
    } finally {
      this.captions.stop();
    }
  }

  async playFollowed(video, item, signal, next, endedAt) {
    try {
      const started = await firstFrame(video, signal);
      if (started === 'cut') {
        this.releaseVideo(video);
        return { outcome: 'cut', shownAt: null };
      }
    } catch (error) {
      this.releaseVideo(video);
      throw error;
    }
    this.bringToFront(video);
    const shownAt = performance.now();
    this.noteFrame(shownAt, endedAt);
    this.prepare(next);
    const result = await this.watch(video, item, signal);
    if (result.outcome === 'error') throw result.error;
    return { ...result, shownAt };
  }

  noteFrame(shownAt, endedAt) {
    this.stats.firstFrameAt ??= shownAt;
    this.stats.lastFrameAt = shownAt;
    if (endedAt === null) return;
    this.stats.gaps.push(Math.round((shownAt - endedAt) * 10) / 10);
    if (this.stats.gaps.length > KEPT_GAPS) this.stats.gaps.shift();
  }

  /** Follow a playing clip to its end; a clip whose time stops moving is given up. */
  watch(video, item, signal) {
    return new Promise((resolve) => {
      const started = performance.now();
      const limit = item.duration ? item.duration * 1000 + OVERRUN_MS : Infinity;
      let lastTime = -1;
      let movedAt = started;
      const finish = (result) => {
        clearInterval(timer);
        video.removeEventListener('ended', onEnded);
        video.removeEventListener('error', onError);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onEnded = () => {
        this.endedAt = performance.now();
        this.stats.ended += 1;
        finish({ outcome: 'ended' });
      };
      const onError = () => finish({ outcome: 'error', error: mediaError(video) });
      const onAbort = () => {
        video.pause(); // it stays on show, still, until the next thing covers it
        finish({ outcome: 'cut' });
      };
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
      video.addEventListener('ended', onEnded);
      video.addEventListener('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Play video and wait for its first new frame on screen: 'shown', or 'cut' on abort. */
function firstFrame(video, signal) {
  return new Promise((resolve, reject) => {
    let handle = null;
    const finish = (error, value) => {
      clearTimeout(timer);
      video.removeEventListener('error', onError);
      video.removeEventListener('timeupdate', onTime);
      signal.removeEventListener('abort', onAbort);
      if (handle !== null) video.cancelVideoFrameCallback(handle);
      if (error) reject(error);
      else resolve(value);
    };
    const onError = () => finish(mediaError(video));
    const onAbort = () => finish(null, 'cut');
    // Without frame callbacks, the first advance of currentTime is the best sign there is.
    const onTime = () => video.currentTime > 0 && finish(null, 'shown');
    const timer = setTimeout(
      () => finish(new Error(`clip showed no picture within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    if (signal.aborted) return finish(null, 'cut');
    if (video.error) return finish(mediaError(video));
    video.addEventListener('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    if ('requestVideoFrameCallback' in video) {
      handle = video.requestVideoFrameCallback(() => {
        handle = null;
        finish(null, 'shown');
      });
    } else {
      video.addEventListener('timeupdate', onTime);
    }
    if (video.currentTime) video.currentTime = 0;
    video.play().catch((error) => {
      // AbortError only means the source changed under it, which the caller does on purpose.
      if (error.name !== 'AbortError') finish(new Error(`clip would not play: ${error.message}`));
    });
  });
}
