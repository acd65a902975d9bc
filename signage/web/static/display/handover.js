// Handing the main zone from one item to the next clip on the frame. Starting a clip takes
// Chromium a while (play() to its first frame on screen: a few tens of ms, more on a busy
// box, more for a clip with sound, whose clock waits for the audio output), so the next clip
// is started that long before the current item ends, under it, and comes to the front when
// the current item's time is up. The lead is measured on every start, for each clip.
//
// requestVideoFrameCallback (Chromium 83 on) tells when each frame is on screen. Older
// engines only have the clip's clock (currentTime), read on every frame the page draws near
// the end of a clip: a frame is on screen about when the clock reaches its time.

const LEAD_FIRST_MS = 60; // until this box's own starts were measured
const LEAD_STARTS_KEPT = 5; // the lead is the median of this many starts
const LEAD_LONGEST_MS = 400; // a start that slow was a hiccup, not the box's pace
const LEAD_CLIPS_KEPT = 100; // clips whose own lead is remembered
// A change to the page made in a task shows with the next frame the page draws: make it
// that long (one 60 Hz frame) before the moment it is meant for.
export const SWAP_LEAD_MS = 16;
// Without frame callbacks: one frame of a clip, as prepared clips have it (25-30 fps); the
// same guess goes into the lead and into the moment play() is called, so it cancels out.
const CLOCK_FRAME_MS = 40;
// Without frame callbacks: from the clock reaching a frame's time to that frame on screen.
const CLOCK_TO_SCREEN_MS = 16;
// Without frame callbacks: the clock is read on every frame drawn from this long before the
// end (timeupdate, every 250 ms, says when that is).
const CLOCK_NEAR_END_MS = 1000;
// A clip this close to where it should start is there already (no seek, which takes time).
const SEEK_SLACK_S = 0.001;

/** Whether this engine tells when each video frame is on screen (Chromium 83 on). */
function hasFrameCallbacks(video) {
  return 'requestVideoFrameCallback' in video;
}

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

/** The middle one of some numbers. */
function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * How long a clip takes from play() to its second frame on screen: the median of its last
 * few starts (one with sound starts slower than one without), or of the last few starts of
 * any clip for a clip not started yet. A median, because a busy box makes some starts slow
 * and a start judged too slow from them would run the clip's first frames under the one
 * before.
 */
export class StartLead {
  constructor() {
    this.ms = LEAD_FIRST_MS;
    this.recent = []; // the last starts of any clip (ms)
    this.clips = new Map(); // url → its last starts (ms)
  }

  /** The lead of the clip at url. */
  of(url) {
    const own = this.clips.get(url);
    return own ? median(own) : this.ms;
  }

  learn(ms, url) {
    if (!(ms > 0) || ms > LEAD_LONGEST_MS) return;
    const own = this.clips.get(url) || [];
    this.clips.delete(url); // kept in the order they were last learnt from
    this.clips.set(url, own.concat(ms).slice(-LEAD_STARTS_KEPT));
    if (this.clips.size > LEAD_CLIPS_KEPT) this.clips.delete(this.clips.keys().next().value);
    this.recent = this.recent.concat(ms).slice(-LEAD_STARTS_KEPT);
    this.ms = median(this.recent);
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
  constructor(url, from = 0) {
    this.url = url;
    this.from = from; // where in the clip it starts (s): 0 but for a wall's screen joining late
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
 * Play video from `from` (s) and wait for its first new frame on screen: 'shown', or 'cut' on
 * abort.
 * onShown(metadata, playedAt) runs inside the frame callback, so what it changes on the page
 * goes to the screen together with that frame. Without frame callbacks it runs once the
 * clock moves, with the moment its second frame is on screen worked out from the clock.
 */
export function firstFrame(video, signal, timeoutMs, onShown, from = 0) {
  return new Promise((resolve, reject) => {
    const frameCallbacks = hasFrameCallbacks(video);
    let handle = null;
    let drawing = null;
    const finish = (error, value) => {
      clearTimeout(timer);
      video.removeEventListener('error', onError);
      video.removeEventListener('timeupdate', onClock);
      signal.removeEventListener('abort', onAbort);
      if (handle !== null) video.cancelVideoFrameCallback(handle);
      if (drawing !== null) cancelAnimationFrame(drawing);
      if (error) reject(error);
      else resolve(value);
    };
    const onError = () => finish(mediaError(video));
    const onAbort = () => finish(null, 'cut');
    const playedAt = performance.now();
    const onClock = () => {
      const played = video.currentTime - from;
      if (!(played > 0)) return;
      // The clock started that long ago, showing the first frame; the second is one frame on.
      const startedAt = performance.now() - (played * 1000) / (video.playbackRate || 1);
      const second = startedAt + CLOCK_FRAME_MS + CLOCK_TO_SCREEN_MS;
      onShown({ mediaTime: CLOCK_FRAME_MS / 1000, expectedDisplayTime: second }, playedAt);
      finish(null, 'shown');
    };
    const onDraw = () => {
      drawing = requestAnimationFrame(onDraw);
      onClock();
    };
    const timer = setTimeout(
      () => finish(new Error(`clip showed no picture within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    if (signal.aborted) return finish(null, 'cut');
    if (video.error) return finish(mediaError(video));
    video.addEventListener('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    if (frameCallbacks) {
      handle = video.requestVideoFrameCallback((now, metadata) => {
        handle = null;
        onShown(metadata, playedAt);
        finish(null, 'shown');
      });
    } else {
      // Every frame the page draws, and timeupdate where none are drawn (a hidden page).
      drawing = requestAnimationFrame(onDraw);
      video.addEventListener('timeupdate', onClock);
    }
    if (Math.abs(video.currentTime - from) > SEEK_SLACK_S) video.currentTime = from;
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
  if (!hasFrameCallbacks(video)) return followClock(video, onEnd);
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

/**
 * followFrames without frame callbacks: the clip's end from its clock, read on every frame
 * the page draws in its last second. The clip's last frame has had its time when the clock
 * reaches the clip's duration, and is seen that much later as any frame is.
 */
function followClock(video, onEnd) {
  let drawing = null;
  const left = () => ((video.duration - video.currentTime) * 1000) / (video.playbackRate || 1);
  const onDraw = () => {
    drawing = requestAnimationFrame(onDraw);
    const ms = left();
    if (Number.isFinite(ms) && !video.paused) {
      onEnd(performance.now() + Math.max(0, ms) + CLOCK_TO_SCREEN_MS, CLOCK_FRAME_MS);
    }
  };
  const onTime = () => {
    if (drawing === null && left() < CLOCK_NEAR_END_MS) drawing = requestAnimationFrame(onDraw);
  };
  video.addEventListener('timeupdate', onTime);
  onTime();
  return () => {
    video.removeEventListener('timeupdate', onTime);
    if (drawing !== null) cancelAnimationFrame(drawing);
    drawing = null;
  };
}
