// A cache of waveform peaks per source, filled from the engine: a coarse
// overview of each whole source first, then finer ranges for what is on
// screen. Requests run one at a time so the worker stays responsive.

const MAX_BUCKETS = 16384;
const KEEP = 12; // detailed entries kept per source

/**
 * @typedef {{from: number, to: number, min: Float32Array, max: Float32Array, spb: number}} Entry
 */

export class PeakStore {
  /**
   * @param {(source: number, opts: {from: number, to: number, buckets: number}) => Promise<{from:number,to:number,min:Float32Array,max:Float32Array}>} request
   * @param {() => void} onUpdate called when new peaks arrive
   */
  constructor(request, onUpdate) {
    this.request = request;
    this.onUpdate = onUpdate;
    /** @type {Map<number, Entry[]>} */
    this.entries = new Map();
    /** @type {Map<number, number>} frames per source */
    this.frames = new Map();
    this.busy = false;
    /** @type {(() => {source:number, from:number, to:number, buckets:number}|null)|null} */
    this.wanted = null;
    this.failed = new Set();
  }

  /**
   * Registers a source of the given length.
   * @param {number} source
   * @param {number} frames
   */
  add(source, frames) {
    if (this.frames.get(source) === frames) return;
    this.frames.set(source, frames);
    this.entries.set(source, []);
  }

  /**
   * Stores peaks for a source.
   * @param {number} source
   * @param {{from:number,to:number,min:Float32Array,max:Float32Array}} p
   */
  put(source, p) {
    const list = this.entries.get(source) || [];
    const n = p.min.length;
    if (!n) return;
    const e = { from: p.from, to: p.to, min: p.min, max: p.max, spb: (p.to - p.from) / n };
    const isOverview = (x) => x.from === 0 && x.to === this.frames.get(source);
    const rest = list.filter((x) => !isOverview(x));
    // A new overview (the exact one after a quick, sampled one) replaces
    // the old.
    if (isOverview(e)) {
      this.entries.set(source, [e, ...rest.slice(-KEEP)]);
      return;
    }
    const overview = list.filter(isOverview);
    rest.push(e);
    while (rest.length > KEEP) rest.shift();
    this.entries.set(source, [...overview.slice(0, 1), ...rest]);
  }

  /**
   * The best entry covering [a, b) of source: the finest one that covers it.
   * @param {number} source
   * @param {number} a
   * @param {number} b
   * @returns {Entry|null}
   */
  best(source, a, b) {
    let best = null;
    for (const e of this.entries.get(source) || []) {
      if (e.from <= a && e.to >= b && (!best || e.spb < best.spb)) best = e;
    }
    return best;
  }

  /**
   * Min and max of source frames [a, b), or null when no peaks are known.
   * @param {number} source
   * @param {number} a
   * @param {number} b
   * @param {Entry|null} [e] an entry known to cover the range
   * @returns {[number, number]|null}
   */
  range(source, a, b, e) {
    e = e || this.best(source, a, b);
    if (!e) return null;
    const n = e.min.length;
    let i0 = Math.floor((a - e.from) / e.spb);
    let i1 = Math.ceil((b - e.from) / e.spb);
    i0 = Math.max(0, Math.min(n - 1, i0));
    i1 = Math.max(i0 + 1, Math.min(n, i1));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = i0; i < i1; i++) {
      if (e.min[i] < lo) lo = e.min[i];
      if (e.max[i] > hi) hi = e.max[i];
    }
    return [lo, hi];
  }

  /**
   * Asks for peaks of source frames [a, b) at about spb frames per bucket,
   * unless something at least that fine is cached. want() is called again
   * whenever the view changes; only the latest wish is fetched.
   * @param {Array<{source:number, a:number, b:number, spb:number}>} wishes
   */
  want(wishes) {
    this.wishes = wishes;
    this.declined = false;
    this.pump();
  }

  /** @private */
  next() {
    for (const w of this.wishes || []) {
      const frames = this.frames.get(w.source);
      if (frames === undefined || this.failed.has(w.source)) continue;
      // Refine only once the overview is there: the overview is the job
      // people see (and can cancel) for a whole long file.
      if (!(this.entries.get(w.source) || []).length) continue;
      const e = this.best(w.source, w.a, w.b);
      const target = Math.max(1, w.spb);
      if (e && e.spb <= target * 1.5) continue;
      if (e && e.spb <= 1) continue;
      // Fetch a padded range so small scrolls need no new request.
      const span = w.b - w.a;
      const from = Math.max(0, Math.floor(w.a - span / 2));
      const to = Math.min(frames, Math.ceil(w.b + span / 2));
      const buckets = Math.max(1, Math.min(MAX_BUCKETS, to - from, Math.round((to - from) / target)));
      return { source: w.source, from, to, buckets };
    }
    return null;
  }

  /** @private */
  async pump() {
    if (this.busy || this.declined) return;
    const job = this.next();
    if (!job) return;
    this.busy = true;
    try {
      const p = await this.request(job.source, job);
      this.put(job.source, p);
      this.onUpdate();
    } catch (err) {
      // A cancelled or failed refinement leaves the coarser peaks in place;
      // do not retry the same source in a loop.
      // A cancelled one waits until the view changes.
      if (err && err.name === 'AbortError') this.declined = true;
      else this.failed.add(job.source);
    } finally {
      this.busy = false;
    }
    this.pump();
  }
}
