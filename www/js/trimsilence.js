// Trim silence: a small row in the cutter. "Find silence" asks the engine
// (oc.silence, package audio/silence: a frame is silent when every channel
// is at or below the threshold; an edge run is trimmed when at least the
// minimum long) and shows what would stay as the selection on the
// waveform, with how much goes at each end; "Trim" then keeps it (one undo
// step). The CLI's `offcut trim-silence` is the same engine code, so both
// give the same bytes.

import { el, icon, formatTime } from './util.js';

export class SilenceTrim {
  /**
   * @param {Object} ctx
   * @param {import('./cutter.js').Cutter} ctx.cutter
   * @param {() => Promise<import('../offcut.js').Offcut>} ctx.engine
   * @param {import('./engine.js').Jobs} ctx.jobs
   * @param {(msg: string) => void} ctx.error
   * @param {(msg: string) => void} ctx.announce
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.found = null; // {srcId, from, to} in timeline frames
    this.threshold = el('input', { type: 'number', class: 'num', min: '-120', max: '0', step: '1', value: '-50', 'aria-label': 'Silence threshold in dBFS', dataset: { testid: 'trim-threshold' }, onchange: () => this.clear() });
    this.min = el('input', { type: 'number', class: 'num', min: '0', step: '0.1', value: '0.5', 'aria-label': 'Shortest silence to trim, in seconds', dataset: { testid: 'trim-min' }, onchange: () => this.clear() });
    this.findBtn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'trim-find' }, onclick: () => this.find() }, icon('select-all'), el('span', { class: 'btn-text' }, 'Find silence'));
    this.applyBtn = el('button', { type: 'button', class: 'btn btn-primary', disabled: true, dataset: { testid: 'trim-apply' }, onclick: () => this.apply() }, icon('trim'), el('span', { class: 'btn-text' }, 'Trim'));
    this.result = el('output', { class: 'muted', 'aria-live': 'polite', dataset: { testid: 'trim-result' } }, '');
    this.root = el(
      'fieldset',
      { class: 'trim-silence', dataset: { testid: 'trim-silence' } },
      el('legend', { class: 'field-label' }, 'Trim silence at the ends'),
      el('label', { class: 'field-inline' }, el('span', {}, 'Below'), this.threshold, el('span', { class: 'unit' }, 'dBFS')),
      el('label', { class: 'field-inline' }, el('span', {}, 'at least'), this.min, el('span', { class: 'unit' }, 's')),
      this.findBtn,
      this.applyBtn,
      this.result,
    );
    // Placed above the fades, inside the cutter's panel.
    const fades = ctx.cutter.root.querySelector('.fades');
    if (fades) fades.before(this.root);
    else ctx.cutter.root.append(this.root);
  }

  /** @private */
  clear() {
    this.found = null;
    this.applyBtn.disabled = true;
    this.result.textContent = '';
  }

  /** Finds the silence and shows what stays as the selection. */
  async find() {
    const cut = this.ctx.cutter;
    const src = cut.src;
    if (!src) return;
    const clips = cut.state.clips;
    if (clips.length !== 1) {
      this.ctx.error('Trim silence works on one unbroken stretch of the file: undo the cuts first, or select and keep by hand.');
      return;
    }
    const th = Number(this.threshold.value);
    const secs = Number(this.min.value);
    if (!Number.isFinite(th) || th > 0 || th < -120 || !Number.isFinite(secs) || secs < 0) {
      this.ctx.error('Give a threshold from −120 to 0 dBFS and a length of 0 seconds or more.');
      return;
    }
    const rate = src.info.format.sampleRate;
    this.findBtn.disabled = true;
    try {
      const oc = await this.ctx.engine();
      const r = await this.ctx.jobs.run(`Finding the silence in ${src.file.name}`, (signal) =>
        oc.silence(src.file, { thresholdDB: th, minFrames: Math.round(secs * rate), signal }));
      if (cut.src !== src) return;
      if (r.allSilent) {
        this.clear();
        this.result.textContent = `All of it is at or below ${th} dBFS: nothing to keep.`;
        return;
      }
      // Source frames to the timeline of the one clip.
      const c = clips[0];
      const from = Math.max(r.from, c.in) - c.in;
      const to = Math.min(r.to, c.out) - c.in;
      if (to <= from) {
        this.clear();
        this.result.textContent = 'The part shown is all silence.';
        return;
      }
      const total = c.out - c.in;
      this.found = { srcId: src.id, from, to };
      cut.setSel({ from, to }, true);
      this.applyBtn.disabled = from === 0 && to === total;
      this.result.dataset.from = String(r.from);
      this.result.dataset.to = String(r.to);
      this.result.textContent = from === 0 && to === total
        ? 'No silence to trim at either end.'
        : `Trims ${formatTime(from, rate)} at the start and ${formatTime(total - to, rate)} at the end (selected).`;
    } catch (err) {
      if (err && err.name !== 'AbortError') this.ctx.error(`Could not look for silence: ${err.message}`);
    } finally {
      this.findBtn.disabled = false;
    }
  }

  /** Keeps what Find selected. */
  apply() {
    const cut = this.ctx.cutter;
    if (!this.found || !cut.src || cut.src.id !== this.found.srcId) return;
    cut.setSel({ from: this.found.from, to: this.found.to }, true);
    cut.trim();
    this.clear();
  }
}
