// The joiner: a list of clips played in order, each trimmed, with a choice
// per junction (none, gap or crossfade with a length and a curve), a
// preview of every junction, the exact total, and export.

import { History } from './history.js';
import { ExportPanel, outputSettings } from './export.js';
import { engine, isAbort } from './engine.js';
import { el, icon, formatTime, parseTime, describeFormat, outputName, clamp, debounce } from './util.js';
import { curveSelect } from './curves.js';
import { gainControl, dbToLinear, formatDb } from './gain.js';
import { joinNew, joinFlat, joinWith, withGaps, DEFAULT_JOIN_MS } from './editdoc.js';

const PREVIEW_SECONDS = 3;
let nextKey = 1;

/**
 * @typedef {import('./editdoc.js').Item} Item
 * @typedef {import('./editdoc.js').JoinFlat} JoinFlat
 */

export class Joiner {
  /**
   * @param {Object} ctx
   * @param {import('./engine.js').Jobs} ctx.jobs
   * @param {import('./player.js').Player} ctx.player
   * @param {(id: number) => ({id:number, file: File, info: Object}|undefined)} ctx.source
   * @param {() => void} ctx.addFiles opens the file picker
   * @param {(msg: string) => void} ctx.error
   * @param {(msg: string) => void} ctx.announce
   * @param {(item: Item, done: (span: {in: number, out: number}) => void) => void} [ctx.trim]
   *   opens a clip in the cutter to trim it on the waveform
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.history = new History(joinNew());
    this.history.subscribe(() => this.render());
    this.previewing = -1;
    this.build();
    this.refreshResult = debounce(() => this.exporter.refresh(), 120);
    this.render();
  }

  /**
   * The present edit as the joiner reads it (the history keeps the engine's
   * document and the view beside it; see editdoc.js).
   * @returns {JoinFlat}
   */
  get state() {
    return joinFlat(this.history.present);
  }

  /**
   * @private The present state changed by a patch of its view.
   * @param {Partial<JoinFlat>} patch
   */
  with(patch) {
    return joinWith(this.history.present, patch, (id) => {
      const src = this.ctx.source(id);
      return src ? { name: src.file.name, size: src.file.size } : { name: '' };
    });
  }

  /** @private */
  build() {
    this.list = el('ol', { class: 'join-list', 'aria-label': 'Clips in order', dataset: { testid: 'join-list' } });
    this.empty = el('div', { class: 'empty-note' }, el('p', {}, 'Add two or more files to join them, in any order.'));
    this.addBtn = el('button', { type: 'button', class: 'btn', onclick: () => this.ctx.addFiles() }, icon('add'), el('span', { class: 'btn-text' }, 'Add files…'));
    this.undoBtn = el('button', { type: 'button', class: 'btn btn-icon', title: 'Undo (Ctrl+Z)', 'aria-keyshortcuts': 'Control+Z', onclick: () => this.undo() }, icon('undo'), el('span', { class: 'btn-text' }, 'Undo'));
    this.redoBtn = el('button', { type: 'button', class: 'btn btn-icon', title: 'Redo (Ctrl+Y)', 'aria-keyshortcuts': 'Control+Y', onclick: () => this.redo() }, icon('redo'), el('span', { class: 'btn-text' }, 'Redo'));
    this.totalOut = el('p', { class: 'muted total' }, '');
    this.exporter = new ExportPanel({ id: 'join', jobs: this.ctx.jobs, getJob: () => this.exportJob(), onError: (m) => this.ctx.error(m) });
    this.root = el(
      'section',
      { class: 'panel joiner', 'aria-label': 'Joiner', dataset: { testid: 'joiner' } },
      el(
        'header',
        { class: 'panel-head' },
        el('div', {}, el('h2', {}, 'Join clips'), el('p', { class: 'muted' }, 'Drag the grip or press Alt+↑/↓ to reorder. Each junction can be a cut, a gap or a crossfade.')),
        el('div', { class: 'toolbar-group' }, this.undoBtn, this.redoBtn),
      ),
      this.empty,
      this.list,
      el('div', { class: 'toolbar' }, this.addBtn, this.totalOut),
      this.exporter.root,
    );
  }

