// A picture of what the screen shows, for staff in the office (and the inspections that ask
// whether the programme really plays). The page is drawn onto a canvas by hand, in page
// order: each visible box's background, the clip's current frame, pictures, and the text
// of tips, alerts, hearings, header and ticker, each line where the page laid it out. A
// canvas cannot photograph a page, and this needs nothing an old engine lacks.

import { call } from './sync.js';

const WIDTH = 768; // pixels across: a tip's text reads, and a week of pictures stays small
const QUALITY = 0.72;
const FIRST_AFTER_MS = 60000; // the first picture after a start, once something plays
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'HEAD']);

function visible(style) {
  return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
}

/** Whether a CSS colour paints anything (not transparent). */
function paints(colour) {
  return Boolean(colour) && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour);
}

/** Where media of this size shows inside box with object-fit: contain. */
function contained(box, width, height) {
  if (!width || !height) return box;
  const scale = Math.min(box.width / width, box.height / height);
  const w = width * scale;
  const h = height * scale;
  return { left: box.left + (box.width - w) / 2, top: box.top + (box.height - h) / 2, width: w, height: h };
}

const COLOUR = /rgba?\([^)]*\)/g;

/**
 * A canvas gradient close to a CSS one (its colours evenly spread along its angle, or out
 * from the centre), or null when the background has no gradient. The screen's boxes use
 * two- or three-colour gradients, where the stops' exact places hardly show.
 */
function gradientFor(context, image, box, scale) {
  const colours = image.indexOf('gradient(') >= 0 ? image.match(COLOUR) : null;
  if (!colours) return null;
  const x = box.left * scale;
  const y = box.top * scale;
  const w = box.width * scale;
  const h = box.height * scale;
  let gradient;
  if (image.indexOf('radial-gradient(') >= 0) {
    gradient = context.createRadialGradient(x + w / 2, y + h / 2, 0, x + w / 2, y + h / 2, Math.max(w, h) / 2);
  } else {
    const angle = /(-?[\d.]+)deg/.exec(image);
    const radians = ((angle ? Number(angle[1]) : 180) * Math.PI) / 180;
    // CSS angles: 0deg points up, 90deg right; the line runs through the box's centre.
    const dx = (Math.sin(radians) * w) / 2;
    const dy = (-Math.cos(radians) * h) / 2;
    gradient = context.createLinearGradient(x + w / 2 - dx, y + h / 2 - dy, x + w / 2 + dx, y + h / 2 + dy);
  }
  colours.forEach((colour, index) => gradient.addColorStop(index / Math.max(1, colours.length - 1), colour));
  return gradient;
}

class Painter {
  constructor(canvas, scale) {
    this.context = canvas.getContext('2d');
    this.scale = scale;
    this.range = document.createRange();
  }

  rect(box, colour) {
    const s = this.scale;
    this.context.fillStyle = colour;
    this.context.fillRect(box.left * s, box.top * s, box.width * s, box.height * s);
  }

  /** The one border the screen's boxes draw (a tip title's bar). */
  borderLeft(box, style) {
    const width = parseFloat(style.borderLeftWidth);
    if (width > 0 && style.borderLeftStyle !== 'none' && paints(style.borderLeftColor)) {
      this.rect({ left: box.left, top: box.top, width, height: box.height }, style.borderLeftColor);
    }
  }

  media(source, box) {
    const s = this.scale;
    try {
      this.context.drawImage(source, box.left * s, box.top * s, box.width * s, box.height * s);
    } catch (ignored) {
      // A frame not decoded yet, a picture still loading: the box stays as painted.
    }
  }

