// Reading the manifest: which segment, alert and ticker lines hold at a moment. Pure
// functions over a "plan" (the manifest with its times parsed once), so the page decides
// what plays by itself and keeps doing so when the server cannot be reached.

import { wallTime } from './clock.js';

/** The manifest with every time parsed to epoch milliseconds. */
export function toPlan(manifest) {
  const segments = (manifest.segments || []).map((segment) =>
    Object.assign({}, segment, {
      id: `${segment.start}|${segment.end}|${segment.playlist}`,
      startMs: Date.parse(segment.start),
      endMs: Date.parse(segment.end),
      items: (segment.items || []).filter(isPlayable),
    }),
  );
  const ticker = (manifest.ticker || []).map((line) => ({
    text: String(line.text || ''),
    startMs: Date.parse(line.start),
    endMs: Date.parse(line.end),
  }));
  const given = manifest.alert;
  const alert = given
    ? Object.assign({}, given, { text: String(given.text || ''), untilMs: Date.parse(given.until) })
    : null;
  return {
    manifest,
    segments,
    ticker,
    alert,
    hours: toHours(manifest.hours),
    pollSeconds: Math.max(5, Number(manifest.poll_seconds) || 30),
    // One screen of a wall: each item starts at the instant the day's plan gives it.
    sync: Boolean(manifest.screen && manifest.screen.sync),
    site: manifest.site || {},
  };
}

/** The opening hours as lit stretches in epoch ms; null for a screen that never sleeps. */
function toHours(hours) {
  if (!hours || !Array.isArray(hours.awake)) return null;
  return {
    untilMs: Date.parse(hours.until),
    awake: hours.awake.map((stretch) => ({
      startMs: Date.parse(stretch.start),
      endMs: Date.parse(stretch.end),
    })),
  };
}

/**
 * Whether the screen is outside its opening hours at ms. Past what the manifest covers (the
 * server unreachable for a day and more) it stays lit: a lit screen at night costs power, a
 * black one by day costs the lobby its programme.
 */
export function asleepAt(plan, ms) {
  const hours = plan && plan.hours;
  if (!hours || !(ms < hours.untilMs)) return false;
  return !hours.awake.some((stretch) => stretch.startMs <= ms && ms < stretch.endMs);
}

/** Whether the page can show item (a tip with text, a media item with its url). */
export function isPlayable(item) {
  if (item.type === 'tip') return Boolean(item.title || item.body);
  if (item.type === 'hearings') return true;
  return (item.type === 'video' || item.type === 'image') && typeof item.url === 'string';
}

/** The segment playing at ms, or null. */
export function segmentAt(plan, ms) {
  return plan.segments.find((s) => s.startMs <= ms && ms < s.endMs) || null;
}

/** The alert in force at ms, or null. */
export function alertAt(plan, ms) {
  return plan.alert && ms < plan.alert.untilMs ? plan.alert : null;
}

/** The ticker texts shown at ms, each once, in manifest order. */
export function tickerTextsAt(plan, ms) {
  const texts = plan.ticker.filter((l) => l.startMs <= ms && ms < l.endMs).map((l) => l.text);
  return [...new Set(texts)].filter(Boolean);
}

/**
 * The slot of the item a segment has on at ms as the day's plan walks it: {index, startMs,
 * endMs}; or null (no walk, its item gone, no item with a length). From the item the
 * manifest's `walk` says was due as the segment started, the items follow in turn, each for
 * its length.
 */
export function walkAt(segment, ms) {
  const items = segment.items;
  const walk = segment.walk;
  const lengths = items.map((item) => Math.max(0, Number(item.duration) || 0) * 1000);
  const round = lengths.reduce((sum, length) => sum + length, 0);
  const index = walk ? items.findIndex((item) => item.key === walk.item) : -1;
  let startMs = walk ? Date.parse(walk.start) : NaN;
  if (index < 0 || !(round > 0) || !Number.isFinite(startMs)) return null;
  if (ms >= startMs + round) startMs += Math.floor((ms - startMs) / round) * round;
  // Items without a length are not walked (the plan skips them too).
  for (let step = 0; step <= items.length * 2; step += 1) {
    const at = (index + step) % items.length;
    if (lengths[at] === 0) continue;
    if (ms < startMs + lengths[at]) return { index: at, startMs, endMs: startMs + lengths[at] };
    startMs += lengths[at];
  }
  return null;
}

/** Index of the item after the one with previousKey (the first when it is gone). */
export function indexAfter(items, previousKey) {
  const found = items.findIndex((item) => item.key === previousKey);
  return found < 0 ? 0 : (found + 1) % items.length;
}

/**
 * Every media file the plan still plays from ms on: {url, firstMs, bytes}, soonest first.
 * firstMs is when it first plays (ms itself when its segment already runs).
 */
export function mediaFirstPlays(plan, ms) {
  const files = new Map();
  for (const segment of plan.segments) {
    if (segment.endMs <= ms) continue;
    const firstMs = Math.max(ms, segment.startMs);
    for (const item of segment.items) {
      // A clip's captions are fetched and kept with it (their size is small, not counted).
      const wanted = [[item.url, Number(item.bytes) || 0], [item.captions, 0]];
      for (const [url, bytes] of wanted) {
        if (!url) continue;
        const known = files.get(url);
        if (!known || firstMs < known.firstMs) files.set(url, { url, firstMs, bytes });
      }
    }
  }
  return [...files.values()].sort((a, b) => a.firstMs - b.firstMs);
}

/**
 * When the quiet hours ("HH:MM-HH:MM" in timeZone) next begin, at or after ms: ms itself
 * when they are on now. Whole minutes: every zone in use has offsets of whole minutes.
 */
export function quietFrom(window, ms, timeZone) {
  const [start, end] = String(window || '02:00-05:00').split('-').map(minutesOf);
  const now = minutesOf(wallTime(ms, timeZone));
  const inside = start < end ? start <= now && now < end : now >= start || now < end;
  if (inside) return ms;
  const ahead = (start - now + 1440) % 1440;
  return ms - (ms % 60000) + ahead * 60000;
}

function minutesOf(clock) {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + (minutes || 0);
}

/**
 * What the main zone should show at ms: black outside the opening hours (the newest
 * manifest's), else the alert, a segment, or nothing.
 */
export function modeAt(plan, latest, ms) {
  if (asleepAt(latest || plan, ms)) return { kind: 'sleep', id: 'sleep' };
  const alert = latest && alertAt(latest, ms);
  if (alert) return { kind: 'alert', id: `alert:${alert.id}`, alert };
  const segment = plan && segmentAt(plan, ms);
  if (segment && segment.items.length) return { kind: 'segment', id: segment.id, segment };
  return { kind: 'idle', id: 'idle' };
}
