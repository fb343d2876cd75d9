// Gain in decibels: parsing and showing typed values, and the control (a
// slider with a typed value beside it) that the cutter and the joiner use.

import { el } from './util.js';

/** The slider's range in dB; typed values may go further (GAIN_MIN..GAIN_MAX). */
export const SLIDER_MIN = -24;
export const SLIDER_MAX = 24;
export const GAIN_MIN = -60;
export const GAIN_MAX = 24;

/**
 * Linear amplitude factor of a gain in dB.
 * @param {number} db
 * @returns {number}
 */
export function dbToLinear(db) {
  return db ? Math.pow(10, db / 20) : 1;
}

/**
 * Reads a typed gain: "-6", "+3.5", "3 dB", "−6" (a minus sign); rounded to
 * 0.1 dB.
 * @param {string} text
 * @returns {number}
 * @throws {Error} in plain words when it is not a gain in range
 */
export function parseDb(text) {
  const t = String(text).trim().replace(/\u2212/g, '-').replace(/\s*db$/i, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) throw new Error(`"${String(text).trim()}" is not a gain in dB (for example -6 or +3).`);
  const v = Math.round(Number(t) * 10) / 10;
  if (v < GAIN_MIN || v > GAIN_MAX) throw new Error(`A gain of ${v} dB is out of range (${GAIN_MIN} to +${GAIN_MAX} dB).`);
  return v === 0 ? 0 : v; // no -0
}

/**
 * Shows a gain: "0 dB", "+3.5 dB", "−6 dB".
 * @param {number} db
 * @returns {string}
 */
export function formatDb(db) {
  if (!db) return '0 dB';
  return `${db > 0 ? '+' : '\u2212'}${Math.abs(db)} dB`;
}

/**
 * A gain control: a slider (committed when released) and a typed value.
 * @param {Object} opts
 * @param {string} opts.label accessible name, e.g. "Gain of the selection"
 * @param {string} opts.testid prefix of the data-testid of its parts
 * @param {(db: number) => void} opts.onchange a new gain was chosen
 * @param {(msg: string) => void} opts.onerror a typed value was refused
 * @returns {{root: HTMLElement, set: (db: number|null) => void, range: HTMLInputElement, input: HTMLInputElement}}
 */
export function gainControl(opts) {
  const range = /** @type {HTMLInputElement} */ (
    el('input', { type: 'range', class: 'gain-range', min: String(SLIDER_MIN), max: String(SLIDER_MAX), step: '0.5', value: '0', 'aria-label': `${opts.label} (slider)`, dataset: { testid: `${opts.testid}-range` } })
  );
  const input = /** @type {HTMLInputElement} */ (
    el('input', { type: 'text', class: 'num gain-input mono', inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', value: '0', 'aria-label': `${opts.label} in dB`, dataset: { testid: `${opts.testid}-db` } })
  );
  let current = 0;
  const show = (db) => {
    range.value = String(db ?? 0);
    range.setAttribute('aria-valuetext', db === null ? 'mixed' : formatDb(db));
    if (document.activeElement !== input) input.value = db === null ? '' : String(db);
  };
  range.addEventListener('input', () => {
    input.value = range.value;
    range.setAttribute('aria-valuetext', formatDb(Number(range.value)));
  });
  range.addEventListener('change', () => {
    const v = Number(range.value);
    if (v !== current) opts.onchange(v);
  });
  const commit = () => {
    let v;
    try {
      v = parseDb(input.value);
    } catch (err) {
      opts.onerror(err.message);
      show(current);
      input.value = current === null ? '' : String(current); // even while typing in it
      return;
    }
    if (v !== current) opts.onchange(v);
    else show(current);
  };
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    }
  });
  const root = el('div', { class: 'gain' }, range, input, el('span', { class: 'unit' }, 'dB'));
  return {
    root,
    range,
    input,
    set(db) {
      current = db;
      show(db);
    },
  };
}
