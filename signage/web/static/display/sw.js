// The lobby player's service worker. Its scope is /display/, so it sees every request the
// player page makes, media included. It answers from the caches the page fills:
// - the page itself: from the network when it answers, else the copy kept last time;
// - the player's scripts: from the cache (their URLs carry the version, so they never change);
// - media: from the cache, cutting the byte ranges <video> asks for out of the whole file;
//   a file not kept yet is fetched whole into the cache first, so no byte of it comes twice:
//   a download the link cuts keeps what arrived (in pieces, in a cache of its own) and goes
//   on from that byte (Range + If-Range), and the whole file is checked against its name
//   (the first 16 hex digits of its SHA-256) before it is kept.
// Everything else (the API) goes to the network untouched: the page handles those failures.

const SHELL_CACHE = 'signage-shell-v1';
const MEDIA_CACHE = 'signage-media-v1';
const PAGE_TIMEOUT_MS = 4000; // a hung LAN must not keep a reloading screen black for long
const DOWNLOAD_LOCK = 'signage-media-download'; // the page takes it too: one download at a time
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
// Where a download's bytes wait until the file is whole (offline.js lets go of the pieces of
// files nothing plays any more). A cache, not memory: a worker stopped or a browser restarted
// mid-download goes on from the last piece put there.
const PARTIAL_CACHE = 'signage-media-partial-v1';
const PIECE_BYTES = 512 * 1024; // at most this much is fetched again after a power cut
const PIECE_MARK = 'signage-from='; // a piece's key: the file's URL and the byte it starts at
// No byte for this long: the link is down without saying so; give up this try, keep the
// bytes and try again (from where they end) after a pause.
const STALL_MS = 30 * 1000;
const RETRY_PAUSES_MS = [1000, 3000, 10000, 30000];
// crypto.subtle hashes a file in one piece, in memory: a bigger file is checked by its size.
const HASH_LIMIT_BYTES = 300 * 1024 * 1024;
const CONTENT_NAME = /\/([0-9a-f]{16})\.[a-z0-9]+$/; // a thumbnail (x.thumb.jpg) is not one
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
    const deadline = Date.now() + DOWNLOAD_TIMEOUT_MS;
    const partial = await caches.open(PARTIAL_CACHE);
    for (let tries = 0; ; tries += 1) {
      try {
        const refused = await fetchRest(partial, url, deadline);
        if (refused) return refused; // the server's answer, as it came
        const whole = await assemble(partial, url);
        if (!whole) throw new Error('the file arrived damaged; it is fetched again');
        await cache.put(url, whole);
        await dropPieces(partial, url);
        return cache.match(url);
      } catch (error) {
        const pause = RETRY_PAUSES_MS[Math.min(tries, RETRY_PAUSES_MS.length - 1)];
        if (Date.now() + pause >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  });
}

/**
 * Fetch what the pieces of url lack, putting it in pieces as it comes; null once it all
 * came, the server's answer when it refused. Throws when the link fails (the bytes that
 * came are kept).
 */
async function fetchRest(partial, url, deadline) {
  const pieces = await piecesOf(partial, url);
  let from = pieces.length ? pieces[pieces.length - 1].end : 0;
  const headers = {};
  if (from > 0) {
    headers.Range = `bytes=${from}-`;
    // The server sends the whole file again if it is not the one the pieces came from.
    headers['If-Range'] = pieces[0].etag;
  }
  const stall = stallWatch(deadline);
  const request = new Request(url, { credentials: 'same-origin', headers });
  try {
    const response = await stall.fetch(request);
    if (response.status === 200) {
      await dropPieces(partial, url);
      from = 0;
    } else if (response.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('Content-Range') || '');
      if (!range || Number(range[1]) !== from) {
        await dropPieces(partial, url);
        throw new Error('the server sent another part than the one asked for');
      }
    } else if (response.status === 416) {
      await dropPieces(partial, url); // the pieces claim more than the file has
      throw new Error('the kept part of the file does not fit it');
    } else if (response.status !== 200) {
      return response;
    }
    const about = {
      etag: response.headers.get('ETag') || '',
      size: fileSize(response),
      type: response.headers.get('Content-Type') || 'application/octet-stream',
    };
    await receive(response.body.getReader(), stall, (chunks, bytes) => {
      const piece = putPiece(partial, url, from, chunks, about);
      from += bytes;
      return piece;
    });
    return null;
  } finally {
    stall.stop();
  }
}

