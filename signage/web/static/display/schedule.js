// Reading the manifest: which segment, alert and ticker lines hold at a moment. Pure
// functions over a "plan" (the manifest with its times parsed once), so the page decides
// what plays by itself and keeps doing so when the server cannot be reached.

/** The manifest with every time parsed to epoch milliseconds. */
export function toPlan(manifest) {
  const segments = (manifest.segments || []).map((segment) => ({
    ...segment,
    id: `${segment.start}|${segment.end}|${segment.playlist}`,
    startMs: Date.parse(segment.start),
    endMs: Date.parse(segment.end),
    items: (segment.items || []).filter(isPlayable),
  }));
  const ticker = (manifest.ticker || []).map((line) => ({
    text: String(line.text || ''),
    startMs: Date.parse(line.start),
    endMs: Date.parse(line.end),
  }));
  const given = manifest.alert;
  const alert = given
    ? { ...given, text: String(given.text || ''), untilMs: Date.parse(given.until) }
    : null;
  return {
    manifest,
    segments,
    ticker,
    alert,
    pollSeconds: Math.max(5, Number(manifest.poll_seconds) || 30),
    site: manifest.site || {},
  };
}

function isPlayable(item) {
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

/** Index of the item after the one with previousKey (the first when it is gone). */
export function indexAfter(items, previousKey) {
  const found = items.findIndex((item) => item.key === previousKey);
  return found < 0 ? 0 : (found + 1) % items.length;
}

/** Media URLs of segments overlapping [ms, ms + horizon), soonest first, each once. */
export function mediaAhead(plan, ms, horizonMs) {
  const urls = [];
  for (const segment of plan.segments) {
    if (segment.endMs <= ms || segment.startMs >= ms + horizonMs) continue;
    for (const item of segment.items) {
      for (const url of [item.url, item.captions]) {
        if (url && !urls.includes(url)) urls.push(url);
      }
    }
  }
  return urls;
}

/** What the main zone should show at ms: the alert, a segment, or nothing. */
export function modeAt(plan, latest, ms) {
  const alert = latest && alertAt(latest, ms);
  if (alert) return { kind: 'alert', id: `alert:${alert.id}`, alert };
  const segment = plan && segmentAt(plan, ms);
  if (segment && segment.items.length) return { kind: 'segment', id: segment.id, segment };
  return { kind: 'idle', id: 'idle' };
}
