// Layouts: the screen's area under the header split into zones. The main zone (the stage,
// with its handover, captions and alerts) is placed in its box; each zone beside it plays its
// own playlist on its own clock, one item after the other, or keeps today's hearing band.
// A side zone is deliberately simple: tips re-fit their text to the box, hearings page,
// pictures are contained, clips play muted from the same cache as the main zone's.

import { indexAfter, isPlayable } from './schedule.js';
import { fillTip, waitFor, withTimeout } from './stage.js';

const IDLE_RECHECK_MS = 1000;
const PICTURE_TIMEOUT_MS = 8000;
const CLIP_START_MS = 8000; // a clip without a frame by then is skipped
const OVERRUN_MS = 15000; // grace past a clip's announced length
const FAILURE_REST_MS = 5000;
const FULL_AREA = [0, 0, 100, 100];

/** Place node in its box: x, y, width, height in % of the zones' area. */
function place(node, area) {
  const [x, y, width, height] = area;
  node.style.left = `${x}%`;
  node.style.top = `${y}%`;
  node.style.width = `${width}%`;
  node.style.height = `${height}%`;
}

/** The layout in force at ms: that of the segment playing, else of the next one. */
export function layoutAt(plan, ms) {
  const layouts = (plan && plan.manifest.layouts) || {};
  const segments = plan ? plan.segments : [];
  const segment =
    segments.find((s) => s.startMs <= ms && ms < s.endMs) ||
    segments.find((s) => ms < s.startMs) ||
    null;
  const id = segment && segment.layout;
  return id && layouts[id] ? Object.assign({ id }, layouts[id]) : null;
}

/** What tells two layouts apart on the screen: their boxes and what each shows. */
function shapeOf(layout) {
  if (!layout) return 'none';
  return JSON.stringify(
    layout.zones.map((zone) => [zone.id, zone.area, zone.kind, zone.playlist || '']),
  );
}

export class Zones {
  constructor({ root, stage, band, hearings, clock, onPlay, onError }) {
    this.root = root;
    this.stage = stage;
    this.band = band;
    this.hearings = hearings;
    this.clock = clock;
    this.onPlay = onPlay;
    this.onError = onError;
    this.shape = null;
    this.layout = null;
    this.sides = new Map(); // zone id → SideZone
    this.covered = false; // an alert takes the whole area
    this.resting = false; // outside the opening hours
  }

  /** The layout at this moment: boxes moved and side zones started only when it changed. */
  show(layout) {
    const same = layout && this.layout && layout.zones === this.layout.zones;
    if (same || layout === this.layout) return; // the same manifest's: nothing moved
    const shape = shapeOf(layout);
    if (shape !== this.shape) {
      this.shape = shape;
      this.layout = layout;
      this.rebuild(layout);
    } else {
      this.layout = layout;
    }
    if (!layout) return;
    for (const zone of layout.zones) {
      const side = this.sides.get(zone.id);
      if (side) side.setSegments(zone.segments || []);
    }
  }

  rebuild(layout) {
    for (const side of this.sides.values()) {
      side.stop();
      side.node.remove();
    }
    this.sides.clear();
    const zones = layout ? layout.zones : [];
    const main = zones.find((zone) => zone.kind === 'main');
    const hearings = zones.find((zone) => zone.kind === 'hearings');
    this.band.hidden = !hearings;
    if (hearings) place(this.band, hearings.area);
    for (const zone of zones) {
      if (zone.kind !== 'playlist') continue;
      const side = new SideZone(zone, this);
      this.sides.set(zone.id, side);
      if (!this.resting) side.run();
    }
    this.root.dataset.layout = layout ? layout.id : '';
    this.mainArea = main ? main.area : FULL_AREA;
    this.placeStage();
  }

  /** The stage in its box; over every zone while an urgent message shows. */
  placeStage() {
    place(this.stage.root, this.covered ? FULL_AREA : this.mainArea || FULL_AREA);
    this.stage.root.classList.toggle('covering', this.covered);
    // Hidden as well as covered, so the office's snapshot (drawn in page order) shows none.
    this.root.classList.toggle('covered', this.covered);
    this.stage.refit();
  }

  /** Called on every tick: the alert's cover, and rest outside the opening hours. */
  tick({ alerting, asleep }) {
    if (alerting !== this.covered) {
      this.covered = alerting;
      this.placeStage();
    }
    if (asleep === this.resting) return;
    this.resting = asleep;
    for (const side of this.sides.values()) {
      if (asleep) side.stop();
      else side.run();
    }
  }

  /** Refit the text of every side zone (the window changed size). */
  refit() {
    for (const side of this.sides.values()) side.refit();
  }
}

