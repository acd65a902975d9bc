// The lobby player: wires the clock, the main loop, the server and the caches together, and
// keeps the page alive for weeks with nobody there to click anything. Staff see the same
// player in preview mode (boot.preview): it starts at another time from a manifest that came
// with the page, and talks to nobody.

// compat.js first: the fallbacks the modules after it rely on are in place once it ran.
import { chromiumVersion, concatAll, missingFeatures } from './compat.js';
import { ServerClock, chineseDate, wallTime } from './clock.js';
import { KeepAlive } from './keepalive.js';
import {
  MediaCache,
  askToPersist,
  keepShell,
  startServiceWorker,
  whenControlled,
  workerInControl,
} from './offline.js';
import { Player } from './player.js';
import { asleepAt, mediaFirstPlays, quietFrom, tickerTextsAt, toPlan } from './schedule.js';
import { Snapshots } from './snapshot.js';
import { Stage } from './stage.js';
import { ManifestSource, PlayQueue, Refused, sendHeartbeat } from './sync.js';
import { Ticker } from './ticker.js';
import { Zones, layoutAt } from './zones.js';

const TICK_MS = 250; // segment boundaries and alert ends are met within a second
const RETRY_FIRST_MS = 2000;
const RETRY_LONGEST_MS = 30000;
const REFUSED_RETRY_MS = 60000;
const JITTER = 0.2; // ± share of each delay, so screens powered on together spread out
const NEXT_DAY_MS = 24 * 3600 * 1000; // what the heartbeat says is still lacking
// On the very first start the service worker is not in control yet; clips played before it
// is would come from the network and be fetched again for the cache. Waiting this long at
// most (it takes well under a second) keeps every file to one download.
const CONTROL_WAIT_MS = 3000;
const WATCHDOG_MS = 5000;
// A periodic picture waits while the next item is this close: drawing the page takes the
// main thread long enough to hold up a handover's frames.
const CALM_MS = 2000;
const ERROR_KEY = 'signage.lastError';

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain http on a LAN is not a secure context and has no randomUUID.
  return [...crypto.getRandomValues(new Uint8Array(16))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}

/** What `value ?? null` says (Chromium 80 is the first to read `??`). */
function orNull(value) {
  return value === undefined ? null : value;
}

function jittered(ms) {
  return ms * (1 - JITTER + Math.random() * 2 * JITTER);
}

/**
 * localStorage's interface over a Map. A preview runs in a staff browser that may also run a
 * live player: it must not leave its clock offset, manifest or plays where that one reads.
 */
class MemoryStorage {
  constructor() {
    this.items = new Map();
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  setItem(key, value) {
    this.items.set(key, String(value));
  }

  removeItem(key) {
    this.items.delete(key);
  }
}

class Display {
  constructor(boot) {
    this.boot = boot;
    this.site = boot.site;
    this.preview = boot.preview || null;
    const key = new URLSearchParams(location.search).get('key') || '';
    const screenId = boot.screen.id;
    const storage = this.preview ? new MemoryStorage() : localStorage;
    this.storage = storage;
    this.clock = new ServerClock(storage);
    this.stage = new Stage(document.getElementById('stage'));
    this.ticker = new Ticker(
      document.getElementById('ticker'),
      document.getElementById('ticker-track'),
      () => this.stage.refit(),
    );
    const clock = this.clock;
    this.manifests = new ManifestSource({ url: boot.manifest_url, key, clock, storage, screenId });
    this.plays = new PlayQueue({ url: boot.plays_url, key, storage, screenId });
    this.heartbeatUrl = boot.heartbeat_url;
    this.snapshots = new Snapshots({
      url: boot.snapshot_url,
      key,
      minutes: Number(boot.snapshot_minutes) || 0,
      isAsleep: () => this.asleep,
      isCalm: () => {
        const endsAt = this.stage.endsAt;
        return endsAt === null || endsAt - performance.now() > CALM_MS;
      },
      onError: (error) => this.noteError(error),
    });
    this.key = key;
    this.media = new MediaCache();
    this.player = new Player({
      stage: this.stage,
      clock: this.clock,
      onPlay: (play) => this.recordPlay(play),
      onError: (error) => this.noteError(error),
      onBoundary: () => this.keepAlive.atBoundary(),
      isKept: (url) => this.media.holds(url),
    });
    this.keepAlive = new KeepAlive({
      reloadAt: boot.reload_at,
      timeZone: boot.site.timezone,
      reload: (why) => this.reload(why),
      canReload: () => this.canReload(),
      startedAt: performance.now(),
    });
    this.band = document.getElementById('hearing-band');
    this.zones = new Zones({
      root: document.getElementById('zones'),
      stage: this.stage,
      band: this.band,
      hearings: this.stage.hearings,
      clock: this.clock,
      onPlay: (play) => this.recordPlay(play),
      onError: (error) => this.noteError(error),
    });
    this.lastError = storage.getItem(ERROR_KEY);
    this.failures = 0;
    this.online = null;
    this.refused = false;
    this.reloading = false; // set as the page reloads itself
    this.persisted = false;
    this.shownTime = '';
    // What the overview tells of an old engine: its version and what it does without.
    this.engine = { chromium: chromiumVersion(navigator.userAgent), lacks: missingFeatures() };
  }

