// Keeping the screen going without the server, page side: register the service worker,
// ask for storage the browser will not evict, and fill the caches it serves from (the page,
// its scripts, and whole media files of what plays next).

import { fetchWithin } from './compat.js';

export const SHELL_CACHE = 'signage-shell-v1';
export const MEDIA_CACHE = 'signage-media-v1';
// sw.js keeps the pieces of a download the link cut here, each under the file's URL plus
// PIECE_MARK and the byte it starts at; the page lets go of those nothing plays any more.
const PARTIAL_CACHE = 'signage-media-partial-v1';
const PIECE_MARK = 'signage-from=';
const DOWNLOAD_LOCK = 'signage-media-download'; // sw.js has its copy: it imports no modules
const PAGE_DOWNLOAD_HEADER = 'X-Signage-Page-Download'; // sw.js too: passes these through
const ASSETS_PREFIX = '/display/assets/';
// A download that takes longer is given up and tried again next round; a hung one must not
// hold up the files behind it forever. Ten minutes carries a 1 GB clip over a slow LAN.
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
// The link's speed is told from the latest downloads of files big enough to time.
const RATE_SAMPLES = 5;
const RATE_MIN_BYTES = 256 * 1024;

/** Whether a service worker controls this page (so a reload finds it without the server). */
export function workerInControl() {
  return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
}

/** Register the service worker; false where the browser has none (plain http on a LAN). */
export async function startServiceWorker(url) {
  if (!('serviceWorker' in navigator)) return false;
  await navigator.serviceWorker.register(url, { scope: '/display/' });
  return true;
}

/** Ask that our caches survive storage pressure; the answer is reported in heartbeats. */
export async function askToPersist() {
  try {
    const storage = navigator.storage;
    return Boolean(storage && storage.persist && (await storage.persist()));
  } catch (ignored) {
    return false;
  }
}

/**
 * Put the page and its scripts in the cache the service worker serves them from. On the
 * very first start the worker was not there to see them load, so without this a reload
 * with the server down would find nothing.
 */
export async function keepShell(assets) {
  if (!('caches' in window)) return;
  const cache = await caches.open(SHELL_CACHE);
  const page = location.origin + location.pathname;
  if (!(await cache.match(page))) {
    const response = await fetch(location.href, { cache: 'no-store' });
    if (response.ok) await cache.put(page, response);
  }
  for (const asset of assets) {
    if (!(await cache.match(asset))) await cache.add(asset);
  }
  // Scripts of earlier versions are dead weight once this version is kept.
  const current = new Set(assets.map((asset) => new URL(asset, location.href).href));
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    const stale = url.pathname.startsWith(ASSETS_PREFIX) && !current.has(url.href);
    if (stale) await cache.delete(request);
  }
}

/** Resolves once a service worker controls the page, or after ms (it may never). */
export async function whenControlled(url, ms) {
  if (!('serviceWorker' in navigator) || navigator.serviceWorker.controller) return;
  const container = navigator.serviceWorker;
  const controlled = new Promise((resolve) => {
    container.addEventListener('controllerchange', resolve, { once: true });
  });
  await startServiceWorker(url).catch(() => {});
  await Promise.race([controlled, new Promise((resolve) => setTimeout(resolve, ms))]);
}

/**
 * Whole media files for what the manifests still play, each fetched once and kept until no
 * segment ahead needs it. A file is fetched in the quiet hours, or at once when it plays
 * before they come; one at a time, soonest first, under a lock the service worker (which
 * fetches a file a <video> asks for before it was kept) takes too.
 */
export class MediaCache {
  constructor() {
    this.wanted = []; // every file the manifests still play: {url, firstMs, bytes}
    this.due = []; // the urls of those to have now
    this.cached = 0;
    this.held = new Map(); // url → bytes, of the files kept
    this.failed = new Map(); // url → why it could not be fetched
    this.running = null;
    this.again = false;
    this.timings = []; // {bytes, ms} of the latest downloads: the link's speed
  }

