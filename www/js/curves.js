// Menus of the engine's fade and crossfade curves. The engine names them
// (oc.curves(): the default first); nothing here lists them.

import { engine } from './engine.js';
import { el } from './util.js';

/** @type {Array<{name: string, label: string}>|null} the engine's list, once it answered */
let known = null;
const waiting = new Set();

/**
 * Fills sel with the curves, keeping the curve it shows (or want).
 * @param {HTMLSelectElement} sel
 * @param {string} want
 */
function fill(sel, want) {
  sel.replaceChildren(...known.map((c) => el('option', { value: c.name }, c.label)));
  setCurve(sel, want);
  sel.disabled = false;
}

/**
 * Shows curve name in sel; '' (a fade that names no curve) shows the
 * engine's default.
 * @param {HTMLSelectElement} sel
 * @param {string} name
 */
export function setCurve(sel, name) {
  if (!known) {
    sel.dataset.want = name || '';
    return;
  }
  sel.value = name || '';
  if (sel.selectedIndex < 0) sel.selectedIndex = 0;
}

/**
 * A <select> of the engine's curves showing value ('' for the default).
 * Until the engine has answered (it is loading) the menu is empty and
 * disabled.
 * @param {string} value
 * @param {Object<string, *>} attrs
 * @returns {HTMLSelectElement}
 */
export function curveSelect(value, attrs = {}) {
  const sel = /** @type {HTMLSelectElement} */ (el('select', attrs));
  if (known) {
    fill(sel, value);
    return sel;
  }
  sel.disabled = true;
  sel.dataset.want = value || '';
  waiting.add(sel);
  engine()
    .then((oc) => oc.curves())
    .then((list) => {
      known = list;
      for (const s of waiting) fill(s, s.dataset.want);
      waiting.clear();
    })
    .catch(() => {}); // the engine's failure is shown where it is used
  return sel;
}
