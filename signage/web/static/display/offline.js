// Keeping the screen going without the server, page side: register the service worker,
// ask for storage the browser will not evict, and fill the caches it serves from (the page,
// its scripts, and whole media files of what plays next).

export const SHELL_CACHE = 'signage-shell-v1';
export const MEDIA_CACHE = 'signage-media-v1';
const ASSETS_PREFIX = '/display/assets/';
// A download that takes longer is given up and tried again next round; a hung one must not
// hold up the files behind it forever. Ten minutes carries a 1 GB clip over a slow LAN.
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

/** Register the service worker; false where the browser has none (plain http on a LAN). */
export async function startServiceWorker(url) {
  if (!('serviceWorker' in navigator)) return false;
  await navigator.serviceWorker.register(url, { scope: '/display/' });
  return true;
}

/** Ask that our caches survive storage pressure; the answer is reported in heartbeats. */
export async function askToPersist() {
  try {
    return Boolean(await navigator.storage?.persist?.());
  } catch {
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

/** Whole media files for what plays next, fetched ahead of time; the rest evicted. */
export class MediaCache {
  constructor() {
    this.wanted = [];
    this.cached = 0;
    this.failed = new Map(); // url → why it could not be fetched
    this.running = null;
    this.again = false;
  }

  /** Keep exactly these URLs (soonest first). Calls during a fill queue one more round. */
  keep(urls) {
    this.wanted = urls.map((url) => new URL(url, location.href).href);
    if (!('caches' in window)) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.fill().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.keep(this.wanted);
      }
    });
    return this.running;
  }

  async fill() {
    const cache = await caches.open(MEDIA_CACHE);
    const wanted = this.wanted;
    let cached = 0;
    for (const url of wanted) {
      if (await cache.match(url)) {
        cached += 1;
        continue;
      }
      try {
        // A plain request (no Range) gets the whole file; <video> only ever asks for parts.
        const response = await fetch(url, {
          credentials: 'same-origin',
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        await cache.put(url, response);
        this.failed.delete(url);
        cached += 1;
      } catch (error) {
        this.failed.set(url, String(error.message || error));
      }
    }
    const keep = new Set(wanted);
    for (const request of await cache.keys()) {
      if (!keep.has(request.url)) await cache.delete(request);
    }
    for (const url of this.failed.keys()) if (!keep.has(url)) this.failed.delete(url);
    this.cached = cached;
  }

  /** For the heartbeat: how much of what is wanted is on this screen's disk. */
  async status() {
    const estimate = (await navigator.storage?.estimate?.().catch(() => null)) || {};
    return {
      service_worker: Boolean(navigator.serviceWorker?.controller),
      wanted: this.wanted.length,
      cached: this.cached,
      failed: [...this.failed].slice(0, 5).map(([url, why]) => `${url.split('/').pop()}: ${why}`),
      usage_bytes: estimate.usage ?? null,
      quota_bytes: estimate.quota ?? null,
    };
  }
}
