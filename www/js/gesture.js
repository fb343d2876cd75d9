// The waveform's pointer and touch gestures as a state machine, free of the
// DOM so that it can be tested in Node (build/jstest/gesture.test.mjs).
//
// It takes pointer events (stage-local CSS pixels and a time in ms) and
// answers with actions for the waveform to carry out:
//
//   mouse: press and drag selects (Shift extends), a click places the
//          cursor;
//   touch: one finger drags to scroll and taps to place the cursor; a long
//          press (LONG_PRESS_MS without moving) then a drag selects; two
//          fingers pan and pinch-zoom together;
//   handles: a press on a selection handle drags it (mouse or finger).
//
// Actions:
//   {type: 'select-start', x, extend}   a selection starts at x (extend:
//                                       from the selection or cursor)
//   {type: 'select-move', x}            its moving end is at x
//   {type: 'select-end', x}             dropped at x (commit)
//   {type: 'select-cancel'}             a second finger took over
//   {type: 'handle-move', which, x}     handle 'start'|'end' dragged to x
//   {type: 'handle-end'}                handle dropped (commit)
//   {type: 'pan-start'}                 one-finger scroll starts
//   {type: 'pan', dx}                   scrolled dx px from the pan's start
//   {type: 'pinch-start', mid, dist}    two fingers down
//   {type: 'pinch', mid, dist}          two fingers now at mid, dist apart
//   {type: 'cursor', x, clear}          a tap or click at x (clear: drop
//                                       the selection too)
//   {type: 'long-press', x}             the press became a selection (for
//                                       a haptic tick)
//   {type: 'autoscroll', x}             a drag near an edge (mouse or
//                                       select/handle drag)

/** ms a finger must rest before a drag selects instead of scrolling */
export const LONG_PRESS_MS = 450;
/** px a mouse must move before a press becomes a drag */
export const MOUSE_SLOP = 4;
/** px a finger may wander during a tap or a long press */
export const TOUCH_SLOP = 10;

/**
 * @typedef {{id: number, x: number, y: number, t: number, pointerType?: string,
 *   button?: number, shift?: boolean, handle?: (string|null)}} GestureEvent
 * @typedef {{type: string, x?: number, dx?: number, which?: string,
 *   mid?: number, dist?: number, extend?: boolean, clear?: boolean}} GestureAction
 */

export class Gesture {
  constructor() {
    /** @type {Map<number, {x: number, y: number, touch: boolean}>} */
    this.pointers = new Map();
    /**
     * idle | mouse | touch-press | pan | touch-select | select | handle |
     * pinch | spent (fingers left over after a pinch)
     */
    this.mode = 'idle';
    /** @type {any} */
    this.g = null;
  }

  /**
   * A pointer went down.
   * @param {GestureEvent} e
   * @returns {GestureAction[]}
   */
  down(e) {
    const touch = e.pointerType === 'touch';
    if (!touch && (e.button || 0) !== 0) return [];
    this.pointers.set(e.id, { x: e.x, y: e.y, touch });
    if (touch && this.touchCount() === 2) return this.startPinch();
    if (this.touchCount() > 2 || this.mode !== 'idle') return [];
    if (e.handle) {
      this.mode = 'handle';
      this.g = { id: e.id, which: e.handle };
      return [];
    }
    if (touch) {
      this.mode = 'touch-press';
      this.g = { id: e.id, x0: e.x, y0: e.y, t0: e.t };
      return [];
    }
    if (e.shift) {
      this.mode = 'select';
      this.g = { id: e.id, x0: e.x, moved: true };
      return [{ type: 'select-start', x: e.x, extend: true }];
    }
    this.mode = 'mouse';
    this.g = { id: e.id, x0: e.x };
    return [];
  }