  start() {
    if (this.preview) {
      // "Now" is the chosen time from here on, running forward in real time.
      this.clock.setOffset(Date.parse(this.preview.at) - Date.now());
      this.apply(this.preview.manifest);
      if (this.preview.item) this.player.startFrom(this.preview.item);
    } else {
      const kept = this.manifests.stored();
      if (kept) this.apply(kept);
    }
    // Playing, and fetching media, wait for the service worker: a download it makes goes on
    // from the byte it reached when the link is cut, one the page makes starts again.
    this.controlled = this.preview
      ? Promise.resolve()
      : whenControlled(this.boot.service_worker, CONTROL_WAIT_MS);
    this.controlled.then(() => this.player.run());
    this.tick();
    setInterval(() => this.tick(), TICK_MS);
    setInterval(() => this.watchdog(), WATCHDOG_MS);
    addEventListener('resize', () => {
      this.ticker.restart();
      this.stage.refit();
      this.zones.refit();
    });
    addEventListener('error', (event) => this.noteError(event.error || event.message));
    addEventListener('unhandledrejection', (event) => this.noteError(event.reason));
    if (this.preview) return; // no heartbeats, no plays, no service worker, no caches
    this.sync();
    this.startOffline();
  }

  /** A manifest to play from: shown in the header at once, played from the next item on. */
  apply(manifest) {
    const plan = toPlan(manifest);
    this.site = Object.assign({}, this.site, plan.site);
    const screen = manifest.screen || {};
    this.stage.captions.setEnabled(screen.captions !== false);
    this.stage.hearings.setSource({
      list: manifest.hearings,
      timeZone: this.site.timezone,
      now: () => this.clock.now(),
      courtroom: screen.courtroom,
    });
    this.keepAlive.timeZone = this.site.timezone;
    document.getElementById('court').textContent = this.site.name;
    document.getElementById('idle-name').textContent = this.site.name;
    this.player.setPlan(plan);
    this.zones.show(layoutAt(plan, this.clock.now()));
  }

  // -- time -------------------------------------------------------------------------------

  tick() {
    const now = this.clock.now();
    this.keepAlive.tick(performance.now(), now);
    this.player.tick();
    this.showTime(now);
    this.snapshots.tick(performance.now());
    this.zones.show(layoutAt(this.player.latest, now));
    const mode = this.player.mode || '';
    this.zones.tick({ alerting: mode.indexOf('alert:') === 0, asleep: this.asleep });
    if (!this.band.hidden) this.stage.hearings.band(this.band);
    if (this.player.latest) this.ticker.show(tickerTextsAt(this.player.latest, now));
  }

  showTime(now) {
    const time = wallTime(now, this.site.timezone);
    if (time === this.shownTime) return;
    this.shownTime = time;
    document.getElementById('time').textContent = time;
    document.getElementById('date').textContent = chineseDate(now, this.site.timezone);
  }

  // -- staying alive ------------------------------------------------------------------------

  /** A reload now finds the page again: from the server, or from the service worker. */
  canReload() {
    return workerInControl() || this.online === true;
  }

  /** Reload when the main loop or the clock tick stopped moving (not once refused). */
  watchdog() {
    if (!this.refused) this.keepAlive.watch(performance.now(), this.player.deadline);
  }

  reload(why) {
    if (why === 'stuck') {
      this.noteError(new Error('the player stopped moving; the page reloaded itself'));
    }
    // The reason stays what the next heartbeat tells: errors until the page goes are later.
    this.reloading = true;
    location.reload();
  }

  noteError(error) {
    if (this.reloading) return;
    const message = String((error && error.message) || error || 'unknown error').slice(0, 500);
    this.lastError = `${new Date(this.clock.now()).toISOString()} ${message}`;
    try {
      // Kept, so the next heartbeat tells even when the error led to a reload.
      this.storage.setItem(ERROR_KEY, this.lastError);
    } catch (ignored) {
      // Nothing better to do with an error about errors.
    }
  }

  // -- the server ---------------------------------------------------------------------------

  /** One round with the server: manifest, heartbeat, plays, media; then the next round. */
  async sync() {
    let delay;
    try {
      const manifest = await this.manifests.poll();
      if (this.refused) return location.reload(); // the screen is authorised again
      if (manifest) this.apply(manifest);
      this.online = true;
      this.failures = 0;
      this.keepMedia();
      await this.report();
      const latest = this.player.latest;
      delay = (latest ? latest.pollSeconds : this.boot.poll_seconds) * 1000;
    } catch (error) {
      if (error instanceof Refused) {
        this.refuse();
        delay = REFUSED_RETRY_MS;
      } else {
        this.online = false;
        this.failures += 1;
        this.noteError(error);
        delay = Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_LONGEST_MS);
      }
    }
    setTimeout(() => this.sync(), jittered(delay));
  }

