// Talking to the server: the manifest (with its ETag, kept for offline starts), heartbeats
// and proof-of-play. Every request is short and allowed to fail; the screen plays on from
// what it knows and tries again later.

import { fetchWithin } from './compat.js';

const REQUEST_TIMEOUT_MS = 10000;
// About a week of plays at one every 15 s through the working day, and still well inside
// the few megabytes of storage a page gets; beyond that the oldest are dropped.
const MAX_QUEUED_PLAYS = 20000;
const PLAYS_PER_BATCH = 500;

export class Refused extends Error {}

// Only this server's own refusals stop a screen: a proxy's 404 page, a login portal or an
// odd body counts as "unreachable", and the screen plays on from what it has.
const REFUSAL_CODES = new Set(['bad_screen_key', 'unknown_screen']);

async function isRefusal(response) {
  if (response.status !== 403 && response.status !== 404) return false;
  try {
    const body = await response.clone().json();
    return Boolean(body && body.error) && REFUSAL_CODES.has(body.error.code);
  } catch (ignored) {
    return false;
  }
}

/** Whether a body has the manifest's shape; anything else must never replace a good one. */
export function isManifest(manifest) {
  return (
    Boolean(manifest) &&
    typeof manifest === 'object' &&
    typeof manifest.server_time === 'string' &&
    Array.isArray(manifest.segments) &&
    manifest.segments.every(
      (segment) =>
        Boolean(segment) &&
        typeof segment.start === 'string' &&
        typeof segment.end === 'string' &&
        Array.isArray(segment.items),
    )
  );
}

/** fetch with a timeout and the screen's key; this server's refusal becomes Refused. */
export async function call(url, key, options = {}) {
  const headers = Object.assign({}, options.headers);
  if (key) headers['X-Screen-Key'] = key;
  const request = Object.assign({}, options, {
    headers,
    cache: 'no-store',
    credentials: 'same-origin',
  });
  const response = await fetchWithin(url, request, REQUEST_TIMEOUT_MS);
  if (await isRefusal(response)) {
    throw new Refused(`the server refused this screen (${response.status})`);
  }
  return response;
}

function postJson(url, key, body) {
  return call(url, key, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The manifest, polled with If-None-Match and kept in storage for starts without a server. */
export class ManifestSource {
  constructor({ url, key, clock, storage, screenId }) {
    this.url = url;
    this.key = key;
    this.clock = clock;
    this.storage = storage;
    this.storageKey = `signage.manifest.${screenId}`;
    this.etag = null;
  }

  /** The manifest kept from the last successful poll, or null. */
  stored() {
    try {
      const kept = JSON.parse(this.storage.getItem(this.storageKey) || 'null');
      if (!kept || !isManifest(kept.manifest)) return null;
      this.etag = kept.etag;
      return kept.manifest;
    } catch (ignored) {
      return null;
    }
  }

  forget() {
    this.storage.removeItem(this.storageKey);
    this.etag = null;
  }

  /** A new manifest, or null when it did not change; throws when the server cannot tell. */
  async poll() {
    const headers = this.etag ? { 'If-None-Match': this.etag } : {};
    const sentAt = Date.now();
    const response = await call(this.url, this.key, { headers });
    const receivedAt = Date.now();
    this.clock.observeDateHeader(response.headers.get('Date'), sentAt, receivedAt);
    if (response.status === 304) return null;
    if (!response.ok) throw new Error(`manifest request failed with HTTP ${response.status}`);
    const manifest = await response.json();
    if (!isManifest(manifest)) throw new Error('the answer is not a manifest (a proxy page?)');
    this.clock.observe(Date.parse(manifest.server_time), sentAt, receivedAt);
    this.etag = response.headers.get('ETag');
    try {
      this.storage.setItem(this.storageKey, JSON.stringify({ etag: this.etag, manifest }));
    } catch (ignored) {
      // Storage full: the screen still plays; only an offline restart would miss it.
    }
    return manifest;
  }
}

/** Proof-of-play records, queued in storage until the server has them. */
export class PlayQueue {
  constructor({ url, key, storage, screenId }) {
    this.url = url;
    this.key = key;
    this.storage = storage;
    this.storageKey = `signage.plays.${screenId}`;
    this.sending = false;
    this.made = 0;
    this.sent = 0;
    this.dropped = 0;
  }

  read() {
    try {
      return JSON.parse(this.storage.getItem(this.storageKey) || '[]');
    } catch (ignored) {
      return [];
    }
  }

  write(records) {
    try {
      this.storage.setItem(this.storageKey, JSON.stringify(records));
    } catch (ignored) {
      // Storage full: keep the newer half rather than lose every record from now on.
      try {
        this.storage.setItem(this.storageKey, JSON.stringify(records.slice(records.length / 2)));
      } catch (ignored) {
        this.storage.removeItem(this.storageKey);
      }
    }
  }

  add(record) {
    const records = this.read();
    records.push(record);
    this.write(records.slice(-MAX_QUEUED_PLAYS));
    this.made += 1;
  }

  get length() {
    return this.read().length;
  }

  /**
   * Send everything queued, a batch at a time. Records leave the queue only once the server
   * answered; a batch that is sent again after a lost answer counts once (the ids match).
   */
  async flush() {
    if (this.sending) return;
    this.sending = true;
    try {
      for (let batch = this.read().slice(0, PLAYS_PER_BATCH); batch.length; ) {
        const response = await postJson(this.url, this.key, { plays: batch });
        if (!response.ok && response.status !== 422) {
          throw new Error(`plays were not accepted (HTTP ${response.status})`);
        }
        // 422: the server will never take this batch (a clock far off); dropping it is the
        // only way the records behind it get through.
        const done = new Set(batch.map((record) => record.id));
        this.write(this.read().filter((record) => !done.has(record.id)));
        if (response.ok) this.sent += batch.length;
        else this.dropped += batch.length;
        batch = this.read().slice(0, PLAYS_PER_BATCH);
      }
    } finally {
      this.sending = false;
    }
  }
}

/**
 * Tell the server the screen is alive and what it plays; returns what staff asked of the
 * screen meanwhile ("snapshot", "reload"). May throw.
 */
export async function sendHeartbeat({ url, key, clock, beat }) {
  const sentAt = Date.now();
  const response = await postJson(url, key, beat);
  const receivedAt = Date.now();
  if (!response.ok) throw new Error(`heartbeat failed with HTTP ${response.status}`);
  const answer = await response.json();
  clock.observe(Date.parse(answer.server_time), sentAt, receivedAt);
  return Array.isArray(answer.requests) ? answer.requests : [];
}
