// A clip's captions, large and high-contrast at the foot of the main zone (lobbies play
// muted). The browser reads the WebVTT track and says which cues are active; the words
// are shown as text in a box of our own, which, unlike the browser's own captions, can be
// sized for a lobby and never covers the ticker.

/** The video's caption track for url, loading (mode hidden: timed, but drawn by us). */
function trackOn(video, url) {
  let element = null;
  for (const track of video.querySelectorAll('track')) {
    if (track.getAttribute('src') === url && !element) element = track;
    else track.remove();
  }
  if (!element) {
    element = document.createElement('track');
    element.kind = 'captions';
    element.src = url;
    video.append(element);
  }
  element.track.mode = 'hidden';
  return element;
}

/** Call back at the video's next presented frame (or in a tenth of a second). */
function nextFrame(video, callback) {
  if ('requestVideoFrameCallback' in video) return { video: video.requestVideoFrameCallback(callback) };
  return { timer: setTimeout(callback, 100) };
}

function cancelFrame(video, frame) {
  if (!frame) return;
  if (frame.video !== undefined) video.cancelVideoFrameCallback(frame.video);
  if (frame.timer !== undefined) clearTimeout(frame.timer);
}

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

  /** Start loading item's captions on the video that will play it: they show from its
   * first frame instead of after a fetch. */
  prepare(video, item) {
    if (this.enabled && typeof item.captions === 'string') trackOn(video, item.captions);
  }

  /** Show the captions of item (if it has any) while video plays it. */
  follow(video, item) {
    this.stop();
    if (!this.enabled || typeof item.captions !== 'string') {
      for (const stale of video.querySelectorAll('track')) stale.remove();
      return;
    }
    const element = trackOn(video, item.captions);
    const track = element.track;
    // Each presented frame: the browser's own cue updates come only with `timeupdate`
    // (about four a second), late by up to a quarter second.
    const show = () => {
      const now = video.currentTime;
      const words = [...(track.cues || [])]
        .filter((cue) => cue.startTime <= now && now < cue.endTime)
        .map((cue) => cue.getCueAsHTML().textContent) // entities decoded; nothing rendered
        .join('\n');
      if (words !== this.box.textContent) {
        this.box.textContent = words;
        this.box.hidden = !words;
      }
      const current = this.current;
      if (current && current.element === element) current.frame = nextFrame(video, show);
    };
    this.current = { element, track, video, frame: null };
    show();
  }

  /** Take the captions off (the clip ended, was cut or failed). */
  stop() {
    if (!this.current) return;
    const { element, track, video, frame } = this.current;
    cancelFrame(video, frame);
    track.mode = 'disabled';
    element.remove();
    this.current = null;
    this.box.textContent = '';
    this.box.hidden = true;
  }
}
