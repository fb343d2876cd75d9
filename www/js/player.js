// Playback: the engine renders the stretch to play as a WAV Blob (every
// format the engine reads plays this way) and an <audio> element plays it
// from a blob: URL, while a callback follows the playhead.

export class Player {
  constructor() {
    this.audio = new Audio();
    this.audio.preload = 'auto';
    this.url = '';
    this.token = 0;
    this.raf = 0;
    /** @type {((pos: number) => void)|null} */
    this.onTime = null;
    /** @type {(() => void)|null} */
    this.onStop = null;
    this.playing = false;
    this.audio.addEventListener('ended', () => this.stop());
    this.audio.addEventListener('error', () => this.stop());
  }

  /**
   * Plays a rendered blob. onTime(seconds) follows the playhead;
   * onStop(seconds) is called once when playback ends or is stopped.
   * @param {Blob} blob
   * @param {{onTime: (s: number) => void, onStop: (s: number) => void}} cb
   * @returns {Promise<void>}
   */
  async play(blob, cb) {
    this.stop();
    const token = ++this.token;
    this.url = URL.createObjectURL(blob);
    this.audio.src = this.url;
    this.onTime = cb.onTime;
    this.onStop = cb.onStop;
    this.playing = true;
    try {
      await this.audio.play();
    } catch (err) {
      if (token === this.token) this.stop();
      if (err && err.name === 'AbortError') return;
      throw new Error('The browser could not play this audio.');
    }
    const tick = () => {
      if (token !== this.token || !this.playing) return;
      if (this.onTime) this.onTime(this.audio.currentTime);
      this.raf = requestAnimationFrame(tick);
    };
    tick();
  }

  /** Stops playback and releases the blob URL. */
  stop() {
    const was = this.playing;
    const at = this.audio.currentTime || 0;
    this.playing = false;
    this.token++;
    cancelAnimationFrame(this.raf);
    this.audio.pause();
    if (this.url) {
      this.audio.removeAttribute('src');
      this.audio.load();
      URL.revokeObjectURL(this.url);
      this.url = '';
    }
    const cb = this.onStop;
    this.onStop = null;
    this.onTime = null;
    if (was && cb) cb(at);
  }
}
