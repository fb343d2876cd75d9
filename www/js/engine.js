// The engine, loaded once, plus a small job runner that shows every long
// job with its progress and a Cancel button.

import { Offcut } from '../offcut.js';
import { el, isAbort } from './util.js';

let loading = null;

/**
 * The engine instance (started on first use).
 * @returns {Promise<Offcut>}
 */
export function engine() {
  if (!loading) {
    loading = Offcut.load().catch((err) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}

let playing = null;

/**
 * A second engine, for playback only: sound starts at once even while the
 * main engine reads a long waveform or exports (its jobs run one at a
 * time). It opens files on its own (an MP3's frame index is built again
 * on its first play).
 * @returns {Promise<Offcut>}
 */
export function playbackEngine() {
  if (!playing) {
    playing = Offcut.load().catch((err) => {
      playing = null;
      throw err;
    });
  }
  return playing;
}

/**
 * A list of running jobs shown in an aria-live region, each with a progress
 * bar and a Cancel button. Jobs appear after a short delay so quick ones do
 * not flicker.
 */
export class Jobs {
  /**
   * @param {HTMLElement} root where the job rows go
   */
  constructor(root) {
    this.root = root;
    this.count = 0;
  }

  /**
   * Runs fn(signal, onProgress) as a visible, cancellable job.
   * @template T
   * @param {string} label what the job does, in plain words
   * @param {(signal: AbortSignal, onProgress: (p: {done:number,total:number}) => void) => Promise<T>} fn
   * @param {{delay?: number, signal?: AbortSignal}} [opts]
   * @returns {Promise<T>}
   */
  async run(label, fn, opts = {}) {
    const ctl = new AbortController();
    if (opts.signal) {
      if (opts.signal.aborted) ctl.abort();
      else opts.signal.addEventListener('abort', () => ctl.abort(), { once: true });
    }
    const bar = el('progress', { max: '1', 'aria-label': label });
    bar.removeAttribute('value'); // indeterminate until the first report
    const pct = el('span', { class: 'job-pct' }, '');
    const cancel = el('button', { type: 'button', class: 'btn btn-small', onclick: () => ctl.abort() }, 'Cancel');
    const row = el('div', { class: 'job', role: 'status', dataset: { testid: 'job' } }, el('span', { class: 'job-label' }, label), bar, pct, cancel);
    const timer = setTimeout(() => {
      this.root.append(row);
      this.root.hidden = false;
    }, opts.delay ?? 250);
    this.count++;
    let last = 0;
    const onProgress = ({ done, total }) => {
      if (!total) return;
      const f = Math.min(1, Math.max(last, done / total)); // monotonic
      last = f;
      bar.value = f;
      pct.textContent = `${Math.floor(f * 100)}%`;
    };
    try {
      return await fn(ctl.signal, onProgress);
    } finally {
      clearTimeout(timer);
      row.remove();
      this.count--;
      if (!this.root.children.length) this.root.hidden = true;
    }
  }
}

export { isAbort };
