// The ticker along the bottom. The text runs twice, back to back, and slides by exactly one
// copy per cycle, so the loop has no seam. The Web Animations API runs it on the compositor:
// it stays smooth while the main thread lays out a tip or starts a clip.

import { replaceChildren } from './compat.js';

const SEPARATOR = '\u3000\u3000◆\u3000\u3000';
const SPEED_SCREEN_HEIGHTS_PER_SECOND = 0.1;

export class Ticker {
  constructor(bar, track, onResize) {
    this.bar = bar;
    this.track = track;
    this.onResize = onResize; // the main zone grows or shrinks when the bar comes or goes
    this.lines = [];
    this.text = null;
    this.animation = null;
  }

  /** Show these lines; nothing happens when they are the ones already running. */
  show(texts) {
    const text = texts.join(SEPARATOR);
    if (text === this.text) return;
    this.lines = texts;
    this.text = text;
    if (this.animation) this.animation.cancel();
    this.animation = null;
    replaceChildren(this.track, []);
    const hidden = !text;
    if (this.bar.hidden !== hidden) {
      this.bar.hidden = hidden;
      this.onResize();
    }
    if (!hidden) this.run();
  }

  /** Start again from the left, e.g. after the window changed size. */
  restart() {
    this.text = null;
    this.show(this.lines);
  }

  run() {
    const copies = [0, 1].map(() => {
      const copy = document.createElement('span');
      copy.className = 'ticker-copy';
      copy.textContent = this.text;
      return copy;
    });
    replaceChildren(this.track, copies);
    // Short text still travels the full width, so a copy is never seen twice at once.
    const width = Math.max(copies[0].getBoundingClientRect().width, this.bar.clientWidth);
    copies.forEach((copy) => {
      copy.style.minWidth = `${width}px`;
    });
    const speed = window.innerHeight * SPEED_SCREEN_HEIGHTS_PER_SECOND;
    this.animation = this.track.animate(
      [{ transform: 'translateX(0)' }, { transform: `translateX(${-width}px)` }],
      { duration: (width / speed) * 1000, iterations: Infinity, easing: 'linear' },
    );
  }
}
