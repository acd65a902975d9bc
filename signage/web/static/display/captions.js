// A clip's captions, large and high-contrast at the foot of the main zone (lobbies play
// muted). The browser reads the WebVTT track and says which cues are active; the words
// are shown as text in a box of our own, which, unlike the browser's own captions, can be
// sized for a lobby and never covers the ticker.

export class Captions {
  constructor(root) {
    this.box = document.createElement('div');
    this.box.className = 'captions';
    this.box.id = 'captions';
    this.box.hidden = true;
    root.append(this.box);
    this.enabled = true; // a screen's `captions: false` turns them off
    this.current = null;
  }

  /** A screen's `captions: false` takes them off at once, not from the next clip. */
  setEnabled(on) {
    this.enabled = on;
    if (!on) this.stop();
  }

  /** Show the captions of item (if it has any) while video plays it. */
  follow(video, item) {
    this.stop();
    if (!this.enabled || typeof item.captions !== 'string') return;
    const element = document.createElement('track');
    element.kind = 'captions';
    element.src = item.captions;
    video.append(element);
    const track = element.track;
    track.mode = 'hidden'; // loaded and timed, but drawn by us
    const show = () => {
      const words = [...(track.activeCues || [])]
        .map((cue) => cue.getCueAsHTML().textContent) // entities decoded; nothing rendered
        .join('\n');
      this.box.textContent = words;
      this.box.hidden = !words;
    };
    track.addEventListener('cuechange', show);
    this.current = { element, track, show };
  }

  /** Take the captions off (the clip ended, was cut or failed). */
  stop() {
    if (!this.current) return;
    const { element, track, show } = this.current;
    track.removeEventListener('cuechange', show);
    track.mode = 'disabled';
    element.remove();
    this.current = null;
    this.box.textContent = '';
    this.box.hidden = true;
  }
}
