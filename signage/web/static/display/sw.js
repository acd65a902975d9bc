// The lobby player's service worker. Its scope is /display/, so it sees every request the
// player page makes, media included. It answers from the caches the page fills:
// - the page itself: from the network when it answers, else the copy kept last time;
// - the player's scripts: from the cache (their URLs carry the version, so they never change);
// - media: from the cache, cutting the byte ranges <video> asks for out of the whole file;
//   a file not kept yet is fetched whole into the cache first, so no byte of it comes twice.
// Everything else (the API) goes to the network untouched: the page handles those failures.

const SHELL_CACHE = 'signage-shell-v1';
const MEDIA_CACHE = 'signage-media-v1';
const PAGE_TIMEOUT_MS = 4000; // a hung LAN must not keep a reloading screen black for long
const DOWNLOAD_LOCK = 'signage-media-download'; // the page takes it too: one download at a time
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
// The page fetching a file under the download slot it holds (before this worker controlled
// it): straight to the network, or the two would wait for each other.
const PAGE_DOWNLOAD_HEADER = 'X-Signage-Page-Download';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== 'GET') return;
  if (request.mode === 'navigate' && /^\/display\/[^/]+$/.test(url.pathname)) {
    event.respondWith(page(request, url.origin + url.pathname));
  } else if (url.pathname.startsWith('/display/assets/')) {
    event.respondWith(asset(request));
  } else if (url.pathname.startsWith('/media/files/')) {
    if (!request.headers.has(PAGE_DOWNLOAD_HEADER)) event.respondWith(media(request));
  }
});

/** The player page, network first; the kept copy when the server is down or failing. */
async function page(request, cacheKey) {
  const cache = await caches.open(SHELL_CACHE);
  let response;
  try {
    response = await fetchWithin(request, PAGE_TIMEOUT_MS);
  } catch (ignored) {
    return (await cache.match(cacheKey)) || unreachable();
  }
  if (response.ok) {
    await cache.put(cacheKey, response.clone());
    return response;
  }
  if (response.headers.get('X-Signage-Refused')) {
    // This server withdrew the key: a later reload without the server must not play on.
    // (A proxy's 403/404 lacks the header: the kept copy plays on.)
    await cache.delete(cacheKey);
    return response;
  }
  return (await cache.match(cacheKey)) || response;
}

function unreachable() {
  const text = '<!doctype html><meta charset="utf-8"><title>无法连接服务器</title>' +
    '<meta http-equiv="refresh" content="30">' +
    '<body style="margin:0;height:100vh;display:grid;place-items:center;background:#062a52;' +
    'color:#fff;font:6vmin sans-serif">无法连接服务器，稍后自动重试</body>';
  const headers = { 'Content-Type': 'text/html; charset=utf-8' };
  return new Response(text, { status: 503, headers });
}

async function asset(request) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** A media file from the cache (the part asked for); fetched whole into it when missing. */
async function media(request) {
  const cache = await caches.open(MEDIA_CACHE);
  let kept = await cache.match(request.url);
  if (!kept) {
    try {
      kept = await download(cache, request.url);
    } catch (ignored) {
      return Response.error();
    }
    if (kept.status !== 200) return kept;
  }
  const range = request.headers.get('Range');
  return range ? part(kept, range) : kept;
}

/** Fetch url whole into the cache, holding the screen's one download slot; the response. */
function download(cache, url) {
  return withDownloadLock(async () => {
    const kept = await cache.match(url); // fetched while this waited for the slot
    if (kept) return kept;
    const request = new Request(url, { credentials: 'same-origin' });
    const response = await fetchWithin(request, DOWNLOAD_TIMEOUT_MS);
    if (response.status !== 200) return response;
    await cache.put(url, response);
    return cache.match(url);
  });
}

// Without Web Locks (before Chromium 69) the worker keeps its downloads in one line itself;
// the page then lets the worker fetch whatever it wants while the worker is in control.
let lastDownload = Promise.resolve();

/** Run task holding the screen's one download slot (Web Locks, or the worker's own line). */
function withDownloadLock(task) {
  if (self.navigator.locks) return self.navigator.locks.request(DOWNLOAD_LOCK, task);
  const run = lastDownload.then(task);
  lastDownload = run.catch(() => {});
  return run;
}

/**
 * fetch that gives up after ms (compat.js has the page's twin: a worker imports no modules).
 * AbortSignal.timeout came with Chromium 103, AbortController with 66; before that the
 * answer is raced against a timer.
 */
function fetchWithin(request, ms) {
  if ('AbortController' in self) {
    const control = new AbortController();
    setTimeout(() => control.abort(), ms);
    return fetch(request, { signal: control.signal });
  }
  const timedOut = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([fetch(request), timedOut]);
}

/** A 206 answer cut out of a whole cached file, as the server would have sent it. */
async function part(whole, range) {
  const blob = await whole.blob();
  const size = blob.size;
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start;
  let end;
  if (match && match[1] !== '') {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  } else if (match && match[2] !== '') {
    start = Math.max(0, size - Number(match[2])); // "bytes=-500": the last 500 bytes
    end = size - 1;
  }
  if (start === undefined || start > end || start >= size) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      'Content-Type': whole.headers.get('Content-Type') || 'application/octet-stream',
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
    },
  });
}
