// The screen's clock, corrected by the server's. Lobby PCs drift and often boot without a
// time source on a closed LAN, yet a segment must switch within a second of the schedule.

const OFFSET_KEY = 'signage.clockOffset';
const HEADER_TRUST_MS = 1500; // the Date header only has whole seconds

export class ServerClock {
  constructor(storage) {
    this.storage = storage;
    // Keep the last known offset across reloads: an offline reload must not lose it.
    this.offset = Number(storage.getItem(OFFSET_KEY)) || 0;
    this.precise = false;
  }

  /** Milliseconds since the epoch, as the server counts them. */
  now() {
    return Date.now() + this.offset;
  }

  /** A millisecond server time: assume it was stamped halfway through the request. */
  observe(serverMs, sentAt, receivedAt) {
    if (!Number.isFinite(serverMs)) return;
    this.setOffset(serverMs - (sentAt + receivedAt) / 2);
    this.precise = true;
  }

  /** The Date header: used only while nothing better is known, or when clearly off. */
  observeDateHeader(header, sentAt, receivedAt) {
    const stamped = Date.parse(header || '');
    if (!Number.isFinite(stamped)) return;
    const estimate = stamped + 500 - (sentAt + receivedAt) / 2;
    if (!this.precise || Math.abs(estimate - this.offset) > HEADER_TRUST_MS) {
      this.setOffset(estimate);
    }
  }

  setOffset(offset) {
    this.offset = Math.round(offset);
    try {
      this.storage.setItem(OFFSET_KEY, String(this.offset));
    } catch (ignored) {
      // A full storage only costs the offset after a reload.
    }
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