/** Read a body to its end, handing over each PIECE_BYTES (and what came before a failure). */
async function receive(reader, stall, keep) {
  let chunks = [];
  let bytes = 0;
  const flush = async () => {
    if (!bytes) return;
    const piece = chunks;
    const size = bytes;
    chunks = [];
    bytes = 0;
    await keep(piece, size);
  };
  try {
    for (;;) {
      const step = await reader.read();
      if (step.done) break;
      stall.progress();
      chunks.push(step.value);
      bytes += step.value.byteLength;
      if (bytes >= PIECE_BYTES) await flush();
    }
  } finally {
    await flush(); // a cut link keeps every byte that crossed it
  }
}

/** The whole file's size from a 200's Content-Length or a 206's Content-Range. */
function fileSize(response) {
  const range = /\/(\d+)$/.exec(response.headers.get('Content-Range') || '');
  const length = response.headers.get('Content-Length');
  if (range) return Number(range[1]);
  return length === null ? null : Number(length);
}

function putPiece(partial, url, from, chunks, about) {
  const blob = new Blob(chunks);
  const headers = {
    'Content-Type': about.type,
    'X-Signage-ETag': about.etag,
    'X-Signage-Size': about.size === null ? '' : String(about.size),
    'X-Signage-Bytes': String(blob.size),
  };
  return partial.put(pieceKey(url, from), new Response(blob, { headers }));
}

function pieceKey(url, from) {
  return `${url}${url.indexOf('?') < 0 ? '?' : '&'}${PIECE_MARK}${from}`;
}

/** The pieces kept of url, in order, as long as they follow on from each other. */
async function piecesOf(partial, url) {
  const found = [];
  for (const request of await partial.keys()) {
    const mark = request.url.lastIndexOf(PIECE_MARK);
    if (mark < 1 || request.url.slice(0, mark - 1) !== url) continue;
    const response = await partial.match(request);
    if (!response) continue;
    const start = Number(request.url.slice(mark + PIECE_MARK.length));
    found.push({
      request,
      start,
      end: start + Number(response.headers.get('X-Signage-Bytes')),
      etag: response.headers.get('X-Signage-ETag') || '',
      size: response.headers.get('X-Signage-Size'),
      type: response.headers.get('Content-Type'),
    });
  }
  found.sort((a, b) => a.start - b.start);
  const following = [];
  let next = 0;
  for (const piece of found) {
    if (piece.start !== next) break; // a gap: what lies after it is fetched again
    following.push(piece);
    next = piece.end;
  }
  return following;
}

async function dropPieces(partial, url) {
  for (const request of await partial.keys()) {
    if (request.url.startsWith(pieceKey(url, ''))) await partial.delete(request);
  }
}

/**
 * The whole file from its pieces, as a 200 answer to keep; null (the pieces dropped) when
 * they do not add up to it or its content does not match its name.
 */
async function assemble(partial, url) {
  const pieces = await piecesOf(partial, url);
  const size = pieces.length ? pieces[0].size : null;
  const blobs = [];
  for (const piece of pieces) blobs.push(await (await partial.match(piece.request)).blob());
  const whole = new Blob(blobs, { type: pieces.length ? pieces[0].type : '' });
  const sized = size === null || size === '' || Number(size) === whole.size;
  if (!pieces.length || !sized || !(await matchesName(url, whole))) {
    await dropPieces(partial, url);
    return null;
  }
  const headers = {
    'Content-Type': whole.type || 'application/octet-stream',
    'Content-Length': String(whole.size),
    ETag: pieces[0].etag,
    'Accept-Ranges': 'bytes',
  };
  return new Response(whole, { status: 200, headers });
}

/** Whether a content-named file's SHA-256 starts with its name (true where none can tell). */
async function matchesName(url, blob) {
  const name = CONTENT_NAME.exec(new URL(url).pathname);
  const subtle = self.crypto && self.crypto.subtle;
  if (!name || !subtle || blob.size > HASH_LIMIT_BYTES) return true;
  const digest = new Uint8Array(await subtle.digest('SHA-256', await new Response(blob).arrayBuffer()));
  const hex = Array.prototype.map.call(digest, (byte) => `0${byte.toString(16)}`.slice(-2));
  return hex.join('').slice(0, 16) === name[1];
}

/**
 * fetch with a watch on it: given up when no byte came for STALL_MS or at the deadline.
 * Before AbortController (Chromium 66) only the wait for the answer is bounded.
 */
function stallWatch(deadline) {
  const control = 'AbortController' in self ? new AbortController() : null;
  let timer = null;
  const watch = {
    progress() {
      clearTimeout(timer);
      const wait = Math.min(STALL_MS, Math.max(0, deadline - Date.now()));
      if (control) timer = setTimeout(() => control.abort(), wait);
    },
    stop() {
      clearTimeout(timer);
    },
    fetch(request) {
      watch.progress();
      if (control) return fetch(request, { signal: control.signal });
      return fetchWithin(request, Math.min(STALL_MS, Math.max(0, deadline - Date.now())));
    },
  };
  return watch;
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