  /**
   * Appends whole sources to the list.
   * @param {Array<{id:number, info: Object}>} srcs
   */
  add(srcs) {
    if (!srcs.length) return;
    const s = this.state;
    const items = [...s.items];
    const joins = [...s.joins];
    for (const src of srcs) {
      if (items.length) joins.push({ ...(joins[joins.length - 1] || { type: 'none', ms: DEFAULT_JOIN_MS, curve: '' }) });
      items.push({ key: nextKey++, src: src.id, in: 0, out: src.info.frames });
    }
    this.history.push(this.with({ items, joins }));
    this.ctx.announce(`${srcs.length === 1 ? 'Added 1 clip' : `Added ${srcs.length} clips`}; ${items.length} in the list.`);
  }

  /**
   * Removes every clip of a closed source.
   * @param {number} id
   */
  forget(id) {
    const s = this.state;
    let items = s.items;
    let joins = s.joins;
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i].src === id) ({ items, joins } = this.without({ items, joins }, i));
    }
    if (items !== s.items) this.history.reset(this.with({ items, joins }));
  }

  /** @private */
  without(s, i) {
    const items = s.items.filter((_, k) => k !== i);
    const joins = [...s.joins];
    if (joins.length) joins.splice(Math.min(i, joins.length - 1), 1);
    return { items, joins };
  }

  /** @private */
  remove(i) {
    this.stopPreview();
    this.history.push(this.with(this.without(this.state, i)));
    this.focusItem(Math.min(i, this.state.items.length - 1));
  }

  /**
   * Moves item i to position j (junction settings stay in place).
   * @param {number} i
   * @param {number} j
   */
  move(i, j) {
    const s = this.state;
    j = clamp(j, 0, s.items.length - 1);
    if (i === j) return;
    this.stopPreview();
    const items = [...s.items];
    const [it] = items.splice(i, 1);
    items.splice(j, 0, it);
    this.history.push(this.with({ items, joins: s.joins }));
    this.ctx.announce(`Moved ${this.nameOf(it)} to position ${j + 1} of ${items.length}.`);
    this.focusItem(j);
  }

  /** @private */
  focusItem(i) {
    requestAnimationFrame(() => {
      const li = this.list.querySelectorAll('.join-item')[i];
      if (li) li.focus();
    });
  }

  /** @private */
  nameOf(it) {
    const src = this.ctx.source(it.src);
    return src ? src.file.name : 'clip';
  }

  /** @private */
  setItem(i, patch) {
    const items = this.state.items.map((it, k) => (k === i ? { ...it, ...patch } : it));
    this.history.push(this.with({ items }));
  }

  /** @private */
  setJoin(i, patch) {
    const joins = this.state.joins.map((j, k) => (k === i ? { ...j, ...patch } : j));
    this.history.push(this.with({ joins }));
  }

  /** Export (Ctrl+S). */
  exportNow() {
    this.exporter.export(false);
  }

  /** Undo (Ctrl+Z). */
  undo() {
    this.stopPreview();
    if (this.history.undo()) this.ctx.announce('Undone.');
  }

  /** Redo (Ctrl+Y). */
  redo() {
    this.stopPreview();
    if (this.history.redo()) this.ctx.announce('Redone.');
  }

  /** Delete: removes the focused clip. */
  deleteSel() {
    const li = document.activeElement && document.activeElement.closest && document.activeElement.closest('.join-item');
    if (li && this.list.contains(li)) this.remove(Number(li.dataset.index));
  }

  /** Space: stops a junction preview. */
  playPause() {
    if (this.previewing >= 0) this.stopPreview();
  }

  /**
   * @private Asks the engine to lay the join out: the total under the
   * list and the crossfade warnings come from its answer, at once even
   * while it reads a waveform.
   */
  async measure() {
    const seq = (this.measureSeq = (this.measureSeq || 0) + 1);
    const s = this.state;
    let job;
    try {
      job = this.exportJob();
    } catch {
      job = null;
    }
    if (!job) {
      this.layout = null;
      this.totalOut.textContent = '';
      return;
    }
    const draft = job.outputs[0].doc;
    let text;
    try {
      const oc = await engine();
      // Laid out with the crossfades as gaps, so that a crossfade longer
      // than its clips still gives the clips' lengths and its own.
      const layout = await oc.lengths(withGaps(draft), job.infos);
      if (seq !== this.measureSeq) return;
      const before = this.layout && JSON.stringify(this.layout.sources);
      this.layout = layout;
      // "Original" in the output settings is the engine's choice for
      // these sources (the best of them, whatever their order).
      if (JSON.stringify(layout.sources) !== before) this.refreshResult();
      this.showWarnings();
      const R = layout.sampleRate;
      const rates = new Set(job.infos.map((x) => x.format.sampleRate));
      const note = rates.size > 1 || !rates.has(R) ? ` · every clip is resampled to ${(R / 1000).toLocaleString('en')} kHz where needed` : '';
      const out = (await oc.lengths(draft, job.infos)).output;
      text = `${s.items.length} clips · total ${formatTime(out.frames, out.sampleRate)}${note}`;
    } catch (err) {
      text = `${s.items.length} clips · ${err.message}`;
    }
    if (seq === this.measureSeq) this.totalOut.textContent = text;
  }

  /**
   * @private Why crossfade i cannot be as long as asked, or '' (from the
   * engine's last layout, when it is the current list's).
   * @param {number} i
   * @returns {string}
   */
  crossfadeWarning(i) {
    const s = this.state;
    const j = s.joins[i];
    const l = this.layout;
    if (!j || j.type !== 'crossfade' || !l || l.clips.length !== s.items.length) return '';
    const len = l.joins[i];
    const shortest = Math.min(l.clips[i], l.clips[i + 1]);
    return len > shortest ? `Longer than a clip (${formatTime(shortest, l.sampleRate)})` : '';
  }

  /** @private Updates the junctions' warnings from the engine's layout. */
  showWarnings() {
    for (const w of this.list.querySelectorAll('[data-field="warn"]')) {
      const li = w.closest('[data-key]');
      const text = this.crossfadeWarning(Number(li.dataset.key.slice(1)));
      w.textContent = text;
      w.hidden = !text;
    }
  }

  /** @private */
  render() {
    const s = this.state;
    const act = /** @type {HTMLElement|null} */ (document.activeElement);
    const holder = act && this.list.contains(act) ? act.closest('[data-key]') : null;
    const focusedKey = holder ? holder.dataset.key : null;
    const focusedField = holder && act !== holder ? act.dataset.field : null;
    this.empty.hidden = s.items.length > 0;
    const nodes = [];
    s.items.forEach((it, i) => {
      nodes.push(this.itemNode(it, i, s.items.length));
      if (i < s.items.length - 1) nodes.push(this.junctionNode(s.joins[i] || { type: 'none', ms: DEFAULT_JOIN_MS, curve: '' }, i));
    });
    this.list.replaceChildren(...nodes);
    this.drawThumbs();
    for (const id of new Set(s.items.map((it) => it.src))) {
      if (this.ctx.loadOverview) this.ctx.loadOverview(id);
    }
    if (focusedKey) {
      const li = this.list.querySelector(`[data-key="${focusedKey}"]`);
      const f = li && focusedField ? li.querySelector(`[data-field="${focusedField}"]`) : li;
      if (f && !f.hidden) f.focus();
      else if (li && li.tabIndex >= 0) li.focus();
    }
    this.measure();
    const wasFocused = document.activeElement === this.undoBtn || document.activeElement === this.redoBtn;
    this.undoBtn.disabled = !this.history.canUndo();
    this.redoBtn.disabled = !this.history.canRedo();
    if (wasFocused && /** @type {HTMLButtonElement} */ (document.activeElement).disabled) (this.undoBtn.disabled ? this.redoBtn : this.undoBtn).focus();
    this.refreshResult();
  }

  /** @private */
  itemNode(it, i, n) {
    const src = this.ctx.source(it.src);
    const rate = src ? src.info.format.sampleRate : 44100;
    const frames = src ? src.info.frames : it.out;
    const timeIn = (field, value, label) => {
      const inp = el('input', {
        type: 'text',
        class: 'time-input mono',
        inputmode: 'decimal',
        spellcheck: 'false',
        autocomplete: 'off',
        value: formatTime(value, rate),
        'aria-label': `${label} of ${src ? src.file.name : 'clip'} (h:mm:ss.fff or seconds)`,
        dataset: { field, testid: `clip-${field}` },
      });
      const commit = () => {
        let f;
        try {
          f = parseTime(inp.value, rate);
        } catch (err) {
          this.ctx.error(err.message);
          inp.value = formatTime(value, rate);
          return;
        }
        const lo = field === 'in' ? 0 : it.in + 1;
        const hi = field === 'in' ? it.out - 1 : frames;
        f = clamp(f, lo, hi);
        if (f !== value) this.setItem(i, { [field]: f });
        else inp.value = formatTime(value, rate);
      };
      inp.addEventListener('change', commit);
      inp.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        }
      });
      return el('label', { class: 'field' }, el('span', { class: 'field-label' }, label), inp);
    };
    const grip = el('span', { class: 'grip', 'aria-hidden': 'true', title: 'Drag to reorder' }, icon('grip'));
    const up = el('button', { type: 'button', class: 'btn btn-icon', dataset: { field: 'up' }, title: 'Move up (Alt+↑)', disabled: i === 0, onclick: () => this.move(i, i - 1) }, icon('up'), el('span', { class: 'btn-text' }, 'Move up'));
    const down = el('button', { type: 'button', class: 'btn btn-icon', dataset: { field: 'down' }, title: 'Move down (Alt+↓)', disabled: i === n - 1, onclick: () => this.move(i, i + 1) }, icon('down'), el('span', { class: 'btn-text' }, 'Move down'));
    const del = el('button', { type: 'button', class: 'btn btn-icon', title: 'Remove from the list', onclick: () => this.remove(i) }, icon('close'), el('span', { class: 'btn-text' }, 'Remove'));
    const gain = gainControl({
      label: `Gain of ${src ? src.file.name : 'clip'}`,
      testid: 'clip-gain',
      onchange: (db) => {
        this.setItem(i, { gain: db || undefined });
        this.ctx.announce(`Gain ${formatDb(db)} on ${this.nameOf(it)}.`);
      },
      onerror: (m) => this.ctx.error(m),
    });
    gain.set(it.gain || 0);
    gain.range.dataset.field = 'gain-range';
    gain.input.dataset.field = 'gain-db';
    const trim = this.ctx.trim && src
      ? el('button', { type: 'button', class: 'btn btn-small', dataset: { field: 'trim', testid: 'clip-trim' }, title: `Trim ${src ? src.file.name : 'clip'} on the waveform in the cutter`, onclick: () => this.trimOnWaveform(i) }, icon('trim'), el('span', { class: 'btn-text' }, 'Trim on waveform'))
      : null;
    const name = src ? src.file.name : '(closed file)';
    const li = el(
      'li',
      {
        class: 'join-item',
        tabindex: '0',
        'aria-label': `${i + 1} of ${n}: ${name}, ${formatTime(it.out - it.in, rate)}. Alt+Up or Alt+Down to move.`,
        'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown',
        dataset: { index: String(i), key: String(it.key), testid: 'join-item' },
      },
      grip,
      el(
        'div',
        { class: 'join-body' },
        el('div', { class: 'join-title' }, el('span', { class: 'join-pos' }, String(i + 1)), el('strong', { class: 'join-name' }, name), el('span', { class: 'muted join-meta' }, src ? `${describeFormat(src.info.format, src.info)} · ${formatTime(it.out - it.in, rate)} of ${formatTime(frames, rate)}` : '')),
        el('canvas', { class: 'join-thumb', 'aria-hidden': 'true', dataset: { src: String(it.src), in: String(it.in), out: String(it.out), frames: String(frames) } }),
        el('div', { class: 'join-trim' }, timeIn('in', it.in, 'In'), timeIn('out', it.out, 'Out')),
      ),
      el('div', { class: 'join-actions' }, up, down, del),
    );
    // The clip's gain (also drawn on its thumbnail) and its trim on the
    // cutter's waveform.
    const body = li.querySelector('.join-body');
    body.querySelector('.join-thumb').dataset.gain = String(it.gain || 0);
    if (trim) body.querySelector('.join-trim').append(trim);
    body.append(el('div', { class: 'join-gain' }, el('span', { class: 'field-label' }, 'Gain'), gain.root));
    li.addEventListener('keydown', (e) => {
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        this.move(i, i + (e.key === 'ArrowUp' ? -1 : 1));
      }
    });
    this.bindDrag(grip, li, i);
    return li;
  }

  /** Redraws the clip thumbnails from the peaks known so far. */
  drawThumbs() {
    if (this.thumbRaf) return;
    this.thumbRaf = requestAnimationFrame(() => {
      this.thumbRaf = 0;
      const peaks = this.ctx.peaks;
      if (!peaks) return;
      const css = getComputedStyle(this.root);
      const cWave = css.getPropertyValue('--wave').trim() || '#5b7fcf';
      const cDim = css.getPropertyValue('--grid').trim() || '#ccc';
      const dpr = window.devicePixelRatio || 1;
      for (const c of this.list.querySelectorAll('canvas.join-thumb')) {
        const w = c.clientWidth;
        const h = c.clientHeight;
        if (!w || !h) continue;
        c.width = Math.round(w * dpr);
        c.height = Math.round(h * dpr);
        const g = c.getContext('2d');
        if (!g) continue;
        g.scale(dpr, dpr);
        const id = Number(c.dataset.src);
        const frames = Number(c.dataset.frames);
        const a = Number(c.dataset.in);
        const b = Number(c.dataset.out);
        const k = dbToLinear(Number(c.dataset.gain) || 0);
        const e = peaks.best(id, 0, frames);
        g.fillStyle = cDim;
        g.fillRect(0, h / 2, w, 1 / dpr);
        if (!e) continue;
        const fpp = frames / w;
        for (let x = 0; x < w; x += 1 / dpr) {
          const r = peaks.range(id, x * fpp, Math.min(frames, (x + 1 / dpr) * fpp), e);
          if (!r) continue;
          const inside = x * fpp >= a && x * fpp < b;
          g.fillStyle = inside ? cWave : cDim;
          const y0 = h / 2 - Math.max(-1, Math.min(1, r[1] * (inside ? k : 1))) * (h / 2 - 1);
          const y1 = h / 2 - Math.max(-1, Math.min(1, r[0] * (inside ? k : 1))) * (h / 2 - 1);
          g.fillRect(x, y0, 1 / dpr, Math.max(1 / dpr, y1 - y0));
        }
      }
    });
  }

  /**
   * Opens clip i in the cutter to trim it on the waveform; the cutter's
   * Done brings the trim back here (one undo step).
   * @param {number} i
   */
  trimOnWaveform(i) {
    const it = this.state.items[i];
    if (!it || !this.ctx.trim) return;
    this.stopPreview();
    const key = it.key;
    this.ctx.trim(it, (span) => {
      const k = this.state.items.findIndex((x) => x.key === key);
      if (k < 0) return;
      const cur = this.state.items[k];
      if (span.in !== cur.in || span.out !== cur.out) {
        this.setItem(k, { in: span.in, out: span.out });
        this.ctx.announce(`Trimmed ${this.nameOf(cur)} to ${formatTime(span.out - span.in, this.ctx.source(cur.src).info.format.sampleRate)}.`);
      }
      this.focusItem(k);
    });
  }

  /** @private pointer drag by the grip (mouse and touch) */
  bindDrag(grip, li, i) {
    grip.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      grip.setPointerCapture(e.pointerId);
      const items = [...this.list.querySelectorAll('.join-item')];
      const rects = items.map((x) => x.getBoundingClientRect());
      const y0 = e.clientY;
      let target = i;
      li.classList.add('dragging');
      this.list.classList.add('reordering');
      const move = (ev) => {
        const dy = ev.clientY - y0;
        li.style.transform = `translateY(${dy}px)`;
        const mid = rects[i].top + rects[i].height / 2 + dy;
        target = i;
        rects.forEach((r, k) => {
          if (k < i && mid < r.top + r.height / 2) target = Math.min(target, k);
          if (k > i && mid > r.top + r.height / 2) target = Math.max(target, k);
        });
        items.forEach((x, k) => {
          if (k === i) return;
          let shift = 0;
          if (k >= target && k < i) shift = rects[i].height + 8;
          if (k <= target && k > i) shift = -(rects[i].height + 8);
          x.style.transform = shift ? `translateY(${shift}px)` : '';
        });
      };
      const up = () => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
        grip.removeEventListener('pointercancel', up);
        items.forEach((x) => (x.style.transform = ''));
        li.classList.remove('dragging');
        this.list.classList.remove('reordering');
        if (target !== i) this.move(i, target);
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
      grip.addEventListener('pointercancel', up);
    });
  }

  /** @private */
  junctionNode(j, i) {
    const s = this.state;
    const type = el(
      'select',
      { 'aria-label': `Junction ${i + 1}: how clip ${i + 1} meets clip ${i + 2}`, dataset: { testid: 'join-type', field: 'type' }, onchange: () => this.setJoin(i, { type: type.value }) },
      el('option', { value: 'none' }, 'Straight cut'),
      el('option', { value: 'gap' }, 'Gap of silence'),
      el('option', { value: 'crossfade' }, 'Crossfade'),
    );
    type.value = j.type;
    const ms = el('input', {
      type: 'number',
      class: 'num',
      min: '0',
      step: '100',
      value: String(j.ms),
      'aria-label': `Junction ${i + 1} length in milliseconds`,
      dataset: { testid: 'join-ms', field: 'ms' },
      hidden: j.type === 'none',
      onchange: () => this.setJoin(i, { ms: Math.max(0, Math.round(Number(ms.value) || 0)) }),
    });
    const unit = el('span', { class: 'unit', hidden: j.type === 'none' }, 'ms');
    const curve = curveSelect(j.curve, { 'aria-label': `Junction ${i + 1} crossfade curve`, dataset: { field: 'curve' }, hidden: j.type !== 'crossfade', onchange: () => this.setJoin(i, { curve: curve.value }) });
    const playing = this.previewing === i;
    const preview = el(
      'button',
      { type: 'button', class: 'btn btn-small', 'aria-pressed': String(playing), dataset: { testid: 'join-preview', field: 'preview' }, onclick: () => (this.previewing === i ? this.stopPreview() : this.preview(i)) },
      icon(playing ? 'stop' : 'play'),
      el('span', { class: 'btn-text' }, playing ? 'Stop' : 'Preview'),
    );
    // Warn when a crossfade is longer than its clips allow (the engine's
    // layout, see measure).
    const warnText = this.crossfadeWarning(i);
    const warn = el('span', { class: 'field-error', hidden: !warnText, dataset: { testid: 'join-warn', field: 'warn' } }, warnText);
    let bar = null;
    if (playing) {
      bar = el('progress', { class: 'junction-progress', max: '1', 'aria-label': `Preview of junction ${i + 1}` });
      bar.value = this.previewAt || 0;
      this.previewBar = bar;
    }
    return el('li', { class: 'junction', 'aria-label': `Junction ${i + 1}`, dataset: { key: `j${i}` } }, el('span', { class: 'junction-line', 'aria-hidden': 'true' }), type, ms, unit, curve, warn, preview, bar);
  }

  /**
   * Plays ±3 s around junction i, rendered by the engine.
   * @param {number} i
   */
  async preview(i) {
    this.stopPreview();
    const s = this.state;
    const a = s.items[i];
    const b = s.items[i + 1];
    const sa = this.ctx.source(a.src);
    const sb = this.ctx.source(b.src);
    if (!sa || !sb) return;
    // At the whole join's rate and channels (the engine's last layout).
    const R = this.layout ? this.layout.sampleRate : sa.info.format.sampleRate;
    const j = s.joins[i] || { type: 'none', ms: 0 };
    // The engine's length for this junction when its layout is the
    // current list's; else a bound (only how much of each clip to take).
    const laid = this.layout && this.layout.clips.length === s.items.length ? this.layout.joins[i] : undefined;
    const len = j.type === 'none' ? 0 : laid ?? Math.ceil((j.ms / 1000) * R) + 1;
    const ra = sa.info.format.sampleRate;
    const rb = sb.info.format.sampleRate;
    const extra = j.type === 'crossfade' ? len : 0;
    const takeA = Math.ceil(((PREVIEW_SECONDS * R + extra) * ra) / R);
    const takeB = Math.ceil(((PREVIEW_SECONDS * R + extra) * rb) / R);
    const files = sa === sb ? [sa.file] : [sa.file, sb.file];
    const clips = [
      { source: 0, in: Math.max(a.in, a.out - takeA), out: a.out },
      { source: files.length - 1, in: b.in, out: Math.min(b.out, b.in + takeB) },
    ];
    const doc = { version: 1, clips, joins: [j.type === 'none' ? { type: 'none' } : { type: j.type, ms: j.ms, curve: j.curve }], output: { container: 'wav', sampleRate: R } };
    const out = outputSettings();
    if (out.channels || this.layout) doc.output.channels = out.channels || this.layout.channels;
    const ctl = new AbortController();
    this.pending = ctl;
    this.previewing = i;
    this.render();
    try {
      const oc = await engine();
      const blob = await this.ctx.jobs.run(`Preparing the preview of junction ${i + 1}`, (signal, onProgress) => oc.render(doc, files, { signal, onProgress }), { signal: ctl.signal });
      if (this.pending !== ctl) return;
      this.pending = null;
      this.previewAt = 0;
      await this.ctx.player.play(blob, {
        onTime: (t) => {
          const d = this.ctx.player.audio.duration;
          this.previewAt = d > 0 ? t / d : 0;
          if (this.previewBar) this.previewBar.value = this.previewAt;
        },
        onStop: () => {
          if (this.previewing === i) {
            this.previewing = -1;
            this.render();
          }
        },
      });
    } catch (err) {
      if (this.pending === ctl) this.pending = null;
      if (this.previewing === i) {
        this.previewing = -1;
        this.render();
      }
      if (!isAbort(err)) this.ctx.error(`Cannot preview junction ${i + 1}: ${err.message}`);
    }
  }

  /** Stops a junction preview. */
  stopPreview() {
    if (this.pending) {
      this.pending.abort();
      this.pending = null;
    }
    this.ctx.player.stop();
    if (this.previewing >= 0) {
      this.previewing = -1;
      this.render();
    }
  }

  /** @private the document to export */
  exportJob() {
    const { doc: edit, view } = this.history.present;
    const s = this.state;
    if (!s.items.length) return null;
    const srcs = view.ids.map((id) => this.ctx.source(id));
    if (srcs.some((x) => !x)) throw new Error('A clip names a file that was closed.');
    // The history's document as it is (joins in milliseconds: the engine
    // states them in frames at the output's rate), its sources named as
    // they are open now. Settings left at "Original" are left to the
    // engine: the best of the sources, whatever the clips' order
    // (project.SourcesFormat).
    const doc = { ...edit, sources: srcs.map((x) => ({ name: x.file.name, size: x.file.size })), output: outputSettings() };
    if (!edit.joins.some((j) => j.type !== 'none')) delete doc.joins;
    const first = srcs[0];
    const what = s.items.length > 1 ? 'joined' : 'cut';
    return {
      files: srcs.map((x) => x.file),
      outputs: [{ doc, name: outputName(first.file.name, what) }],
      source: { name: first.file.name, format: (this.layout && this.layout.sources) || first.info.format, tags: first.info.tags || {}, pictures: first.info.pictures || [] },
      containers: srcs.map((x) => x.info.container),
      infos: srcs.map((x) => x.info),
    };
  }
}
