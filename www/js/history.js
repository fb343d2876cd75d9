// Unlimited undo/redo over immutable edit states (plain JSON-able objects).

/**
 * A history of states. Each state is treated as immutable: push a new
 * object for every edit. Listeners hear about every change.
 */
export class History {
  /**
   * @param {*} initial the first state
   */
  constructor(initial) {
    /** @type {Array<*>} */
    this.past = [];
    /** @type {Array<*>} */
    this.future = [];
    this.present = initial;
    /** @type {Set<Function>} */
    this.listeners = new Set();
  }

  /**
   * Records a new state (an edit); clears the redo list.
   * @param {*} state
   */
  push(state) {
    if (state === this.present) return;
    this.past.push(this.present);
    this.present = state;
    this.future = [];
    this.emit();
  }

  /**
   * Replaces the present state without recording a step (e.g. when
   * only the selection changes).
   * @param {*} state
   */
  replace(state) {
    this.present = state;
    this.emit();
  }

  /**
   * Starts over from state with an empty history.
   * @param {*} state
   */
  reset(state) {
    this.past = [];
    this.future = [];
    this.present = state;
    this.emit();
  }

  /** @returns {boolean} */
  canUndo() {
    return this.past.length > 0;
  }

  /** @returns {boolean} */
  canRedo() {
    return this.future.length > 0;
  }

  /**
   * Steps back one edit.
   * @returns {boolean} whether anything changed
   */
  undo() {
    if (!this.past.length) return false;
    this.future.push(this.present);
    this.present = this.past.pop();
    this.emit();
    return true;
  }

  /**
   * Steps forward one edit.
   * @returns {boolean} whether anything changed
   */
  redo() {
    if (!this.future.length) return false;
    this.past.push(this.present);
    this.present = this.future.pop();
    this.emit();
    return true;
  }

  /**
   * Calls fn(state) after every change; returns an unsubscribe function.
   * @param {Function} fn
   * @returns {Function}
   */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** @private */
  emit() {
    for (const fn of this.listeners) fn(this.present);
  }
}