  /** The key is wrong or the screen is gone from the configuration: say so, play nothing. */
  refuse() {
    if (this.refused) return;
    this.refused = true;
    this.player.stop();
    this.stage.wake(); // the refusal shows even outside the opening hours
    this.manifests.forget();
    document.getElementById('refused').hidden = false;
  }

  /** Outside the opening hours: black, nothing decoded, nothing fetched but at quiet hours. */
  get asleep() {
    return asleepAt(this.player.latest, this.clock.now());
  }

  async report() {
    const beat = await this.heartbeat();
    const asked = await sendHeartbeat({
      url: this.heartbeatUrl,
      key: this.key,
      clock: this.clock,
      beat,
    });
    await this.plays.flush();
    // What staff asked for: a picture at once, and a reload after it (plays are sent).
    if (asked.indexOf('snapshot') >= 0) await this.snapshots.send();
    if (asked.indexOf('reload') >= 0) this.reload('asked');
  }

  async heartbeat() {
    const current = this.player.current;
    const nowPlaying = current
      ? {
          key: current.item.key,
          type: current.item.type,
          media: orNull(current.item.media),
          title: orNull(current.item.title),
          playlist: current.segment.playlist,
          started_at: new Date(current.startedAt).toISOString(),
        }
      : { type: this.asleep ? 'sleeping' : this.player.mode === 'idle' ? 'idle' : 'alert' };
    const cache = await this.media.status(this.clock.now(), NEXT_DAY_MS);
    return {
      now_playing: nowPlaying,
      player_version: this.boot.version,
      last_error: this.lastError,
      engine: this.engine,
      unplayable: this.player.unplayable.report(),
      cache: Object.assign(cache, { persisted: this.persisted, queued_plays: this.plays.length }),
    };
  }

  recordPlay({ item, seconds, startedAt, zone }) {
    if (this.preview) return; // staff looking at a screen are not proof that it played
    const where = zone ? { zone } : {}; // the main zone's plays say none, as before layouts
    this.plays.add(Object.assign(where, {
      id: newId(),
      item: item.key,
      type: item.type,
      media: orNull(item.media),
      started_at: new Date(startedAt).toISOString(),
      seconds: Math.round(seconds * 10) / 10,
    }));
  }

  // -- offline ------------------------------------------------------------------------------

  async startOffline() {
    try {
      if (await startServiceWorker(this.boot.service_worker)) {
        await navigator.serviceWorker.ready;
        await keepShell(this.boot.assets);
      }
      this.persisted = await askToPersist();
    } catch (error) {
      this.noteError(error);
    }
  }

  /**
   * Keep every file the manifests still play (the one in use and the newest); fetch now
   * those that play before the quiet hours come, and all of them during the quiet hours.
   */
  keepMedia() {
    const now = this.clock.now();
    const plans = [this.player.plan, this.player.latest].filter(Boolean);
    const files = new Map();
    for (const file of concatAll(plans.map((plan) => mediaFirstPlays(plan, now)))) {
      const known = files.get(file.url);
      if (!known || file.firstMs < known.firstMs) files.set(file.url, file);
    }
    const wanted = [...files.values()].sort((a, b) => a.firstMs - b.firstMs);
    const quiet = quietFrom(this.site.prefetch, now, this.site.timezone);
    // A sleeping screen fetches nothing until the quiet hours, when it fetches everything.
    const soon = this.asleep ? () => false : (file) => file.firstMs < quiet;
    const due = wanted.filter((file) => soon(file) || quiet === now);
    this.controlled
      .then(() => this.media.keep(wanted, due.map((file) => file.url)))
      .catch((error) => this.noteError(error));
  }

  /** State for people and tests looking in with the developer tools. */
  snapshot() {
    const current = this.player.current;
    const stats = this.stage.stats;
    return {
      version: this.boot.version,
      preview: Boolean(this.preview),
      mode: this.player.mode,
      asleep: this.asleep,
      snapshotsSent: this.snapshots.sent,
      item: current ? current.item.key : null,
      type: current ? current.item.type : null,
      playlist: current ? current.segment.playlist : null,
      layout: this.zones.layout ? this.zones.layout.id : null,
      itemsShown: this.player.itemsShown,
      recent: [...this.player.recent],
      ended: stats.ended,
      errors: stats.errors,
      gaps: [...stats.gaps],
      leadMs: stats.leadMs,
      firstFrameAt: stats.firstFrameAt,
      lastError: this.lastError,
      engine: this.engine,
      unplayable: this.player.unplayable.report(),
      online: this.online,
      refused: this.refused,
      clockOffset: this.clock.offset,
      plays: { made: this.plays.made, sent: this.plays.sent, queued: this.plays.length },
      cache: { wanted: this.media.wanted.length, cached: this.media.cached },
      serviceWorker: workerInControl(),
      heapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
      domNodes: document.getElementsByTagName('*').length,
    };
  }
}

const display = new Display(JSON.parse(document.getElementById('boot').textContent));
window.signage = display;
display.start();