  /** An element's own box, then what it holds. */
  element(node) {
    if (SKIPPED.has(node.tagName)) return;
    // A stage layer waiting under the front one is covered by it: the lobby does not see it.
    if (node.classList.contains('layer') && node.dataset.state === 'back') return;
    const style = getComputedStyle(node);
    if (!visible(style)) return;
    const box = node.getBoundingClientRect();
    if (paints(style.backgroundColor)) this.rect(box, style.backgroundColor);
    const gradient = gradientFor(this.context, style.backgroundImage, box, this.scale);
    if (gradient) this.rect(box, gradient);
    this.borderLeft(box, style);
    if (node.tagName === 'VIDEO') {
      if (node.readyState >= 2) this.media(node, contained(box, node.videoWidth, node.videoHeight));
      return;
    }
    if (node.tagName === 'IMG') {
      if (node.complete) this.media(node, contained(box, node.naturalWidth, node.naturalHeight));
      return;
    }
    if (node.tagName === 'svg' || node.tagName === 'SVG') return; // the QR code: not needed
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.ELEMENT_NODE) this.element(child);
      else if (child.nodeType === Node.TEXT_NODE) this.text(child, style);
    }
  }

  /** A text node, a run of characters at a time, each line where the page put it. */
  text(node, style) {
    const content = node.textContent;
    if (!content.trim()) return;
    const s = this.scale;
    const context = this.context;
    context.fillStyle = style.color;
    context.font = `${style.fontStyle} ${style.fontWeight} ${parseFloat(style.fontSize) * s}px ${style.fontFamily}`;
    context.textBaseline = 'middle';
    let run = '';
    let start = null;
    const flush = () => {
      if (run.trim() && start) {
        context.fillText(run, start.left * s, (start.top + start.height / 2) * s);
      }
      run = '';
      start = null;
    };
    for (let index = 0; index < content.length; index += 1) {
      this.range.setStart(node, index);
      this.range.setEnd(node, index + 1);
      const box = this.range.getBoundingClientRect();
      if (!box.width && !box.height) continue; // collapsed white space, or clipped away
      // A new line, or a jump (the ticker's copies): start a new run there.
      if (start && Math.abs(box.top - start.top) > start.height / 2) flush();
      if (!start) start = box;
      run += content[index];
    }
    flush();
  }
}

/** The page as a JPEG Blob, WIDTH pixels across; all black while the screen sleeps. */
export function pagePicture(asleep) {
  const scale = WIDTH / Math.max(1, innerWidth);
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = Math.max(1, Math.round(innerHeight * scale));
  const painter = new Painter(canvas, scale);
  painter.rect({ left: 0, top: 0, width: innerWidth, height: innerHeight }, '#000');
  if (!asleep) {
    const page = getComputedStyle(document.body).backgroundColor;
    if (paints(page)) painter.rect({ left: 0, top: 0, width: innerWidth, height: innerHeight }, page);
    for (let child = document.body.firstElementChild; child; child = child.nextElementSibling) {
      painter.element(child);
    }
  }
  return new Promise((resolve, reject) => {
    const done = (blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be made')));
    if (canvas.toBlob) {
      canvas.toBlob(done, 'image/jpeg', QUALITY);
      return;
    }
    // Engines without toBlob: the same bytes through a data: URL.
    const bytes = atob(canvas.toDataURL('image/jpeg', QUALITY).split(',')[1]);
    const array = new Uint8Array(bytes.length);
    for (let index = 0; index < bytes.length; index += 1) array[index] = bytes.charCodeAt(index);
    done(new Blob([array], { type: 'image/jpeg' }));
  });
}

/** Sends a picture every `minutes` (none while asleep) and whenever staff ask for one. */
export class Snapshots {
  constructor({ url, key, minutes, isAsleep, isCalm, onError }) {
    this.url = url;
    this.key = key;
    this.everyMs = minutes > 0 ? minutes * 60000 : 0;
    this.isAsleep = isAsleep;
    this.isCalm = isCalm; // not about to hand over to the next item: drawing takes a moment
    this.onError = onError;
    this.nextAt = performance.now() + Math.min(FIRST_AFTER_MS, this.everyMs || FIRST_AFTER_MS);
    this.sending = false;
    this.sent = 0;
  }

  /**
   * Called every tick: a picture when one is due and the page is calm (never while asleep:
   * a black one tells nothing new).
   */
  tick(now) {
    if (!this.url || !this.everyMs || now < this.nextAt || !this.isCalm()) return;
    this.nextAt = now + this.everyMs;
    if (!this.isAsleep()) this.send();
  }

  /** Take a picture now and send it; errors are noted, never thrown. */
  async send() {
    if (!this.url || this.sending) return;
    this.sending = true;
    try {
      const picture = await pagePicture(this.isAsleep());
      const response = await call(this.url, this.key, {
        method: 'PUT',
        headers: { 'Content-Type': 'image/jpeg' },
        body: picture,
      });
      if (!response.ok) throw new Error(`the snapshot was refused (HTTP ${response.status})`);
      this.sent += 1;
    } catch (error) {
      this.onError(error);
    } finally {
      this.sending = false;
    }
  }
}
