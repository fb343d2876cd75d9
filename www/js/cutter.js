// The cutter: one source on a waveform; select, keep or remove, split,
// fade; hear it; see the exact result; export.

import { History } from './history.js';
import { cutNew, cutFlat, cutWith } from './editdoc.js';
import { Waveform } from './waveform.js';
import { ExportPanel, outputSettings } from './export.js';
import { engine, playbackEngine, isAbort } from './engine.js';
import { StreamPlayer } from './player.js';
import * as tl from './timeline.js';
import { el, icon, formatTime, parseTime, describeFormat, outputName, clamp, debounce } from './util.js';
import { curveSelect, setCurve } from './curves.js';
import { gainControl, formatDb } from './gain.js';

/**
 * @typedef {import('./editdoc.js').CutFlat} CutFlat
 */

export class Cutter {
  /**
   * @param {Object} ctx
   * @param {import('./engine.js').Jobs} ctx.jobs
   * @param {import('./peaks.js').PeakStore} ctx.peaks
   * @param {import('./player.js').Player} ctx.player
   * @param {(msg: string) => void} ctx.error
   * @param {(msg: string) => void} ctx.announce
   * @param {(h: History) => void} [ctx.onHistory] gets the edit history of
   *   each source when it is made (the session saves after its changes)
   */
  constructor(ctx) {
    this.ctx = ctx;
    /** @type {{id:number, file: File, info: Object}|null} */
    this.src = null;
    /** @type {Map<number, History>} */
    this.histories = new Map();
    this.history = null;
    this.playing = false;
    this.stream = new StreamPlayer();
    this.build();
    this.refreshResult = debounce(() => this.exporter.refresh(), 120);
  }

  /** @private */
  build() {
    const c = this.ctx;
    this.wave = new Waveform({
      peaks: c.peaks,
      onSelect: (sel, commit) => this.setSel(sel, commit),
      onCursor: (f) => this.setCursor(f),
    });
    const btn = (label, iconName, onclick, attrs = {}) =>
      el('button', { type: 'button', class: 'btn', onclick, ...attrs }, iconName ? icon(iconName) : null, el('span', { class: 'btn-text' }, label));
    this.playBtn = btn('Play', 'play', () => this.playPause(), { dataset: { testid: 'play' }, 'aria-keyshortcuts': 'Space' });
    this.playSelBtn = btn('Play selection', 'play-sel', () => this.playSelection());
    this.playCurBtn = btn('From cursor', 'play-cursor', () => this.playFrom(this.state.cursor, null));
    this.cursorOut = el('output', { class: 'time mono', 'aria-label': 'Cursor position', dataset: { testid: 'cursor' } }, '0:00.000');
    this.zoomOut = btn('Zoom out', 'zoom-out', () => this.wave.zoom(1 / 2), { class: 'btn btn-icon', 'aria-keyshortcuts': '-', title: 'Zoom out (−)' });
    this.zoomIn = btn('Zoom in', 'zoom-in', () => this.wave.zoom(2), { class: 'btn btn-icon', 'aria-keyshortcuts': '+', title: 'Zoom in (+)' });
    this.zoomFit = btn('Fit', 'fit', () => this.wave.fit(), { class: 'btn btn-icon', title: 'Show everything' });
    this.zoomSel = btn('Zoom to selection', 'zoom-sel', () => this.wave.zoomToSelection(), { class: 'btn btn-icon', title: 'Zoom to selection' });

    const timeInput = (label, testid, onchange) =>
      el('input', { type: 'text', class: 'time-input mono', inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', 'aria-label': label, dataset: { testid }, onchange });
    this.startIn = timeInput('Selection start (h:mm:ss.fff or seconds)', 'sel-start', () => this.typedTime('from'));
    this.endIn = timeInput('Selection end (h:mm:ss.fff or seconds)', 'sel-end', () => this.typedTime('to'));
    for (const inp of [this.startIn, this.endIn]) {
      inp.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          inp.dispatchEvent(new Event('change'));
        }
      });
    }
    this.lenOut = el('output', { class: 'mono', 'aria-label': 'Selection length', dataset: { testid: 'sel-length' } }, '—');
    this.timeErr = el('p', { class: 'field-error', role: 'alert', hidden: true });

