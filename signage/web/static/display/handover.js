// Handing the main zone from one item to the next clip on the frame. Starting a clip takes
// Chromium a while (play() to its first frame on screen: a few tens of ms, more on a busy
// box), so the next clip is started that long before the current item ends, under it, and
// comes to the front when the current item's time is up. The lead is measured on every start.

const LEAD_FIRST_MS = 60; // until this box's own starts were measured
const LEAD_SHARE = 0.25; // weight of each new measurement in the running lead
const LEAD_LONGEST_MS = 400; // a start that slow was a hiccup, not the box's pace
// A change to the page made in a task shows with the next frame the page draws: make it
// that long (one 60 Hz frame) before the moment it is meant for.
export const SWAP_LEAD_MS = 16;

/** A promise with its resolve and reject outside (Promise.withResolvers is too new here). */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => {}); // a failed early start is reported when its turn comes
  return { promise, resolve, reject };
}

/** The running estimate of how long a clip takes from play() to its first frame on screen. */
export class StartLead {
  constructor() {
    this.ms = LEAD_FIRST_MS;
    this.measured = 0;
  }

  learn(ms) {
    if (!(ms > 0) || ms > LEAD_LONGEST_MS) return;
    this.ms = this.measured ? this.ms + LEAD_SHARE * (ms - this.ms) : ms;
    this.measured += 1;
  }
}

/**
 * The next clip, started ahead of its turn. It waits under the front, paused on its first
 * frame; at the moment the item before it ends it comes to the front (that first frame is
 * then seen at once) and it was set playing one lead earlier, so its second frame follows
 * one frame later. `shown` settles once it is on show ('shown'), when it was called off
 * ('cut'), or with the error that kept it from playing.
 */
export class EarlyStart {
  constructor(url) {
    this.url = url;
    this.video = null;
    this.playing = false; // play() was called
    this.swapped = false; // it is on show
    this.due = false; // its moment came before it had a frame to show
    this.endsAt = null;
    this.timers = [];
    this.onShown = null; // set by the item on show, which ends when this one takes over
    this.control = new AbortController();
    this.done = deferred();
    this.shown = this.done.promise;
  }

  /**
   * The item before ends at endsAt (performance.now() ms; frameMs is a frame of this clip):
   * play() then, less the lead, plus a frame; come to the front then. Later calls move both.
   */
  schedule(endsAt, frameMs, leadMs, { play, swap }) {
    if (this.swapped || this.control.signal.aborted) return;
    // Each frame of the clip before refines the moment by a little; only a change counts.
    if (this.endsAt !== null && Math.abs(endsAt - this.endsAt) < 2) return;
    this.endsAt = endsAt;
    this.timers.forEach(clearTimeout);
    const now = performance.now();
    const after = (moment, run) => setTimeout(run, Math.max(0, moment - now));
    this.timers = [after(endsAt - SWAP_LEAD_MS, swap)];
    if (!this.playing) this.timers.push(after(endsAt + frameMs - leadMs, play));
  }

  cancel() {
    this.timers.forEach(clearTimeout);
    this.control.abort();
    this.done.resolve('cut');
  }
}

/**
 * Play video and wait for its first new frame on screen: 'shown', or 'cut' on abort.
 * onShown(metadata, playedAt) runs inside the frame callback, so what it changes on the page
 * goes to the screen together with that frame.
 */
export function firstFrame(video, signal, timeoutMs, onShown = () => {}) {
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
    const playedAt = performance.now();
    // Without frame callbacks, the first advance of currentTime is the best sign there is.
    const onTime = () => {
      if (video.currentTime <= 0) return;
      onShown(null, playedAt);
      finish(null, 'shown');
    };
    const timer = setTimeout(
      () => finish(new Error(`clip showed no picture within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    if (signal.aborted) return finish(null, 'cut');
    if (video.error) return finish(mediaError(video));
    video.addEventListener('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    if ('requestVideoFrameCallback' in video) {
      handle = video.requestVideoFrameCallback((now, metadata) => {
        handle = null;
        onShown(metadata, playedAt);
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

export function mediaError(video) {
  const error = video.error;
  const what = error ? `code ${error.code}${error.message ? `: ${error.message}` : ''}` : 'unknown';
  return new Error(`clip failed to load (${what})`);
}

/**
 * Follow a playing clip's frames: onEnd(endsAt, frameMs) with the moment (performance.now()
 * ms) its last frame will have had its time on screen, refined on every frame, and how long
 * one of its frames lasts. Returns a function that stops following.
 */
export function followFrames(video, onEnd) {
  if (!('requestVideoFrameCallback' in video)) return () => {};
  let handle = null;
  let lastMedia = null;
  let frameMs = Infinity;
  const onFrame = (now, metadata) => {
    handle = video.requestVideoFrameCallback(onFrame);
    const rate = video.playbackRate || 1;
    // Frames dropped under load make some steps longer; the shortest step is one frame.
    const step = lastMedia === null ? 0 : ((metadata.mediaTime - lastMedia) * 1000) / rate;
    if (step > 1) frameMs = Math.min(frameMs, step);
    lastMedia = metadata.mediaTime;
    const left = ((video.duration - metadata.mediaTime) * 1000) / rate;
    if (Number.isFinite(left) && Number.isFinite(frameMs)) {
      onEnd(metadata.expectedDisplayTime + Math.max(0, left), frameMs);
    }
  };
  handle = video.requestVideoFrameCallback(onFrame);
  return () => {
    if (handle !== null) video.cancelVideoFrameCallback(handle);
    handle = null;
  };
}