/** One zone beside the main one, playing its playlist's items in turn. */
class SideZone {
  constructor(zone, zones) {
    this.id = zone.id;
    this.zones = zones;
    this.segments = [];
    this.node = document.createElement('section');
    this.node.className = 'side-zone';
    this.node.dataset.zone = zone.id;
    place(this.node, zone.area);
    zones.root.append(this.node);
    this.lastKey = null;
    this.cut = null;
    this.running = false;
    this.front = null;
    this.setSegments(zone.segments || []);
  }

  setSegments(segments) {
    this.segments = segments.map((segment) => ({
      startMs: Date.parse(segment.start),
      endMs: Date.parse(segment.end),
      items: (segment.items || []).filter(isPlayable),
    }));
  }

  run() {
    if (this.running) return;
    this.running = true;
    this.cut = new AbortController();
    this.loop(this.cut.signal).catch((error) => this.zones.onError(error));
  }

  /** Stop playing and let go of the zone's clip; the zone stays in place, empty. */
  stop() {
    this.running = false;
    if (this.cut) this.cut.abort();
    this.clear();
  }

  clear() {
    if (this.front) this.release(this.front);
    this.front = null;
  }

  release(layer) {
    const video = layer.querySelector('video');
    if (video) {
      video.pause();
      video.removeAttribute('src');
      video.load(); // lets the decoder go
    }
    layer.remove();
  }

  refit() {
    const tip = this.front && this.front.classList.contains('tip') ? this.front : null;
    if (!tip) return;
    const item = tip.item;
    tip.textContent = '';
    fillTip(tip, item, this.node);
  }

  async loop(signal) {
    let failures = 0;
    while (!signal.aborted) {
      const now = this.zones.clock.now();
      const segment = this.segments.find((s) => s.startMs <= now && now < s.endMs);
      if (!segment || !segment.items.length) {
        this.clear();
        await waitFor(IDLE_RECHECK_MS, signal);
        continue;
      }
      const items = segment.items;
      const item = items[indexAfter(items, this.lastKey)];
      this.lastKey = item.key;
      const until = Math.min(segment.endMs, now + (item.duration || 0) * 1000);
      try {
        await this.play(item, segment, until, signal);
        failures = 0;
      } catch (error) {
        this.zones.onError(new Error(`${this.id} zone: ${item.key} skipped: ${error.message}`));
        failures += 1;
        if (failures >= items.length) {
          failures = 0;
          await waitFor(FAILURE_REST_MS, signal);
        }
      }
    }
  }

  /** Show one item until its time is up (a clip: its end), then record the play. */
  async play(item, segment, until, signal) {
    const layer = document.createElement('div');
    layer.className = `zone-layer ${item.type === 'video' ? 'clip' : item.type}`;
    layer.item = item;
    this.node.append(layer); // under the one on show until it is ready: no flash of black
    let ending;
    try {
      ending = await this.fill(layer, item, segment, signal);
    } catch (error) {
      this.release(layer);
      throw error;
    }
    if (signal.aborted) {
      this.release(layer);
      return;
    }
    const previous = this.front;
    this.front = layer;
    layer.dataset.state = 'front';
    if (previous) this.release(previous);
    const shownAt = this.zones.clock.now();
    await (ending || waitFor(until - this.zones.clock.now(), signal));
    if (signal.aborted) return;
    const seconds = (this.zones.clock.now() - shownAt) / 1000;
    this.zones.onPlay({ item, seconds, startedAt: shownAt, zone: this.id });
  }

  /** Fill layer with item; for a clip, a promise of its end. Resolves once it can show. */
  async fill(layer, item, segment, signal) {
    if (item.type === 'tip') {
      fillTip(layer, item, this.node);
      return null;
    }
    if (item.type === 'hearings') {
      this.zones.hearings.fill(layer, item);
      return null;
    }
    if (item.type === 'image') {
      const image = new Image();
      image.className = 'poster';
      image.alt = item.title || '';
      image.src = item.url;
      layer.append(image);
      await withTimeout(image.decode(), PICTURE_TIMEOUT_MS, 'picture did not load in time');
      return null;
    }
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.src = item.url;
    layer.append(video);
    const started = new Promise((resolve, reject) => {
      video.addEventListener('playing', resolve, { once: true });
      video.addEventListener('error', () => reject(new Error('clip failed to load')), {
        once: true,
      });
    });
    video.play().catch(() => {}); // a failure to start shows up as the error above
    await withTimeout(started, CLIP_START_MS, 'no picture in time');
    const limit = item.duration ? item.duration * 1000 + OVERRUN_MS : Infinity;
    const lastsUntil = Math.min(segment.endMs - this.zones.clock.now(), limit);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, lastsUntil);
      video.addEventListener('ended', done, { once: true });
      video.addEventListener('error', done, { once: true });
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