  /** Keep these files ({url, firstMs, bytes}, soonest first); fetch the due ones now. */
  keep(files, due) {
    const absolute = (url) => new URL(url, location.href).href;
    this.wanted = files.map((file) => Object.assign({}, file, { url: absolute(file.url) }));
    this.due = due.map(absolute);
    if (!('caches' in window)) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.fill().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.keep(this.wanted, this.due);
      }
    });
    return this.running;
  }

  async fill() {
    const cache = await caches.open(MEDIA_CACHE);
    for (const url of this.due) {
      if (this.held.has(url) || (await this.note(cache, url))) continue;
      try {
        const started = performance.now();
        await downloadOnce(cache, url);
        this.failed.delete(url);
        if (await this.note(cache, url)) this.timed(this.held.get(url), performance.now() - started);
      } catch (error) {
        this.failed.set(url, String(error.message || error));
      }
    }
    const keep = new Set(this.wanted.map((file) => file.url));
    for (const request of await cache.keys()) {
      if (keep.has(request.url)) await this.note(cache, request.url);
      else {
        await cache.delete(request);
        this.held.delete(request.url);
      }
    }
    const partial = await caches.open(PARTIAL_CACHE);
    for (const request of await partial.keys()) {
      const mark = request.url.lastIndexOf(PIECE_MARK);
      if (!keep.has(request.url.slice(0, Math.max(0, mark - 1)))) await partial.delete(request);
    }
    for (const url of this.failed.keys()) if (!keep.has(url)) this.failed.delete(url);
    this.cached = this.wanted.filter((file) => this.held.has(file.url)).length;
  }

  /** Whether url is known to be kept (always true where there is no cache to keep it in). */
  holds(url) {
    return !('caches' in window) || this.held.has(new URL(url, location.href).href);
  }

  /** Whether url is kept; remembers its size when it is. */
  async note(cache, url) {
    const kept = await cache.match(url);
    if (!kept) {
      this.held.delete(url);
      return false;
    }
    this.held.set(url, Number(kept.headers.get('Content-Length')) || 0);
    return true;
  }

  /** Note how long a download took (the cuts and pauses of a bad link included). */
  timed(bytes, ms) {
    if (bytes < RATE_MIN_BYTES || !(ms > 0)) return;
    this.timings = this.timings.concat([{ bytes, ms }]).slice(-RATE_SAMPLES);
  }

  /** Bytes a second over the latest downloads; null before one was timed. */
  get rate() {
    const bytes = this.timings.reduce((sum, timing) => sum + timing.bytes, 0);
    const ms = this.timings.reduce((sum, timing) => sum + timing.ms, 0);
    return ms > 0 ? Math.round((bytes * 1000) / ms) : null;
  }

  /** For the heartbeat: what is kept, and what the next day needs that is not here yet. */
  async status(now, horizonMs) {
    const estimate = (await storageEstimate()) || {};
    if ('caches' in window) {
      // Counted afresh: after a reload the first heartbeat comes before the first fill ends.
      const cache = await caches.open(MEDIA_CACHE);
      for (const file of this.wanted) await this.note(cache, file.url);
    }
    const lacking = this.wanted.filter((f) => f.firstMs < now + horizonMs && !this.held.has(f.url));
    return {
      service_worker: workerInControl(),
      wanted: this.wanted.length,
      cached: this.cached,
      held_bytes: [...this.held.values()].reduce((sum, bytes) => sum + bytes, 0),
      lacking_files: lacking.length,
      lacking_bytes: lacking.reduce((sum, file) => sum + file.bytes, 0),
      download_rate: this.rate,
      failed: [...this.failed].slice(0, 5).map(([url, why]) => `${url.split('/').pop()}: ${why}`),
      usage_bytes: 'usage' in estimate ? estimate.usage : null,
      quota_bytes: 'quota' in estimate ? estimate.quota : null,
    };
  }
}

/**
 * Fetch url whole into the cache unless it is there, one download per screen at a time.
 * With a service worker in control the request goes through it and it does the fetching,
 * the same way as for a <video> asking for a file not kept yet; else the page does.
 */
async function downloadOnce(cache, url) {
  const viaWorker = workerInControl();
  const download = async () => {
    const options = {
      credentials: 'same-origin',
      // A worker that took control after viaWorker was read must not fetch this itself: it
      // would wait for the download slot this page holds, and both would wait forever.
      headers: viaWorker ? {} : { [PAGE_DOWNLOAD_HEADER]: '1' },
    };
    const response = await fetchWithin(url, options, DOWNLOAD_TIMEOUT_MS);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return response;
  };
  if (viaWorker) {
    const response = await download();
    // The worker kept it; the page needs none of the bytes.
    if (response.body) await response.body.cancel();
    return;
  }
  await withDownloadLock(async () => {
    if (!(await cache.match(url))) await cache.put(url, await download());
  });
}

// Without Web Locks (before Chromium 69) the page keeps its downloads in one line itself.
let lastDownload = Promise.resolve();

/** Run task holding the screen's one download slot (Web Locks, or the page's own line). */
export function withDownloadLock(task) {
  if (navigator.locks) return navigator.locks.request(DOWNLOAD_LOCK, task);
  const run = lastDownload.then(task);
  lastDownload = run.catch(() => {});
  return run;
}

/** How much storage the caches use and may use, where the browser tells (Chromium 61 on). */
async function storageEstimate() {
  const storage = navigator.storage;
  if (!storage || !storage.estimate) return null;
  return storage.estimate().catch(() => null);
}