    this.setInBtn = btn('Start at cursor', 'mark-in', () => this.markIn(), { 'aria-keyshortcuts': '[', title: 'Set the selection start at the cursor ([)' });
    this.setOutBtn = btn('End at cursor', 'mark-out', () => this.markOut(), { 'aria-keyshortcuts': ']', title: 'Set the selection end at the cursor (])' });
    this.selAllBtn = btn('Select all', 'select-all', () => this.selectAll(), { 'aria-keyshortcuts': 'Control+A' });

    this.keepBtn = btn('Keep selection', 'trim', () => this.trim(), { 'aria-keyshortcuts': 'Control+T', title: 'Keep only the selection (Ctrl+T)', dataset: { testid: 'keep' } });
    this.delBtn = btn('Remove selection', 'delete', () => this.deleteSel(), { 'aria-keyshortcuts': 'Delete Control+K', title: 'Remove the selection (Delete, Ctrl+K)', dataset: { testid: 'remove' } });
    this.splitBtn = btn('Split at cursor', 'split', () => this.split(), { 'aria-keyshortcuts': 'Control+I', title: 'Split into parts at the cursor (Ctrl+I)', dataset: { testid: 'split' } });
    this.unsplitBtn = btn('Join parts', 'unsplit', () => this.clearSplits(), { hidden: true });
    this.undoBtn = btn('Undo', 'undo', () => this.undo(), { class: 'btn btn-icon', 'aria-keyshortcuts': 'Control+Z', title: 'Undo (Ctrl+Z)' });
    this.redoBtn = btn('Redo', 'redo', () => this.redo(), { class: 'btn btn-icon', 'aria-keyshortcuts': 'Control+Y Control+Shift+Z', title: 'Redo (Ctrl+Y)' });

    const fadeRow = (which, label) => {
      const ms = el('input', {
        type: 'number',
        class: 'num',
        min: '0',
        step: '10',
        value: '0',
        'aria-label': `${label} length in milliseconds`,
        dataset: { testid: `${which}-ms` },
        onchange: () => this.setFade(which),
      });
      const curve = curveSelect('', { 'aria-label': `${label} curve`, onchange: () => this.setFade(which) });
      return { ms, curve, row: el('div', { class: 'fade' }, el('span', { class: 'field-label' }, label), ms, el('span', { class: 'unit' }, 'ms'), curve) };
    };
    this.fadeInUI = fadeRow('fadeIn', 'Fade in');
    this.fadeOutUI = fadeRow('fadeOut', 'Fade out');
    // Gain of the selection (or of everything when nothing is selected).
    this.gainUI = gainControl({ label: 'Gain', testid: 'gain', onchange: (db) => this.setGain(db), onerror: (m) => this.ctx.error(m) });
    this.gainWhat = el('span', { class: 'muted gain-what', dataset: { testid: 'gain-what' } }, '');
    this.gainRow = el('div', { class: 'gain-row' }, el('span', { class: 'field-label' }, 'Gain'), this.gainUI.root, this.gainWhat);
    this.vzoomOut = btn('Lower waveform', 'vzoom-out', () => this.vzoom(1 / 2), { class: 'btn btn-icon', title: 'Vertical zoom out', dataset: { testid: 'vzoom-out' } });
    this.vzoomIn = btn('Taller waveform', 'vzoom-in', () => this.vzoom(2), { class: 'btn btn-icon', title: 'Vertical zoom in (quiet parts show larger)', dataset: { testid: 'vzoom-in' } });
    this.vzoomLevel = el('output', { class: 'muted mono vzoom-level', 'aria-label': 'Vertical zoom', dataset: { testid: 'vzoom-level' } }, '×1');
    this.vzoomOut.disabled = true;