  /**
   * A pointer moved.
   * @param {GestureEvent} e
   * @returns {GestureAction[]}
   */
  move(e) {
    const p = this.pointers.get(e.id);
    if (!p) return [];
    p.x = e.x;
    p.y = e.y;
    if (this.mode === 'pinch') {
      const [a, b] = this.touches();
      return [{ type: 'pinch', mid: (a.x + b.x) / 2, dist: Math.max(1, Math.abs(a.x - b.x)) }];
    }
    const g = this.g;
    if (!g || g.id !== e.id) return [];
    switch (this.mode) {
      case 'handle':
        return [{ type: 'autoscroll', x: e.x }, { type: 'handle-move', which: g.which, x: e.x }];
      case 'mouse':
        if (Math.abs(e.x - g.x0) <= MOUSE_SLOP) return [];
        this.mode = 'select';
        return [{ type: 'select-start', x: g.x0, extend: false }, { type: 'select-move', x: e.x }];
      case 'select':
      case 'touch-select':
        return [{ type: 'autoscroll', x: e.x }, { type: 'select-move', x: e.x }];
      case 'touch-press':
        if (Math.hypot(e.x - g.x0, e.y - g.y0) <= TOUCH_SLOP) return [];
        if (e.t - g.t0 >= LONG_PRESS_MS) return this.longPress().concat({ type: 'select-move', x: e.x });
        this.mode = 'pan';
        return [{ type: 'pan-start' }, { type: 'pan', dx: e.x - g.x0 }];
      case 'pan':
        return [{ type: 'pan', dx: e.x - g.x0 }];
      default:
        return [];
    }
  }

  /**
   * Time passed (call it LONG_PRESS_MS after a touch went down, and with
   * any later time): a finger that rested becomes a selection.
   * @param {number} t
   * @returns {GestureAction[]}
   */
  tick(t) {
    if (this.mode !== 'touch-press' || t - this.g.t0 < LONG_PRESS_MS) return [];
    return this.longPress();
  }

  /**
   * A pointer went up.
   * @param {GestureEvent} e
   * @returns {GestureAction[]}
   */
  up(e) {
    if (!this.pointers.has(e.id)) return [];
    this.pointers.delete(e.id);
    const g = this.g;
    let out = [];
    if (this.mode === 'pinch' || this.mode === 'spent') {
      // The fingers left after a pinch do nothing until all are up.
      this.mode = this.pointers.size ? 'spent' : 'idle';
      if (this.mode === 'idle') this.g = null;
      return [];
    }
    if (!g || g.id !== e.id) return [];
    switch (this.mode) {
      case 'handle':
        out = [{ type: 'handle-end' }];
        break;
      case 'mouse':
        out = [{ type: 'cursor', x: e.x, clear: true }];
        break;
      case 'select':
      case 'touch-select':
        out = [{ type: 'select-end', x: e.x }];
        break;
      case 'touch-press':
        out = [{ type: 'cursor', x: g.x0, clear: false }];
        break;
      default:
        out = [];
    }
    this.mode = this.pointers.size ? 'spent' : 'idle';
    this.g = null;
    return out;
  }

  /**
   * The browser took the pointer (a page scroll) or it was lost.
   * @param {GestureEvent} e
   * @returns {GestureAction[]}
   */
  cancel(e) {
    if (!this.pointers.has(e.id)) return [];
    this.pointers.delete(e.id);
    const was = this.mode;
    const mine = this.g && this.g.id === e.id;
    if (was === 'pinch' || was === 'spent' || mine) {
      this.mode = this.pointers.size ? 'spent' : 'idle';
      this.g = null;
    }
    if (mine && (was === 'select' || was === 'touch-select')) return [{ type: 'select-cancel' }];
    if (mine && was === 'handle') return [{ type: 'handle-end' }];
    return [];
  }

  /** @returns {boolean} whether the long-press timer still matters */
  pressing() {
    return this.mode === 'touch-press';
  }

  /** @private */
  longPress() {
    this.mode = 'touch-select';
    return [{ type: 'long-press', x: this.g.x0 }, { type: 'select-start', x: this.g.x0, extend: false }];
  }

  /** @private */
  startPinch() {
    const was = this.mode;
    this.mode = 'pinch';
    this.g = null;
    const [a, b] = this.touches();
    const out = [];
    if (was === 'touch-select' || was === 'select') out.push({ type: 'select-cancel' });
    if (was === 'handle') out.push({ type: 'handle-end' });
    out.push({ type: 'pinch-start', mid: (a.x + b.x) / 2, dist: Math.max(1, Math.abs(a.x - b.x)) });
    return out;
  }

  /** @private */
  touches() {
    return [...this.pointers.values()].filter((p) => p.touch);
  }

  /** @private */
  touchCount() {
    return this.touches().length;
  }
}
