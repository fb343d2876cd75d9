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

/**
 * Plays a render as it is made: the engine streams a WAV of 32-bit float
 * samples (oc.stream) and each piece is scheduled on an AudioContext at
 * the output's own rate, back to back, so playback starts as soon as the
 * first piece is there and memory holds only the few seconds ahead.
 */
export class StreamPlayer {
  constructor() {
    /** @type {AudioContext|null} */
    this.ac = null;
    this.token = 0;
    this.playing = false;
    this.raf = 0;
    this.nodes = [];
    this.ctl = null;
    this.onTime = null;
    this.onStop = null;
    this.t0 = 0;
    this.scheduled = 0;
    this.rate = 0;
    this.endTimer = 0;
  }

  /** Seconds of audio kept scheduled ahead of the playhead. */
  static ahead = 4;

  /**
   * Starts playback of what run(onChunk, signal) streams: a WAV (RIFF or
   * RF64) of 32-bit float samples at rate with channels channels.
   * onTime(seconds) follows the playhead; onStop(seconds) is called once.
   * onStart(ms), if given, is told how long the first sound took to schedule.
   * @param {{rate: number, channels: number, run: (onChunk: (u8: Uint8Array) => Promise<void>, signal: AbortSignal) => Promise<unknown>, onTime: (s: number) => void, onStop: (s: number) => void, onStart?: (ms: number) => void}} o
   */
  async play(o) {
    this.stop();
    const token = ++this.token;
    const { rate, channels } = o;
    const asked = performance.now();
    if (!this.ac || this.ac.sampleRate !== rate || this.ac.state === 'closed') {
      if (this.ac) this.ac.close().catch(() => {});
      this.ac = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    }
    const ac = this.ac;
    ac.resume().catch(() => {});
    this.rate = rate;
    this.scheduled = 0;
    this.t0 = 0;
    this.nodes = [];
    this.onTime = o.onTime;
    this.onStop = o.onStop;
    this.playing = true;
    const ctl = new AbortController();
    this.ctl = ctl;
    let head = new Uint8Array(0); // bytes before the samples, until the data chunk is found
    let inData = false;
    let rest = new Uint8Array(0); // a partial frame left from the last piece
    const frameBytes = 4 * channels;
    const live = () => token === this.token && this.playing;

    const schedule = (bytes) => {
      const n = Math.floor(bytes.byteLength / frameBytes);
      if (!n) return;
      const f32 = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * frameBytes));
      const buf = ac.createBuffer(channels, n, rate);
      for (let c = 0; c < channels; c++) {
        const plane = buf.getChannelData(c);
        for (let i = 0; i < n; i++) plane[i] = f32[i * channels + c];
      }
      const node = ac.createBufferSource();
      node.buffer = buf;
      node.connect(ac.destination);
      if (!this.t0) {
        this.t0 = ac.currentTime + 0.03;
        if (o.onStart) o.onStart(performance.now() - asked + 30);
      }
      let at = this.t0 + this.scheduled / rate;
      if (at < ac.currentTime + 0.005) {
        // The engine fell behind: a short gap rather than a jump.
        this.t0 += ac.currentTime + 0.02 - at;
        at = this.t0 + this.scheduled / rate;
      }
      node.start(at);
      this.nodes.push(node);
      node.onended = () => {
        const i = this.nodes.indexOf(node);
        if (i >= 0) this.nodes.splice(i, 1);
      };
      this.scheduled += n;
    };

    const onChunk = async (u8) => {
      if (!live()) throw new Error('stopped');
      let bytes = u8;
      if (!inData) {
        head = concat(head, bytes);
        const at = dataOffset(head);
        if (at < 0) {
          if (head.byteLength > 1 << 16) throw new Error('the engine sent no WAV header');
          return;
        }
        inData = true;
        bytes = head.subarray(at);
        head = new Uint8Array(0);
      }
      bytes = concat(rest, bytes);
      const whole = Math.floor(bytes.byteLength / frameBytes) * frameBytes;
      schedule(bytes.subarray(0, whole));
      rest = bytes.slice(whole);
      // Acknowledge (let the engine go on) once the playhead is close
      // enough to what is scheduled.
      while (live() && this.t0 && this.scheduled / rate - (ac.currentTime - this.t0) > StreamPlayer.ahead) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!live()) throw new Error('stopped');
    };

    const tick = () => {
      if (!live()) return;
      if (this.onTime && this.t0) this.onTime(this.position());
      this.raf = requestAnimationFrame(tick);
    };
    tick();
    try {
      await o.run(onChunk, ctl.signal);
    } catch (err) {
      if (!live()) return;
      this.stop();
      if (err && err.name === 'AbortError') return;
      throw err;
    }
    if (!live()) return;
    // Everything is scheduled: stop when the last sample has played.
    const wait = () => {
      if (!live()) return;
      const left = this.t0 + this.scheduled / rate - ac.currentTime;
      if (left <= 0) this.stop(this.scheduled / rate);
      else this.endTimer = setTimeout(wait, Math.min(250, left * 1000 + 10));
    };
    wait();
  }

  /** The playhead in seconds from the start of the stream. */
  position() {
    if (!this.ac || !this.t0) return 0;
    return Math.max(0, Math.min(this.scheduled / this.rate, this.ac.currentTime - this.t0));
  }

  /**
   * Stops playback and the stream.
   * @param {number} [at] where it stopped (default: the playhead)
   */
  stop(at) {
    const was = this.playing;
    const pos = at ?? this.position();
    this.playing = false;
    this.token++;
    cancelAnimationFrame(this.raf);
    clearTimeout(this.endTimer);
    if (this.ctl) this.ctl.abort();
    this.ctl = null;
    for (const n of this.nodes) {
      try {
        n.stop();
      } catch {
        /* not started */
      }
      n.disconnect();
    }
    this.nodes = [];
    const cb = this.onStop;
    this.onStop = null;
    this.onTime = null;
    if (was && cb) cb(pos);
  }
}

function concat(a, b) {
  if (!a.byteLength) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/**
 * Where the samples of a RIFF/RF64 WAVE start in head, or -1 while the
 * data chunk's header has not arrived.
 * @param {Uint8Array} head
 */
function dataOffset(head) {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const id = (o) => String.fromCharCode(head[o], head[o + 1], head[o + 2], head[o + 3]);
  if (head.byteLength < 12) return -1;
  if ((id(0) !== 'RIFF' && id(0) !== 'RF64' && id(0) !== 'BW64') || id(8) !== 'WAVE') throw new Error('the engine did not stream a WAV');
  let o = 12;
  while (o + 8 <= head.byteLength) {
    if (id(o) === 'data') return o + 8;
    o += 8 + v.getUint32(o + 4, true) + (v.getUint32(o + 4, true) & 1);
  }
  return -1;
}