    // Trimming a joiner clip on the waveform: what to do, Done and Cancel.
    this.trimText = el('p', {}, '');
    this.trimBar = el(
      'div',
      { class: 'trim-bar', role: 'region', 'aria-label': 'Trimming a joiner clip', hidden: true, dataset: { testid: 'trim-bar' } },
      this.trimText,
      el(
        'div',
        { class: 'toolbar-group' },
        el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'trim-done' }, onclick: () => this.finishTrim(true) }, icon('trim'), el('span', { class: 'btn-text' }, 'Done: back to the joiner')),
        el('button', { type: 'button', class: 'btn', dataset: { testid: 'trim-cancel' }, onclick: () => this.finishTrim(false) }, el('span', { class: 'btn-text' }, 'Cancel')),
      ),
    );
    this.title = el('h2', { class: 'source-name', dataset: { testid: 'cutter-title' } }, '');
    this.meta = el('p', { class: 'source-meta muted' }, '');
    this.exporter = new ExportPanel({ id: 'cut', jobs: this.ctx.jobs, getJob: () => this.exportJob(), onError: (m) => this.ctx.error(m), fitLength: (sec) => this.fitLength(sec) });
    // With a selection, Export saves just the selection (open, select,
    // save) unless people ask for the whole edit.
    this.scope = 'selection';
    const radio = (value, label) => {
      const r = el('input', { type: 'radio', name: 'cut-scope', value, dataset: { testid: `scope-${value}` }, onchange: () => {
        this.scope = value;
        this.refreshResult();
      } });
      r.checked = value === this.scope;
      return el('label', { class: 'radio' }, r, el('span', {}, label));
    };
    this.selLenText = el('span', { class: 'muted mono' }, '');
    this.scopeBox = el(
      'fieldset',
      { class: 'scope', hidden: true },
      el('legend', { class: 'field-label' }, 'What to export'),
      el('div', { class: 'scope-options' }, radio('selection', 'Only the selection'), this.selLenText, radio('all', 'The whole result')),
    );
    this.exporter.summary.before(this.scopeBox);

    this.root = el(
      'section',
      { class: 'panel cutter', 'aria-label': 'Cutter', dataset: { testid: 'cutter' } },
      this.trimBar,
      el('header', { class: 'panel-head' }, el('div', {}, this.title, this.meta), el('div', { class: 'toolbar-group' }, this.undoBtn, this.redoBtn)),
      el(
        'div',
        { class: 'toolbar transport', role: 'toolbar', 'aria-label': 'Playback and zoom' },
        el('div', { class: 'toolbar-group' }, this.playBtn, this.playSelBtn, this.playCurBtn),
        this.cursorOut,
        el('div', { class: 'toolbar-group push' }, this.zoomOut, this.zoomIn, this.zoomSel, this.zoomFit),
        el('div', { class: 'toolbar-group', role: 'group', 'aria-label': 'Vertical zoom' }, this.vzoomOut, this.vzoomLevel, this.vzoomIn),
      ),
      this.wave.root,
      el(
        'div',
        { class: 'selection-row' },
        el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'Start'), this.startIn),
        el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'End'), this.endIn),
        el('div', { class: 'field' }, el('span', { class: 'field-label' }, 'Length'), this.lenOut),
        el('div', { class: 'toolbar-group' }, this.setInBtn, this.setOutBtn, this.selAllBtn),
      ),
      this.timeErr,
      el('div', { class: 'toolbar edit-row', role: 'toolbar', 'aria-label': 'Edit' }, this.keepBtn, this.delBtn, this.splitBtn, this.unsplitBtn),
      el('div', { class: 'fades' }, this.fadeInUI.row, this.fadeOutUI.row),
      this.gainRow,
      this.exporter.root,
    );
  }

  /**
   * The present edit as the cutter reads it (the history keeps the engine's
   * document and the view beside it; see editdoc.js).
   * @returns {CutFlat}
   */
  get state() {
    return this.history ? cutFlat(this.history.present) : { clips: [], fadeIn: { ms: 0, curve: '' }, fadeOut: { ms: 0, curve: '' }, splits: [], sel: null, cursor: 0 };
  }

  /** @returns {number} the source's sample rate */
  get rate() {
    return this.src ? this.src.info.format.sampleRate : 44100;
  }

  /** @returns {number} timeline length in frames */
  get total() {
    return tl.totalFrames(this.state.clips);
  }

  /**
   * Shows a source (keeping its edit history if it was open before).
   * @param {{id:number, file: File, info: Object}} src
   */
  open(src) {
    this.stopPlayback();
    if (this.trimming) {
      // Another file, or the same one for editing: the trim is abandoned.
      const t = this.trimming;
      this.trimming = null;
      this.trimBar.hidden = true;
      this.root.classList.remove('trimming');
      t.end(null, 'abandoned');
    }
    this.src = src;
    let h = this.histories.get(src.id);
    if (!h) {
      h = new History(cutNew(src.file, src.info.frames));
      h.subscribe(() => this.render());
      this.histories.set(src.id, h);
      if (this.ctx.onHistory) this.ctx.onHistory(h);
    }
    this.history = h;
    this.title.textContent = src.file.name;
    const warn = (src.info.warnings || []).length ? ` · ${src.info.warnings.join('; ')}` : '';
    const container = src.info.container.toUpperCase();
    const desc = describeFormat(src.info.format, src.info);
    // "… · MP3 · 0:03.000" rather than naming MP3 twice.
    const tail = desc.endsWith(` · ${container}`) ? '' : ` · ${container}`;
    this.meta.textContent = `${desc} · ${formatTime(src.info.frames, this.rate)}${tail}${warn}`;
    this.exporter.reset();
    this.wave.fitted = true;
    this.render();
  }

  /**
   * Trims a joiner clip on the waveform: shows its source with the clip's
   * span selected, and a bar with Done and Cancel. Done calls end with the
   * source span to keep (the selection, or the one stretch left after
   * Keep/Remove); Cancel, or opening another file, calls end(null). The
   * cutter's own edit of the file stays aside, untouched.
   * @param {{id:number, file: File, info: Object}} src
   * @param {{in: number, out: number}} span
   * @param {(span: {in: number, out: number}|null, how: string) => void} end
   *   how: 'done', 'cancel' or 'abandoned' (another file was opened)
   */
  openTrim(src, span, end) {
    const prev = this.src && this.src.id !== src.id ? this.src : null;
    this.open(src);
    const h = new History(
      cutNew(src.file, src.info.frames, {
        sel: span.in > 0 || span.out < src.info.frames ? { from: span.in, to: span.out } : null,
        cursor: span.in,
      }),
    );
    h.subscribe(() => this.render());
    this.history = h;
    this.trimming = { src, prev, end };
    this.trimText.textContent = `Trimming ${src.file.name} for the joiner: select the part to keep (drag on the waveform, or type Start and End), then Done.`;
    this.trimBar.hidden = false;
    this.root.classList.add('trimming');
    this.render();
  }

  /**
   * Ends trimming a joiner clip.
   * @param {boolean} ok Done (else Cancel)
   */
  finishTrim(ok) {
    const t = this.trimming;
    if (!t) return;
    let span = null;
    if (ok) {
      const s = this.state;
      const parts = s.sel ? tl.slice(s.clips, s.sel.from, s.sel.to) : s.clips;
      if (parts.length !== 1) {
        this.ctx.error('A joiner clip is one stretch of its file: select one part without a cut in it.');
        return;
      }
      span = { in: parts[0].in, out: parts[0].out };
    }
    this.trimming = null;
    this.trimBar.hidden = true;
    this.root.classList.remove('trimming');
    this.open(t.prev || t.src);
    t.end(span, ok ? 'done' : 'cancel');
  }

  /**
   * Forgets a source that was closed.
   * @param {number} id
   */
  forget(id) {
    this.histories.delete(id);
    if (this.src && this.src.id === id) {
      this.src = null;
      this.history = null;
      // Nothing shown: no name or waveform of the closed file stays.
      this.title.textContent = '';
      this.render();
    }
  }

  /** @private redraw everything from the present state */
  render() {
    const s = this.state;
    const rate = this.rate;
    const segs = this.src ? tl.segments(s.clips).map((g) => ({ start: g.start, len: g.len, in: g.in, source: this.src.id, gain: g.gain })) : [];
    this.wave.setTimeline(segs, rate);
    const total = this.total;
    this.wave.setState({
      sel: s.sel,
      cursor: s.cursor,
      fadeIn: Math.min(total, Math.round((s.fadeIn.ms / 1000) * rate)),
      fadeOut: Math.min(total, Math.round((s.fadeOut.ms / 1000) * rate)),
      marks: s.splits,
      edits: tl.edits(s.clips),
    });
    this.renderFields();
    this.refreshResult();
    // A button that an edit disabled (Keep, Remove, Undo…) hands the focus
    // to the waveform rather than dropping it on the page.
    const a = /** @type {HTMLButtonElement} */ (document.activeElement);
    if (a && a.disabled && this.root.contains(a)) this.wave.stage.focus({ preventScroll: true });
  }

  /** @private update the inputs and buttons (not the waveform) */
  renderFields() {
    const s = this.state;
    const rate = this.rate;
    if (document.activeElement !== this.startIn) this.startIn.value = s.sel ? formatTime(s.sel.from, rate) : '';
    if (document.activeElement !== this.endIn) this.endIn.value = s.sel ? formatTime(s.sel.to, rate) : '';
    // Empty means no selection: no grey time that looks like a value.
    this.startIn.placeholder = '';
    this.endIn.placeholder = '';
    this.lenOut.textContent = s.sel ? formatTime(s.sel.to - s.sel.from, rate) : '—';
    this.scopeBox.hidden = !s.sel;
    this.selLenText.textContent = s.sel ? `(${formatTime(s.sel.to - s.sel.from, rate)})` : '';
    this.cursorOut.textContent = formatTime(s.cursor, rate);
    const has = !!this.src;
    const sel = !!s.sel;
    this.keepBtn.disabled = !sel;
    this.delBtn.disabled = !sel || (s.sel.from === 0 && s.sel.to === this.total);
    this.splitBtn.disabled = !has || s.cursor <= 0 || s.cursor >= this.total || s.splits.includes(s.cursor);
    this.unsplitBtn.hidden = !s.splits.length;
    this.playSelBtn.disabled = !sel;
    this.zoomSel.disabled = !sel;
    this.undoBtn.disabled = !this.history || !this.history.canUndo();
    this.redoBtn.disabled = !this.history || !this.history.canRedo();
    if (document.activeElement !== this.fadeInUI.ms) this.fadeInUI.ms.value = String(s.fadeIn.ms);
    if (document.activeElement !== this.fadeOutUI.ms) this.fadeOutUI.ms.value = String(s.fadeOut.ms);
    setCurve(this.fadeInUI.curve, s.fadeIn.curve);
    setCurve(this.fadeOutUI.curve, s.fadeOut.curve);
    const [ga, gb] = sel ? [s.sel.from, s.sel.to] : [0, this.total];
    const gain = tl.gainOf(s.clips, ga, gb);
    this.gainUI.set(gain);
    const mixed = gain === null ? ', now mixed: type or slide to set one gain' : '';
    this.gainWhat.textContent = !has ? '' : sel ? `of the selection (${formatTime(gb - ga, rate)})${mixed}` : `of everything (select a part to change only that)${mixed}`;
    this.gainUI.range.disabled = this.gainUI.input.disabled = !has;
  }

  /**
   * Sets the gain of the selection, or of everything without one.
   * @param {number} db
   */
  setGain(db) {
    if (!this.src) return;
    const s = this.state;
    const [a, b] = s.sel ? [s.sel.from, s.sel.to] : [0, this.total];
    if (b <= a) return;
    this.edit({ clips: tl.setGain(s.clips, a, b, db) });
    this.ctx.announce(`Gain ${formatDb(db)} on ${s.sel ? 'the selection' : 'everything'}.`);
  }

  /**
   * Vertical zoom of the waveform (quiet recordings show larger).
   * @param {number} factor
   */
  vzoom(factor) {
    const z = this.wave.setVZoom(this.wave.vzoom * factor);
    this.vzoomLevel.textContent = `×${z}`;
    this.vzoomOut.disabled = z <= 1;
    this.vzoomIn.disabled = z >= 64;
  }

  /** @private record an edit */
  edit(patch) {
    if (!this.history) return;
    this.stopPlayback();
    this.history.push(cutWith(this.history.present, patch));
  }

  /** @private change without an undo step (selection, cursor) */
  view(patch) {
    if (!this.history) return;
    this.history.replace(cutWith(this.history.present, patch));
  }

  /** @private */
  setSel(sel, commit) {
    if (!this.history) return;
    if (!commit) {
      // While dragging: only the fields follow, the state waits for the drop.
      this.history.present = cutWith(this.history.present, { sel });
      this.renderFields();
      return;
    }
    // A new selection puts the cursor at its start (Space plays from there).
    this.view({ sel, cursor: sel ? sel.from : this.state.cursor });
  }

  /** @private */
  setCursor(f) {
    this.view({ cursor: clamp(f, 0, this.total) });
  }

  /** @private */
  typedTime(which) {
    const s = this.state;
    const inp = which === 'from' ? this.startIn : this.endIn;
    this.timeErr.hidden = true;
    if (!this.src) return;
    let f;
    try {
      f = parseTime(inp.value, this.rate);
    } catch (err) {
      this.showTimeError(err.message);
      return;
    }
    if (f > this.total) {
      this.showTimeError(`${inp.value.trim()} is past the end (${formatTime(this.total, this.rate)}).`);
      return;
    }
    let from = s.sel ? s.sel.from : which === 'to' ? Math.min(s.cursor, f) : f;
    let to = s.sel ? s.sel.to : which === 'from' ? this.total : f;
    if (which === 'from') from = f;
    else to = f;
    if (to <= from) {
      this.showTimeError('The end must come after the start.');
      return;
    }
    this.view({ sel: { from, to }, cursor: from });
    this.wave.reveal(which === 'from' ? from : to);
    inp.value = formatTime(f, this.rate);
  }

  /** @private */
  showTimeError(msg) {
    this.timeErr.textContent = msg;
    this.timeErr.hidden = false;
  }

  /** Sets the selection start at the cursor ([). */
  markIn() {
    const s = this.state;
    const c = s.cursor;
    const to = s.sel && s.sel.to > c ? s.sel.to : this.total;
    if (to > c) this.view({ sel: { from: c, to } });
  }

  /** Sets the selection end at the cursor (]). */
  markOut() {
    const s = this.state;
    const c = s.cursor;
    const from = s.sel && s.sel.from < c ? s.sel.from : 0;
    if (c > from) this.view({ sel: { from, to: c } });
  }

  /** Clears the selection (Esc). */
  clearSel() {
    if (this.state.sel) this.view({ sel: null });
  }

  /**
   * Selects seconds of the result to export, for a format that holds no
   * more (an M4R ringtone holds 40 s): from the selection's start, or the
   * cursor, moved back so that it fits before the end. Export then saves
   * only the selection; dragging it or typing Start moves it.
   * @param {number} seconds
   */
  fitLength(seconds) {
    const s = this.state;
    if (!this.total) return;
    const n = Math.min(this.total, Math.floor(seconds * this.rate));
    const from = Math.max(0, Math.min(s.sel ? s.sel.from : s.cursor, this.total - n));
    this.scope = 'selection';
    const r = this.scopeBox.querySelector('input[value=selection]');
    if (r) r.checked = true;
    this.view({ sel: { from, to: from + n }, cursor: from });
    this.wave.reveal(from);
    // The button goes with the error it answered; the focus moves to the
    // choice it made.
    r?.focus();
    this.ctx.announce(`Selected ${formatTime(n, this.rate)} from ${formatTime(from, this.rate)}: Export saves the selection.`);
  }

  /** Selects everything. */
  selectAll() {
    if (this.total) this.view({ sel: { from: 0, to: this.total } });
  }

  /** Keeps only the selection (Ctrl+T). */
  trim() {
    const s = this.state;
    if (!s.sel) return;
    const { from, to } = s.sel;
    const splits = s.splits.filter((p) => p > from && p < to).map((p) => p - from);
    this.edit({ clips: tl.slice(s.clips, from, to), splits, sel: null, cursor: 0 });
    this.ctx.announce(`Kept ${formatTime(to - from, this.rate)}.`);
  }

  /** Removes the selection (Delete, Ctrl+K). */
  deleteSel() {
    const s = this.state;
    if (!s.sel) return;
    const { from, to } = s.sel;
    if (from === 0 && to === this.total) {
      this.ctx.error('Removing everything would leave nothing to export. Select less, or use Undo.');
      return;
    }
    const len = to - from;
    const splits = s.splits.filter((p) => p <= from || p >= to).map((p) => (p >= to ? p - len : p)).filter((p) => p > 0 && p < this.total - len);
    this.edit({ clips: tl.remove(s.clips, from, to), splits: [...new Set(splits)], sel: null, cursor: from });
    this.ctx.announce(`Removed ${formatTime(len, this.rate)}.`);
  }

  /** Splits into parts at the cursor (Ctrl+I). */
  split() {
    const s = this.state;
    const c = s.cursor;
    if (c <= 0 || c >= this.total || s.splits.includes(c)) return;
    this.edit({ splits: [...s.splits, c].sort((a, b) => a - b) });
    this.ctx.announce(`Split at ${formatTime(c, this.rate)}: ${this.state.splits.length + 1} parts.`);
  }

  /** Removes every split point. */
  clearSplits() {
    this.edit({ splits: [] });
  }

  /** @private */
  setFade(which) {
    const ui = which === 'fadeIn' ? this.fadeInUI : this.fadeOutUI;
    const ms = Math.max(0, Math.round(Number(ui.ms.value) || 0));
    this.edit({ [which]: { ms, curve: ui.curve.value } });
  }

  /** Export (Ctrl+S). */
  exportNow() {
    this.exporter.export(false);
  }

  /** Undo (Ctrl+Z). */
  undo() {
    this.stopPlayback();
    if (this.history && this.history.undo()) this.ctx.announce('Undone.');
  }

  /** Redo (Ctrl+Y, Ctrl+Shift+Z). */
  redo() {
    this.stopPlayback();
    if (this.history && this.history.redo()) this.ctx.announce('Redone.');
  }

  /** Zooms in (+). */
  zoomInKey() {
    this.wave.zoom(2);
  }

  /** Zooms out (-). */
  zoomOutKey() {
    this.wave.zoom(0.5);
  }

  /**
   * The engine's document for timeline range [a, b) (the whole timeline
   * by default), with the fades that fall in it (in milliseconds: the
   * engine states them in frames at the output's rate), for the given
   * output settings.
   * @param {number} a
   * @param {number} b
   * @param {Object} output
   * @param {boolean} [edges] fade the edges of [a, b) even inside the timeline
   * @returns {Object}
   */
  doc(a, b, output, edges = false) {
    const s = this.state;
    const total = this.total;
    // The whole edit is the history's document as it is.
    if (a === 0 && b === total && !edges) return { ...this.history.present.doc, output };
    const clips = tl.slice(s.clips, a, b).map((c) => (c.gain ? { source: 0, in: c.in, out: c.out, gain: c.gain } : { source: 0, in: c.in, out: c.out }));
    if ((a === 0 || edges) && s.fadeIn.ms > 0 && clips.length) clips[0].fadeIn = { ...s.fadeIn };
    if ((b === total || edges) && s.fadeOut.ms > 0 && clips.length) clips[clips.length - 1].fadeOut = { ...s.fadeOut };
    return { version: 1, sources: [{ name: this.src.file.name, size: this.src.file.size }], clips, output };
  }

  /** @private what Export renders: the whole edit, or its parts */
  exportJob() {
    if (!this.src) return null;
    const s = this.state;
    const out = outputSettings();
    const total = this.total;
    const edited = s.clips.length !== 1 || s.clips[0].in !== 0 || s.clips[0].out !== this.src.info.frames;
    const name = this.src.file.name;
    let outputs;
    if (s.sel && this.scope === 'selection') {
      outputs = [{ doc: this.doc(s.sel.from, s.sel.to, out, true), name: outputName(name, 'cut') }];
    } else if (s.splits.length) {
      const pts = [0, ...s.splits, total];
      outputs = pts.slice(1).map((b, i) => ({ doc: this.doc(pts[i], b, out), name: outputName(name, `part ${i + 1}`) }));
    } else {
      const converted = Object.keys(out).some((k) => k !== 'container');
      const what = edited ? 'cut' : s.fadeIn.ms || s.fadeOut.ms ? 'faded' : converted ? 'converted' : 'cut';
      outputs = [{ doc: this.doc(0, total, out), name: outputName(name, what) }];
    }
    return { files: [this.src.file], infos: [this.src.info], outputs, source: { name, format: this.src.info.format, tags: this.src.info.tags || {}, pictures: this.src.info.pictures || [] }, containers: [this.src.info.container] };
  }

  /** Play/pause (Space): plays the selection, or from the cursor. */
  playPause() {
    if (!this.src) return;
    if (this.playing) {
      this.stopPlayback();
      return;
    }
    const s = this.state;
    if (s.sel) {
      const from = s.cursor > s.sel.from && s.cursor < s.sel.to ? s.cursor : s.sel.from;
      this.playFrom(from, s.sel.to);
    } else {
      this.playFrom(s.cursor >= this.total ? 0 : s.cursor, null);
    }
  }

  /** Plays the selection from its start. */
  playSelection() {
    const s = this.state;
    if (s.sel) this.playFrom(s.sel.from, s.sel.to);
  }

  /**
   * Renders timeline [from, to) through the engine and plays it.
   * @param {number} from
   * @param {number|null} to null: to the end
   */
  async playFrom(from, to) {
    if (!this.src) return;
    this.stopPlayback();
    const end = to ?? this.total;
    if (end - from < 1) return;
    const f = this.src.info.format;
    // 32-bit float WAV at a rate and layout an AudioContext takes: the
    // engine streams it from the cursor, so sound starts at once.
    const output = { container: 'wav', sampleFormat: 'f32' };
    const channels = Math.min(2, f.channels);
    if (f.channels > 2) output.channels = 2;
    let rate = this.rate;
    if (rate < 3000 || rate > 384000) rate = output.sampleRate = 48000;
    const doc = this.doc(from, end, output);
    const srcId = this.src.id;
    const file = this.src.file;
    this.setPlaying(true);
    try {
      const oc = await playbackEngine();
      await this.stream.play({
        rate,
        channels,
        run: (onChunk, signal) => oc.stream(doc, [file], { onChunk, signal }),
        // How long the first sound took (for tests and benchmarks).
        onStart: (ms) => (this.playBtn.dataset.startMs = String(Math.round(ms))),
        onTime: (t) => this.wave.setPlayhead(Math.min(end, from + t * this.rate)),
        onStop: (t) => {
          this.setPlaying(false);
          this.wave.setPlayhead(-1);
          // Pausing leaves the cursor where playback stopped.
          const at = Math.round(from + t * this.rate);
          if (this.src && this.src.id === srcId && at < end) this.setCursor(at);
        },
      });
    } catch (err) {
      this.setPlaying(false);
      if (!isAbort(err)) this.ctx.error(`Cannot play: ${err.message}`);
    }
  }


  /** Stops playback, or the rendering that would start it. */
  stopPlayback() {
    this.stream.stop();
    this.ctx.player.stop();
  }

  /** @private */
  setPlaying(on) {
    this.playing = on;
    this.playBtn.querySelector('.btn-text').textContent = on ? 'Pause' : 'Play';
    this.playBtn.querySelector('.icon').className = `icon icon-${on ? 'pause' : 'play'}`;
    this.playBtn.setAttribute('aria-pressed', String(on));
  }
}
