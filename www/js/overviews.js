// Reading the waveforms of the open files: each file's overview once it
// is shown (a quick sampled one first, then the exact one, with progress
// on the cutter's waveform; a cancelled read can be started again), and
// the detail a zoomed-in view asks for (detailPeaks, for the PeakStore).

import { isAbort } from './util.js';

/**
 * The PeakStore's loader: reads the peaks of a span of an open source.
 * @param {Object} opts
 * @param {() => Promise<Object>} opts.engine the engine
 * @param {import('./engine.js').Jobs} opts.jobs
 * @param {(id: number) => (Object|undefined)} opts.source an open source by id
 * @returns {(source: number, span: {from: number, to: number, buckets: number}) => Promise<Object>}
 */
export function detailPeaks({ engine, jobs, source }) {
  return async (id, { from, to, buckets }) => {
    const src = source(id);
    if (!src) throw new Error('closed');
    const oc = await engine();
    return jobs.run(`Drawing the waveform of ${src.file.name} in detail`, (signal, onProgress) => oc.peaks(src.file, { from, to, buckets, signal, onProgress }), { delay: 700 });
  };
}

export class Overviews {
  /**
   * @param {Object} opts
   * @param {() => Promise<Object>} opts.engine the engine
   * @param {import('./engine.js').Jobs} opts.jobs
   * @param {import('./peaks.js').PeakStore} opts.peaks where the peaks go
   * @param {Object} opts.cutter the cutter (its waveform shows the progress)
   * @param {Object} opts.joiner the joiner (its thumbnails are redrawn)
   * @param {(msg: string) => void} opts.error
   */
  constructor({ engine, jobs, peaks, cutter, joiner, error }) {
    Object.assign(this, { engine, jobs, peaks, cutter, joiner, error });
    /** @type {Map<number, 'loading'|'done'|'failed'|'cancelled'>} by source id */
    this.state = new Map();
  }

  /** @param {number} id a closed source */
  forget(id) {
    this.state.delete(id);
  }

  /**
   * Reads a source's overview, once (again when force after a cancel).
   * @param {{id: number, file: File, info: Object}} src
   * @param {boolean} [force]
   */
  async load(src, force = false) {
    const { cutter, joiner, peaks, jobs } = this;
    const show = (text) => {
      if (cutter.src && cutter.src.id === src.id) cutter.wave.setLoading(text);
    };
    const state = this.state.get(src.id);
    if (state === 'done') show('');
    if (state === 'cancelled' && !force) this.showCancelled(src);
    if (state && !(state === 'cancelled' && force)) return;
    this.state.set(src.id, 'loading');
    peaks.add(src.id, src.info.frames);
    show('Reading the waveform…');
    try {
      const oc = await this.engine();
      const buckets = Math.max(1, Math.min(src.info.frames, 8192));
      // A quick overview first (a window of each of about a thousand buckets,
      // read at once from PCM files), drawn while the exact waveform is read.
      const quick = await jobs.run(`Reading the waveform of ${src.file.name} (overview)`, (signal) =>
        oc.peaks(src.file, { buckets: Math.min(buckets, 1024), sampled: true, signal }), { delay: 700 });
      if (quick.sampled && quick.min.length && this.state.get(src.id) === 'loading') {
        peaks.put(src.id, quick);
        cutter.wave.changed();
        joiner.drawThumbs();
        show('Refining the waveform…');
      }
      const p = await jobs.run(`Reading the waveform of ${src.file.name}`, (signal, onProgress) =>
        oc.peaks(src.file, {
          buckets,
          signal,
          onProgress: (pr) => {
            onProgress(pr);
            if (pr.total) show(`${peaks.best(src.id, 0, src.info.frames) ? 'Refining' : 'Reading'} the waveform… ${Math.floor((pr.done / pr.total) * 100)}%`);
          },
        }),
      );
      peaks.put(src.id, p);
      this.state.set(src.id, 'done');
      show('');
      cutter.wave.changed();
      joiner.drawThumbs();
    } catch (err) {
      this.state.set(src.id, isAbort(err) ? 'cancelled' : 'failed');
      if (isAbort(err)) {
        this.showCancelled(src);
      } else {
        show('The waveform could not be drawn.');
        this.error(`Could not draw the waveform of ${src.file.name}: ${err.message}`);
      }
    }
  }

  /** Offers to draw a cancelled overview after all. */
  showCancelled(src) {
    const { cutter } = this;
    if (cutter.src && cutter.src.id === src.id) {
      cutter.wave.setLoading('Waveform not drawn (cancelled). You can still select, play and export.', { label: 'Draw it', run: () => this.load(src, true) });
    }
  }
}
