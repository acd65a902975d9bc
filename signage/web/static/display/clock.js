// The screen's clock, corrected by the server's. Lobby PCs drift and often boot without a
// time source on a closed LAN, yet a segment must switch within a second of the schedule.

const OFFSET_KEY = 'signage.clockOffset';
const SAMPLES_KEY = 'signage.clockSamples';
const HEADER_TRUST_MS = 1500; // the Date header only has whole seconds
// The offset is the one the quickest of the recent exchanges with the server measured: the
// server stamped its time somewhere within the round trip, so a quick one is off by little,
// a slow one (a busy box, a queue on the network) by up to half its length.
const SAMPLES_KEPT = 8;
const SAMPLE_AGE_MS = 5 * 60 * 1000; // older ones no longer count: the screen's clock drifts

export class ServerClock {
  constructor(storage) {
    this.storage = storage;
    // Keep the last known offset across reloads: an offline reload must not lose it, and a
    // reload must not start from the first (often slow) exchange alone.
    this.offset = Number(storage.getItem(OFFSET_KEY)) || 0;
    this.samples = readSamples(storage);
    this.precise = this.samples.length > 0;
  }

  /** Milliseconds since the epoch, as the server counts them. */
  now() {
    return Date.now() + this.offset;
  }

  /**
   * A millisecond server time, stamped somewhere between sentAt and receivedAt (the screen's
   * Date.now()): the offset is then known within half the round trip either way.
   */
  observe(serverMs, sentAt, receivedAt) {
    const trip = receivedAt - sentAt;
    if (!Number.isFinite(serverMs) || !(trip >= 0)) return;
    const sample = { offset: serverMs - (sentAt + receivedAt) / 2, trip, at: receivedAt };
    const recent = this.samples.filter(
      (one) => one.at <= receivedAt && receivedAt - one.at <= SAMPLE_AGE_MS,
    );
    const best = quickest(recent);
    // One that cannot be true together with the best: a clock was set meanwhile.
    const agrees =
      !best || Math.abs(sample.offset - best.offset) <= (sample.trip + best.trip) / 2 + 1;
    this.samples = (agrees ? recent : []).concat(sample).slice(-SAMPLES_KEPT);
    this.precise = true;
    this.setOffset(quickest(this.samples).offset);
  }

  /** The Date header: used only while nothing better is known, or when clearly off. */
  observeDateHeader(header, sentAt, receivedAt) {
    const stamped = Date.parse(header || '');
    if (!Number.isFinite(stamped)) return;
    const estimate = stamped + 500 - (sentAt + receivedAt) / 2;
    if (!this.precise || Math.abs(estimate - this.offset) > HEADER_TRUST_MS) {
      this.samples = []; // they were measured against a clock that has since been set
      this.setOffset(estimate);
    }
  }

  setOffset(offset) {
    this.offset = Math.round(offset);
    try {
      this.storage.setItem(OFFSET_KEY, String(this.offset));
      this.storage.setItem(SAMPLES_KEY, JSON.stringify(this.samples));
    } catch (ignored) {
      // A full storage only costs the offset after a reload.
    }
  }
}

/** The exchange with the shortest round trip, or null. */
function quickest(samples) {
  let found = null;
  for (const one of samples) if (!found || one.trip < found.trip) found = one;
  return found;
}

/** The exchanges kept from before a reload; none when unreadable. */
function readSamples(storage) {
  try {
    const kept = JSON.parse(storage.getItem(SAMPLES_KEY) || '[]');
    const valid = (one) => one && [one.offset, one.trip, one.at].every(Number.isFinite);
    return Array.isArray(kept) ? kept.filter(valid).slice(-SAMPLES_KEPT) : [];
  } catch (ignored) {
    return [];
  }
}

const formatters = new Map();

/** Intl formatters are costly to build; the header asks every quarter second. */
function formatter(timeZone, options) {
  const key = timeZone + JSON.stringify(options);
  if (!formatters.has(key)) {
    let made;
    try {
      made = new Intl.DateTimeFormat('zh-CN', Object.assign({ timeZone }, options));
    } catch (ignored) {
      made = new Intl.DateTimeFormat('zh-CN', options); // unknown zone: the screen's own
    }
    formatters.set(key, made);
  }
  return formatters.get(key);
}

/** "2026年12月4日 星期五" in the site's zone. */
export function chineseDate(ms, timeZone) {
  const day = formatter(timeZone, { year: 'numeric', month: 'long', day: 'numeric' });
  const weekday = formatter(timeZone, { weekday: 'long' });
  return `${day.format(ms)} ${weekday.format(ms)}`;
}

/** The numbers of ms's date and time in timeZone, by part type ('year', 'hour', ...). */
function partsOf(ms, timeZone) {
  const options = {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hour12: false,
  };
  const parts = {};
  for (const part of formatter(timeZone, options).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

function twoDigits(number) {
  return String(number).padStart(2, '0');
}

/** "09:05" in the site's zone. */
export function wallTime(ms, timeZone) {
  // Built from parts: `hourCycle` came with Chromium 73, and `hour12: false` alone says
  // "24:05" for midnight on some engines.
  const parts = partsOf(ms, timeZone);
  return `${twoDigits(parts.hour % 24)}:${twoDigits(parts.minute)}`;
}

/** "2026-12-04": ms's date in the site's zone. */
export function localDate(ms, timeZone) {
  const parts = partsOf(ms, timeZone);
  return `${parts.year}-${twoDigits(parts.month)}-${twoDigits(parts.day)}`;
}
