// What the oldest engines a court's screen may have (Chromium 64: Android WebViews never
// updated, old 360/QQ browser cores) lack, each detected once and given a fallback of our
// own. main.js imports this module first, so the other modules may rely on what it fills in.

/** An AbortSignal's part the player uses: aborted, and listeners for 'abort'. */
class FallbackSignal {
  constructor() {
    this.aborted = false;
    this.listeners = [];
  }

  addEventListener(type, listener, options) {
    if (type !== 'abort') return;
    const once = Boolean(options && options.once);
    this.listeners.push({ listener, once });
  }

  removeEventListener(type, listener) {
    this.listeners = this.listeners.filter((entry) => entry.listener !== listener);
  }
}

/** AbortController for engines before Chromium 66: the signal only (fetch ignores it). */
class FallbackController {
  constructor() {
    this.signal = new FallbackSignal();
  }

  abort() {
    const signal = this.signal;
    if (signal.aborted) return;
    signal.aborted = true;
    const listeners = signal.listeners;
    signal.listeners = listeners.filter((entry) => !entry.once);
    const event = { type: 'abort', target: signal };
    for (const entry of listeners) entry.listener.call(signal, event);
  }
}

if (typeof window.AbortController !== 'function') window.AbortController = FallbackController;

/** Whether fetch() can be called off through a signal (Chromium 66 on). */
export const FETCH_ABORTS = 'AbortSignal' in window;

/** A signal that aborts after ms (AbortSignal.timeout came with Chromium 103). */
export function timeoutSignal(ms) {
  if (FETCH_ABORTS && typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const control = new AbortController();
  setTimeout(() => control.abort(), ms);
  return control.signal;
}

/**
 * fetch that gives up after ms. Where fetch ignores the signal, the answer is raced against
 * it instead: the request itself then runs on, but nobody waits for it any longer.
 */
export function fetchWithin(url, options, ms) {
  const signal = timeoutSignal(ms);
  const request = fetch(url, Object.assign({}, options, { signal }));
  if (FETCH_ABORTS) return request;
  const timedOut = new Promise((resolve, reject) => {
    signal.addEventListener(
      'abort',
      () => reject(new Error(`no answer within ${ms / 1000} s`)),
      { once: true },
    );
  });
  return Promise.race([request, timedOut]);
}

/** node.replaceChildren(...children) (Chromium 86). */
export function replaceChildren(node, children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  for (const child of children) node.appendChild(child);
}

/** The items of every list, in order (Array.prototype.flat came with Chromium 69). */
export function concatAll(lists) {
  return [].concat(...lists);
}

/** The engine's Chromium major version from its user agent, or null when it names none. */
export function chromiumVersion(userAgent) {
  const match = /(?:Chrome|Chromium)\/(\d+)/.exec(userAgent || '');
  return match ? Number(match[1]) : null;
}

/**
 * The newer features this engine lacks that the player would use: the heartbeat reports
 * them, so the overview can say why an old screen does less than a new one.
 */
export function missingFeatures() {
  const video = document.createElement('video');
  const checks = [
    ['service-worker', 'serviceWorker' in navigator],
    ['cache-storage', 'caches' in window],
    ['web-locks', 'locks' in navigator],
    ['storage-manager', 'storage' in navigator && 'estimate' in navigator.storage],
    ['abort-controller', FETCH_ABORTS],
    ['abort-signal-timeout', FETCH_ABORTS && 'timeout' in AbortSignal],
    ['video-frame-callback', 'requestVideoFrameCallback' in video],
    ['h264', video.canPlayType('video/mp4; codecs="avc1.42E01E"') !== ''],
  ];
  return checks.filter((check) => !check[1]).map((check) => check[0]);
}
