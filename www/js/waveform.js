// The waveform: a HiDPI canvas drawn from engine peaks, zoomable down to
// single samples, scrollable, with a cursor, a selection whose handles are
// ARIA sliders (mouse, touch and keyboard), a playhead, fades and markers.

import { el, clamp, formatTime } from './util.js';
import { Gesture, LONG_PRESS_MS } from './gesture.js';
import { dbToLinear } from './gain.js';

let hintIds = 0;
const RULER = 20; // CSS px of time ruler at the top of the canvas
const MIN_FPP = 1 / 64; // frames per CSS pixel at the deepest zoom

/**
 * @typedef {{from: number, to: number}} Selection
 * @typedef {{start: number, len: number, in: number, source: number, gain?: number}} Seg
 */

/**
 * A ruler label for t seconds when ticks are step seconds apart: m:ss, or
 * with as many decimals as the step needs (down to microseconds).
 * @param {number} t
 * @param {number} step
 * @returns {string}
 */
function rulerLabel(t, step) {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  const m = Math.floor(t / 60 + 1e-9);
  const h = Math.floor(m / 60);
  let sec = (t - m * 60).toFixed(decimals);
  if (Number(sec) >= 60) sec = (0).toFixed(decimals);
  const [whole, frac] = sec.split('.');
  const ss = whole.padStart(2, '0') + (frac && !/^0+$/.test(frac) ? `.${frac}` : '');
  return h ? `${h}:${String(m % 60).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Waveform {
  /**
   * @param {Object} opts
   * @param {import('./peaks.js').PeakStore} opts.peaks
   * @param {(sel: Selection|null, commit: boolean) => void} opts.onSelect
   * @param {(frame: number) => void} opts.onCursor
   * @param {string} [opts.label]
   */
  constructor(opts) {
    this.peaks = opts.peaks;
    this.onSelect = opts.onSelect;
    this.onCursor = opts.onCursor;
    /** @type {Seg[]} */
    this.segs = [];
    this.total = 0;
    this.rate = 44100;
    this.start = 0; // first visible frame (fractional)
    this.fpp = 1; // frames per CSS pixel
    this.fitted = true;
    /** @type {Selection|null} */
    this.sel = null;
    this.cursor = 0;
    this.playhead = -1;
    this.fadeIn = 0;
    this.fadeOut = 0;
    /** @type {number[]} */
    this.marks = [];
    /** @type {number[]} */
    this.edits = [];
    this.loading = '';
    this.vzoom = 1; // vertical zoom: amplitudes drawn this many times larger

    this.canvas = el('canvas', { class: 'wave-canvas', 'aria-hidden': 'true' });
    this.playEl = el('div', { class: 'wave-playhead', hidden: true });
    this.cursorEl = el('div', { class: 'wave-cursor' });
    this.handles = ['start', 'end'].map((which) =>
      el(
        'div',
        {
          class: `wave-handle wave-handle-${which}`,
          role: 'slider',
          tabindex: '0',
          'aria-label': which === 'start' ? 'Selection start' : 'Selection end',
          'aria-orientation': 'horizontal',
          dataset: { which, testid: `handle-${which}` },
          hidden: true,
        },
        el('span', { class: 'wave-grip' }),
      ),
    );
    this.status = el('div', { class: 'wave-status', 'aria-live': 'polite' });
    this.label = opts.label || 'Waveform cursor';
    // The stage is the cursor's slider (arrow keys move it; Shift+arrows
    // extend the selection; its value text names the selection too). The
    // handles are sliders of their own beside it, not inside it: a slider
    // holds no other controls.
    this.stage = el(
      'div',
      {
        class: 'wave-stage',
        tabindex: '0',
        role: 'slider',
        'aria-roledescription': 'waveform',
        'aria-label': this.label,
        'aria-orientation': 'horizontal',
        'aria-valuemin': '0',
        'aria-valuemax': '0',
        'aria-valuenow': '0',
        'aria-keyshortcuts': 'ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End PageUp PageDown [ ]',
        dataset: { testid: 'waveform' },
      },
      this.canvas,
      this.cursorEl,
      this.playEl,
    );
    this.box = el('div', { class: 'wave-box' }, this.stage, ...this.handles, this.status);
    this.scroll = el('input', {
      type: 'range',
      class: 'wave-scroll',
      min: '0',
      max: '1000',
      step: '1',
      value: '0',
      'aria-label': 'Scroll the waveform',
    });
    // How to use it, for the pointer at hand (CSS shows one line: fine
    // pointers see the mouse line, coarse ones the touch line).
    this.hint = el(
      'p',
      { class: 'wave-hint muted', dataset: { testid: 'wave-hint' } },
      el('span', { class: 'hint-mouse' }, 'Drag to select · click to place the cursor · Ctrl+wheel to zoom · drag a handle to adjust'),
      el('span', { class: 'hint-touch' }, 'Touch and hold, then drag to select · drag to scroll · pinch with two fingers to zoom · drag a handle to adjust'),
    );
    this.hint.id = `wave-hint-${++hintIds}`;
    this.stage.setAttribute('aria-describedby', this.hint.id);
    this.root = el('div', { class: 'wave' }, this.box, this.scroll, this.hint);

    this.scroll.addEventListener('input', () => {
      const max = Math.max(0, this.total - this.width() * this.fpp);
      this.start = (Number(this.scroll.value) / 1000) * max;
      this.fitted = false;
      this.changed();
    });
    this.bindPointer();
    this.bindKeys();
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(this.stage);
  }

  /** @returns {number} CSS width of the drawing area */
  width() {
    return this.stage.clientWidth || 600;
  }

  /**
   * Sets what the waveform shows.
   * @param {Seg[]} segs timeline segments mapped to sources
   * @param {number} rate frames per second of the timeline
   */
  setTimeline(segs, rate) {
    const oldTotal = this.total;
    this.segs = segs;
    this.rate = rate;
    this.total = segs.reduce((n, s) => Math.max(n, s.start + s.len), 0);
    if (this.fitted || oldTotal === 0) this.fit();
    else this.clampView();
    this.changed();
  }

  /**
   * Sets the vertical zoom (1 to 64, a power of two); returns it.
   * @param {number} z
   * @returns {number}
   */
  setVZoom(z) {
    this.vzoom = clamp(2 ** Math.round(Math.log2(z || 1)), 1, 64);
    this.draw();
    return this.vzoom;
  }

  /** Zooms out to show everything. */
  fit() {
    this.fpp = Math.max(MIN_FPP, this.total / this.width());
    this.start = 0;
    this.fitted = true;
    this.changed();
  }

  /**
   * Zooms by factor around a frame (default: the cursor or the centre).
   * @param {number} factor >1 zooms in
   * @param {number} [at] frame kept in place
   */
  zoom(factor, at) {
    const w = this.width();
    if (at === undefined) {
      const visible = (f) => f >= this.start && f <= this.start + w * this.fpp;
      const mid = this.sel ? (this.sel.from + this.sel.to) / 2 : -1;
      at = visible(this.cursor) ? this.cursor : this.sel && visible(mid) ? mid : this.start + (w * this.fpp) / 2;
    }
    const px = (at - this.start) / this.fpp;
    const maxFpp = Math.max(MIN_FPP, this.total / w);
    this.fpp = clamp(this.fpp / factor, MIN_FPP, maxFpp);
    this.fitted = this.fpp >= maxFpp;
    this.start = at - px * this.fpp;
    this.clampView();
    this.changed();
  }

  /** Zooms to the selection (or fits when there is none). */
  zoomToSelection() {
    if (!this.sel) return this.fit();
    const len = this.sel.to - this.sel.from;
    const w = this.width();
    this.fpp = clamp((len * 1.1) / w, MIN_FPP, Math.max(MIN_FPP, this.total / w));
    this.start = this.sel.from - len * 0.05;
    this.fitted = false;
    this.clampView();
    this.changed();
  }

  /**
   * Scrolls so that frame is visible.
   * @param {number} frame
   */
  reveal(frame) {
    const span = this.width() * this.fpp;
    if (frame < this.start || frame > this.start + span) {
      this.start = frame - span / 2;
      this.clampView();
      this.changed();
    }
  }

  /** @private */
  clampView() {
    const span = this.width() * this.fpp;
    this.start = clamp(this.start, 0, Math.max(0, this.total - span));
  }

  /**
   * Updates selection, cursor and the decorations.
   * @param {{sel: Selection|null, cursor: number, fadeIn?: number, fadeOut?: number, marks?: number[], edits?: number[]}} s
   */
  setState(s) {
    this.sel = s.sel;
    this.cursor = s.cursor;
    this.fadeIn = s.fadeIn || 0;
    this.fadeOut = s.fadeOut || 0;
    this.marks = s.marks || [];
    this.edits = s.edits || [];
    this.draw();
  }

  /**
   * Moves the playhead (a frame, or -1 to hide it). Keeps it in view.
   * @param {number} frame
   */
  setPlayhead(frame) {
    this.playhead = frame;
    if (frame >= 0) {
      const span = this.width() * this.fpp;
      if (frame > this.start + span * 0.95 || frame < this.start) {
        this.start = frame - span * 0.05;
        this.clampView();
        this.changed();
        return;
      }
    }
    this.placeOverlays();
  }

  /**
   * Shows a loading message over the waveform ('' hides it), optionally
   * with a button.
   * @param {string} text
   * @param {{label: string, run: () => void}} [action]
   */
  setLoading(text, action) {
    this.loading = text;
    this.status.replaceChildren(text);
    if (action) {
      this.status.append(' ', el('button', { type: 'button', class: 'btn btn-small', onclick: action.run }, action.label));
    }
    this.status.hidden = !text;
  }

  /** @private view changed: redraw and ask for finer peaks */
  changed() {
    const max = Math.max(0, this.total - this.width() * this.fpp);
    this.scroll.value = String(max > 0 ? Math.round((this.start / max) * 1000) : 0);
    this.scroll.disabled = max <= 0;
    this.draw();
    this.requestPeaks();
  }

  /** @private */
  requestPeaks() {
    const w = this.width();
    const a = this.start;
    const b = this.start + w * this.fpp;
    const dpr = window.devicePixelRatio || 1;
    const wishes = [];
    for (const s of this.segs) {
      const lo = Math.max(a, s.start);
      const hi = Math.min(b, s.start + s.len);
      if (hi <= lo) continue;
      wishes.push({
        source: s.source,
        a: Math.floor(s.in + (lo - s.start)),
        b: Math.ceil(s.in + (hi - s.start)),
        spb: this.fpp / dpr,
      });
    }
    clearTimeout(this.peakTimer);
    this.peakTimer = setTimeout(() => this.peaks.want(wishes), 80);
  }

  /** @private */
  resize() {
    if (this.fitted) this.fit();
    else {
      this.clampView();
      this.changed();
    }
  }

  /**
   * Frame at a CSS x offset within the stage.
   * @param {number} x
   * @returns {number}
   */
  frameAt(x) {
    return clamp(Math.round(this.start + x * this.fpp), 0, this.total);
  }

  /**
   * CSS x offset of a frame.
   * @param {number} f
   * @returns {number}
   */
  xOf(f) {
    return (f - this.start) / this.fpp;
  }

  /** Redraws the canvas and moves the overlays. */
  draw() {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.paint();
      this.placeOverlays();
    });
  }

  /** @private */
  paint() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.width();
    const h = this.stage.clientHeight || 200;
    const cw = Math.round(w * dpr);
    const ch = Math.round(h * dpr);
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const css = getComputedStyle(this.stage);
    const col = (name, dflt) => css.getPropertyValue(name).trim() || dflt;
    const cWave = col('--wave', '#3b6fd8');
    const cWaveSel = col('--wave-selected', '#1d4ed8');
    const cSel = col('--selection', 'rgba(59,111,216,.18)');
    const cGrid = col('--grid', 'rgba(0,0,0,.08)');
    const cText = col('--muted', '#666');
    const cEdit = col('--edit-mark', '#c2410c');
    const cFade = col('--fade', 'rgba(0,0,0,.25)');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, cw, ch);
    ctx.scale(dpr, dpr);

    const top = RULER;
    const mid = top + (h - top) / 2;
    const amp = (h - top) / 2 - 4;

    // Selection band.
    if (this.sel) {
      const x0 = clamp(this.xOf(this.sel.from), -1, w + 1);
      const x1 = clamp(this.xOf(this.sel.to), -1, w + 1);
      ctx.fillStyle = cSel;
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), h - top);
    }

    // Ruler.
    this.paintRuler(ctx, w, cGrid, cText);

    // Centre line.
    ctx.fillStyle = cGrid;
    ctx.fillRect(0, Math.round(mid), w, 1 / dpr);

    // Waveform, one column per device pixel (or a line at sample level).
    const step = 1 / dpr;
    const sampleLevel = this.fpp < 0.5;
    if (sampleLevel) {
      this.paintSamples(ctx, w, mid, amp, cWave, cWaveSel);
    } else {
      for (const s of this.segs) {
        const k = dbToLinear(s.gain || 0) * this.vzoom; // the clip's gain, and the vertical zoom
        const xa = Math.max(0, this.xOf(s.start));
        const xb = Math.min(w, this.xOf(s.start + s.len));
        if (xb <= xa) continue;
        for (let x = xa; x < xb; x += step) {
          const fa = this.start + x * this.fpp - s.start;
          const fb = fa + step * this.fpp;
          const a = s.in + Math.max(0, fa);
          const b = s.in + Math.min(s.len, fb);
          if (b <= a) continue;
          const r = this.peaks.range(s.source, a, b);
          if (!r) continue;
          const inSel = this.sel && s.start + fa >= this.sel.from && s.start + fa < this.sel.to;
          ctx.fillStyle = inSel ? cWaveSel : cWave;
          const y0 = mid - clamp(r[1] * k, -1, 1) * amp;
          const y1 = mid - clamp(r[0] * k, -1, 1) * amp;
          ctx.fillRect(x, y0, step, Math.max(step, y1 - y0));
        }
      }
    }

    // Fades: shade the attenuated part.
    if (this.total > 0) {
      ctx.fillStyle = cFade;
      if (this.fadeIn > 0) this.paintFade(ctx, 0, this.fadeIn, true, top, h);
      if (this.fadeOut > 0) this.paintFade(ctx, this.total - this.fadeOut, this.total, false, top, h);
    }

    // Edit points (where a removed stretch was) and split marks.
    ctx.fillStyle = cEdit;
    for (const f of this.edits) {
      const x = this.xOf(f);
      if (x >= -2 && x <= w + 2) {
        ctx.fillRect(Math.round(x) - 0.5, top, 1, h - top);
        ctx.beginPath();
        ctx.moveTo(x - 4, top);
        ctx.lineTo(x + 4, top);
        ctx.lineTo(x, top + 6);
        ctx.fill();
      }
    }
    ctx.strokeStyle = cEdit;
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5;
    for (const f of this.marks) {
      const x = this.xOf(f);
      if (x >= -2 && x <= w + 2) {
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, h);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
  }

  /** @private */
  paintFade(ctx, a, b, rising, top, h) {
    const xa = this.xOf(a);
    const xb = this.xOf(b);
    if (xb < 0 || xa > this.width()) return;
    ctx.beginPath();
    if (rising) {
      ctx.moveTo(xa, top);
      ctx.lineTo(xb, top);
      ctx.lineTo(xa, h);
    } else {
      ctx.moveTo(xa, top);
      ctx.lineTo(xb, top);
      ctx.lineTo(xb, h);
    }
    ctx.closePath();
    ctx.fill();
  }

  /** @private */
  paintSamples(ctx, w, mid, amp, cWave, cWaveSel) {
    ctx.lineWidth = 1.5;
    for (const s of this.segs) {
      const fa = Math.max(s.start, Math.floor(this.start) - 1);
      const fb = Math.min(s.start + s.len, Math.ceil(this.start + w * this.fpp) + 1);
      if (fb <= fa) continue;
      ctx.strokeStyle = cWave;
      ctx.beginPath();
      let first = true;
      const pts = [];
      for (let f = fa; f < fb; f++) {
        const r = this.peaks.range(s.source, s.in + f - s.start, s.in + f - s.start + 1);
        if (!r) continue;
        const v = ((r[0] + r[1]) / 2) * dbToLinear(s.gain || 0) * this.vzoom;
        const x = this.xOf(f + 0.5);
        const y = mid - clamp(v, -1, 1) * amp;
        pts.push([x, y, this.sel && f >= this.sel.from && f < this.sel.to]);
        if (first) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
        first = false;
      }
      ctx.stroke();
      if (this.fpp < 0.1) {
        for (const [x, y, inSel] of pts) {
          ctx.fillStyle = inSel ? cWaveSel : cWave;
          ctx.beginPath();
          ctx.arc(x, y, 2.5, 0, Math.PI * 2);
          ctx.fill();
        }
      }
    }
  }

  /** @private */
  paintRuler(ctx, w, cGrid, cText) {
    const spanSec = (w * this.fpp) / this.rate;
    const steps = [1 / this.rate, 0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    const want = spanSec / Math.max(2, Math.floor(w / 90));
    const step = steps.find((s) => s >= want) || 3600;
    const t0 = Math.floor(this.start / this.rate / step) * step;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    for (let t = t0; t <= (this.start + w * this.fpp) / this.rate + step; t += step) {
      const x = this.xOf(t * this.rate);
      if (x < -60 || x > w) continue;
      ctx.fillStyle = cGrid;
      ctx.fillRect(Math.round(x), RULER - 6, 1, 6);
      ctx.fillStyle = cText;
      const text = rulerLabel(t, step);
      // The first tick can sit left of the canvas (zoomed in): keep its
      // label inside, or leave it out when it would run into the next one.
      let lx = x + 3;
      if (lx < 2) {
        lx = 2;
        if (lx + ctx.measureText(text).width + 6 > this.xOf((t + step) * this.rate) + 3) continue;
      }
      ctx.fillText(text, lx, 3);
    }
    ctx.fillStyle = cGrid;
    ctx.fillRect(0, RULER - 0.5, w, 1);
  }

  /** @private position the DOM overlays and update ARIA values */
  placeOverlays() {
    const w = this.width();
    const show = (elm, x) => {
      const vis = x >= -1 && x <= w + 1;
      elm.hidden = !vis;
      if (vis) elm.style.transform = `translateX(${x}px)`;
    };
    show(this.cursorEl, this.xOf(this.cursor));
    if (this.playhead >= 0) show(this.playEl, this.xOf(this.playhead));
    else this.playEl.hidden = true;
    const st = this.stage;
    const t = (f) => formatTime(f, this.rate);
    st.setAttribute('aria-valuemax', String(this.total));
    st.setAttribute('aria-valuenow', String(Math.round(this.cursor)));
    st.setAttribute('aria-valuetext', `${t(this.cursor)} of ${t(this.total)}${this.sel ? `; selection ${t(this.sel.from)} to ${t(this.sel.to)} (${t(this.sel.to - this.sel.from)})` : '; no selection'}`);
    const [hs, he] = this.handles;
    if (this.sel) {
      for (const [hEl, f] of [
        [hs, this.sel.from],
        [he, this.sel.to],
      ]) {
        const x = this.xOf(f);
        // Keep an off-screen handle focusable: pin it to the edge.
        hEl.hidden = false;
        hEl.classList.toggle('offscreen', x < 0 || x > w);
        hEl.style.transform = `translateX(${clamp(x, 0, w)}px)`;
        hEl.setAttribute('aria-valuemin', '0');
        hEl.setAttribute('aria-valuemax', String(this.total));
        hEl.setAttribute('aria-valuenow', String(f));
        hEl.setAttribute('aria-valuetext', formatTime(f, this.rate));
      }
    } else {
      hs.hidden = true;
      he.hidden = true;
    }
  }

  /** @private pointers and touch through the gesture machine (gesture.js) */
  bindPointer() {
    const stage = this.stage;
    const box = this.box; // the stage and the handles
    const g = new Gesture();
    this.gesture = g;
    let timer = 0;
    // anchor: the selection's fixed end while selecting (a frame); before:
    // the selection before the gesture, for a cancel; view: the view when
    // a pan or pinch began.
    const st = { anchor: 0, before: null, view: null };
    const localX = (e) => e.clientX - stage.getBoundingClientRect().left;
    const ev = (e) => {
      const handle = /** @type {HTMLElement} */ (e.target).closest && /** @type {HTMLElement} */ (e.target).closest('.wave-handle');
      return { id: e.pointerId, x: localX(e), y: e.clientY, t: e.timeStamp, pointerType: e.pointerType, button: e.button, shift: e.shiftKey, handle: handle ? handle.dataset.which : null };
    };
    const apply = (actions) => {
      for (const a of actions) this.gestureAction(a, st);
      stage.classList.toggle('selecting', g.mode === 'touch-select');
    };

    box.addEventListener('pointerdown', (e) => {
      const x = ev(e);
      if (g.mode === 'idle') st.before = this.sel;
      const acts = g.down(x);
      if (g.mode === 'idle') return;
      if (e.pointerType !== 'touch' || g.mode === 'handle') {
        try {
          box.setPointerCapture(e.pointerId);
        } catch {
          /* the pointer is gone */
        }
      }
      if (g.mode === 'handle') {
        /** @type {HTMLElement} */ (e.target).closest('.wave-handle').focus();
        e.preventDefault();
      } else if (e.pointerType === 'mouse') {
        e.preventDefault();
        stage.focus();
      }
      if (g.pressing()) {
        clearTimeout(timer);
        timer = setTimeout(() => apply(g.tick(performance.now())), LONG_PRESS_MS + 5);
      }
      apply(acts);
    });
    box.addEventListener('pointermove', (e) => {
      if (g.mode === 'idle') return;
      apply(g.move(ev(e)));
    });
    box.addEventListener('pointerup', (e) => {
      clearTimeout(timer);
      apply(g.up(ev(e)));
    });
    box.addEventListener('pointercancel', (e) => {
      clearTimeout(timer);
      apply(g.cancel(ev(e)));
    });
    // A long press on a phone would open the context menu, or select text.
    box.addEventListener('contextmenu', (e) => {
      if (g.mode !== 'idle' || (e instanceof PointerEvent && e.pointerType === 'touch')) e.preventDefault();
    });
    // Once a finger selects, the page must not scroll under it.
    box.addEventListener(
      'touchmove',
      (e) => {
        if (g.mode === 'touch-select' || g.mode === 'handle' || g.mode === 'pinch') e.preventDefault();
      },
      { passive: false },
    );

    box.addEventListener(
      'wheel',
      (e) => {
        if (!this.total) return;
        e.preventDefault();
        const x = localX(e);
        if (e.ctrlKey || e.metaKey) {
          this.zoom(Math.exp(-e.deltaY / 200), this.frameAt(x));
          return;
        }
        const d = Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY;
        const px = e.deltaMode === 1 ? d * 16 : d;
        this.start += px * this.fpp;
        this.fitted = false;
        this.clampView();
        this.changed();
      },
      { passive: false },
    );
  }

  /**
   * Carries out one action of the gesture machine.
   * @private
   * @param {import('./gesture.js').GestureAction} a
   * @param {{anchor: number, before: *, view: *}} st the gesture's state
   */
  gestureAction(a, st) {
    switch (a.type) {
      case 'select-start': {
        const f = this.frameAt(a.x);
        if (a.extend) {
          st.anchor = this.sel ? (Math.abs(f - this.sel.from) < Math.abs(f - this.sel.to) ? this.sel.to : this.sel.from) : this.cursor;
          this.emitSel(st.anchor, f, false);
        } else {
          st.anchor = f;
        }
        break;
      }
      case 'select-move':
        this.emitSel(st.anchor, this.frameAt(a.x), false);
        break;
      case 'select-end':
        if (this.sel) this.onSelect(this.sel, true);
        else {
          this.onSelect(null, false);
          this.onCursor(this.frameAt(a.x));
        }
        break;
      case 'select-cancel':
        this.sel = st.before;
        this.draw();
        this.onSelect(this.sel, false);
        break;
      case 'handle-move': {
        if (!this.sel) break;
        const f = this.frameAt(a.x);
        const g = this.gesture.g;
        let which = a.which;
        const other = which === 'start' ? this.sel.to : this.sel.from;
        if (which === 'start' && f > other) which = 'end';
        else if (which === 'end' && f < other) which = 'start';
        if (g) g.which = which; // dragged past the other end: now the other handle
        this.emitSel(other, f, false);
        break;
      }
      case 'handle-end':
        this.onSelect(this.sel, true);
        break;
      case 'pan-start':
        st.view = { start: this.start, fpp: this.fpp };
        break;
      case 'pan':
        if (!st.view) break;
        this.start = st.view.start - a.dx * this.fpp;
        this.fitted = false;
        this.clampView();
        this.changed();
        break;
      case 'pinch-start':
        st.view = { fpp: this.fpp, dist: a.dist, at: this.start + a.mid * this.fpp };
        break;
      case 'pinch': {
        if (!st.view || st.view.at === undefined) break;
        // The frame under the fingers' midpoint stays under it: two
        // fingers pan and zoom at once.
        const maxFpp = Math.max(MIN_FPP, this.total / this.width());
        this.fpp = clamp((st.view.fpp * st.view.dist) / a.dist, MIN_FPP, maxFpp);
        this.fitted = this.fpp >= maxFpp;
        this.start = st.view.at - a.mid * this.fpp;
        this.clampView();
        this.changed();
        break;
      }
      case 'cursor':
        if (a.clear) this.onSelect(null, false);
        this.onCursor(this.frameAt(a.x));
        break;
      case 'long-press':
        if (navigator.vibrate) navigator.vibrate(10);
        break;
      case 'autoscroll':
        this.autoScroll(a.x);
        break;
    }
  }

  /** @private scroll when dragging near an edge */
  autoScroll(x) {
    const w = this.width();
    const edge = 24;
    if (x < edge && this.start > 0) this.start -= (edge - x) * this.fpp * 0.5;
    else if (x > w - edge) this.start += (x - (w - edge)) * this.fpp * 0.5;
    else return;
    this.fitted = false;
    this.clampView();
    this.changed();
  }

  /** @private */
  emitSel(a, b, commit) {
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    this.sel = to > from ? { from, to } : null;
    this.draw();
    this.onSelect(this.sel, commit);
  }

  /**
   * Nudge sizes in frames: one pixel at the current zoom (at least one
   * frame), and twenty pixels with Shift.
   * @param {boolean} coarse
   * @returns {number}
   */
  nudge(coarse) {
    const px = Math.max(1, Math.round(this.fpp));
    return coarse ? Math.max(px * 20, 1) : px;
  }

  /** @private */
  bindKeys() {
    // Handles: arrows move the focused handle (fine; Shift: coarse).
    for (const h of this.handles) {
      h.addEventListener('keydown', (e) => {
        if (!this.sel) return;
        const which = h.dataset.which;
        const cur = which === 'start' ? this.sel.from : this.sel.to;
        const other = which === 'start' ? this.sel.to : this.sel.from;
        let f = null;
        const n = this.nudge(e.shiftKey);
        if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') f = cur - n;
        else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') f = cur + n;
        // Page Down moves on (later), Page Up back, as in a document.
        else if (e.key === 'PageDown') f = cur + this.rate;
        else if (e.key === 'PageUp') f = cur - this.rate;
        else if (e.key === 'Home') f = which === 'start' ? 0 : other + 1;
        else if (e.key === 'End') f = which === 'end' ? this.total : other - 1;
        if (f === null || e.altKey || e.ctrlKey || e.metaKey) return;
        e.preventDefault();
        e.stopPropagation();
        // A handle never crosses the other one.
        f = which === 'start' ? clamp(f, 0, other - 1) : clamp(f, other + 1, this.total);
        this.sel = which === 'start' ? { from: f, to: other } : { from: other, to: f };
        this.reveal(f);
        this.draw();
        this.onSelect(this.sel, true);
      });
    }
    // The stage: arrows move the cursor; Shift+arrows extend the selection.
    this.stage.addEventListener('keydown', (e) => {
      if (e.target !== this.stage || e.altKey || e.ctrlKey || e.metaKey) return;
      let f = null;
      const n = this.nudge(false);
      const head = this.sel && this.cursor === this.sel.from ? this.sel.from : this.sel ? this.sel.to : this.cursor;
      const base = e.shiftKey ? head : this.cursor;
      if (e.key === 'ArrowLeft') f = base - n;
      else if (e.key === 'ArrowRight') f = base + n;
      else if (e.key === 'PageDown') f = base + this.rate;
      else if (e.key === 'PageUp') f = base - this.rate;
      else if (e.key === 'Home') f = 0;
      else if (e.key === 'End') f = this.total;
      if (f === null) return;
      e.preventDefault();
      f = clamp(f, 0, this.total);
      if (e.shiftKey) {
        const anchor = this.sel ? (head === this.sel.from ? this.sel.to : this.sel.from) : this.cursor;
        this.emitSel(anchor, f, true);
        this.onCursor(f, true);
      } else {
        this.onCursor(f);
      }
      this.reveal(f);
    });
  }
}
