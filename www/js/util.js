// Small helpers shared by the widgets: time <-> frames, DOM building, names.

/**
 * Formats frames at rate as h:mm:ss.fff (or m:ss.fff below an hour).
 * @param {number} frames
 * @param {number} rate
 * @returns {string}
 */
export function formatTime(frames, rate) {
  if (!rate || !Number.isFinite(frames)) return '0:00.000';
  const neg = frames < 0;
  const ms = Math.round((Math.abs(frames) * 1000) / rate);
  const h = Math.floor(ms / 3600000);
  const m = Math.floor(ms / 60000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  const pad = (n, w) => String(n).padStart(w, '0');
  const body = h > 0 ? `${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(f, 3)}` : `${m}:${pad(s, 2)}.${pad(f, 3)}`;
  return (neg ? '−' : '') + body;
}

/**
 * Formats frames as a short human duration ("1 h 2 min 3.250 s", "3.250 s").
 * @param {number} frames
 * @param {number} rate
 * @returns {string}
 */
export function formatDuration(frames, rate) {
  const ms = Math.round((frames * 1000) / rate);
  const h = Math.floor(ms / 3600000);
  const m = Math.floor(ms / 60000) % 60;
  const s = (ms % 60000) / 1000;
  const parts = [];
  if (h) parts.push(`${h} h`);
  if (h || m) parts.push(`${m} min`);
  parts.push(`${s.toFixed(3)} s`);
  return parts.join(' ');
}

/**
 * Parses a typed time into frames at rate. Accepts seconds ("12.5"),
 * m:ss[.fff] and h:mm:ss[.fff]; a comma works as the decimal point.
 * Seconds round to the nearest frame, as the command line does.
 * @param {string} text
 * @param {number} rate
 * @returns {number} frames
 * @throws {Error} with a plain-words message when the text is not a time
 */
export function parseTime(text, rate) {
  const s = String(text).trim().replace(',', '.');
  if (s === '') throw new Error('Type a time, e.g. 1:02.250 or 62.25');
  const parts = s.split(':');
  if (parts.length > 3) throw new Error(`“${text}” has too many colons; use h:mm:ss.fff`);
  let secs = 0;
  parts.forEach((p, i) => {
    if (!/^\d*\.?\d*$/.test(p) || p === '' || p === '.') {
      throw new Error(`“${text}” is not a time; use seconds or h:mm:ss.fff`);
    }
    const v = Number(p);
    if (i < parts.length - 1 && !Number.isInteger(v)) {
      throw new Error(`“${text}”: only the seconds may have a fraction`);
    }
    if (i > 0 && v >= 60) throw new Error(`“${text}”: “${p}” must be below 60`);
    secs = secs * 60 + v;
  });
  return Math.round(secs * rate);
}

/**
 * Formats a byte count ("12.3 MB").
 * @param {number} n
 * @returns {string}
 */
export function formatBytes(n) {
  if (n < 1000) return `${n} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/**
 * Describes a sample format for people: "44.1 kHz · stereo · 16-bit", or
 * for a lossy codec "44.1 kHz · stereo · MP3".
 * @param {{sampleRate:number, channels:number, bitDepth:number, float:boolean}} f
 * @param {{lossy?: boolean, codecLabel?: string}} [info] the engine probe's
 *   answer: whether the codec is lossy and its name
 * @returns {string}
 */
export function describeFormat(f, info) {
  if (!f) return '';
  const rate = f.sampleRate % 1000 === 0 ? `${f.sampleRate / 1000} kHz` : `${(f.sampleRate / 1000).toFixed(1)} kHz`;
  const ch = f.channels === 1 ? 'mono' : f.channels === 2 ? 'stereo' : `${f.channels} channels`;
  // A lossy source has no bit depth of its own (the decoder's 16 is not
  // the file's): name the codec instead.
  if (info && info.lossy) return `${rate} · ${ch} · ${info.codecLabel}`;
  const bits = f.float ? `${f.bitDepth}-bit float` : `${f.bitDepth}-bit`;
  return `${rate} · ${ch} · ${bits}`;
}

/**
 * Builds an element: el('button', {class: 'x', onclick: fn}, 'text', child).
 * Attributes named on* become listeners; `dataset` and `style` objects are
 * assigned property by property (CSP-safe: no style attribute in markup).
 * @param {string} tag
 * @param {Object<string, *>} [attrs]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'style') Object.assign(e.style, v);
    else if (k === 'class') e.className = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/**
 * An icon element drawn by CSS (a mask over currentColor).
 * @param {string} name one of the icons in css/icons.css
 * @returns {HTMLElement}
 */
export function icon(name) {
  return el('span', { class: `icon icon-${name}`, 'aria-hidden': 'true' });
}

/**
 * Derives an output file name from a source name: "interview.flac" with
 * "cut" gives "interview (cut).flac" (the export panel then puts the
 * output format's extension on it). Never branded.
 * @param {string} source
 * @param {string} what
 * @param {string} [ext] default: the source's own extension
 * @returns {string}
 */
export function outputName(source, what, ext) {
  const m = /\.([^./\\]{1,5})$/.exec(String(source || ''));
  const base = String(source || 'audio').replace(/\.[^./\\]{1,5}$/, '') || 'audio';
  const e = ext || (m ? m[1] : 'audio');
  return what ? `${base} (${what}).${e}` : `${base}.${e}`;
}

/**
 * Clamps v into [lo, hi].
 * @param {number} v
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
export function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * True for an AbortError (a cancelled job).
 * @param {*} err
 * @returns {boolean}
 */
export function isAbort(err) {
  return !!err && (err.name === 'AbortError' || err.code === 20);
}

/**
 * Returns a debounced version of fn.
 * @param {Function} fn
 * @param {number} ms
 * @returns {Function}
 */
export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** True on macOS/iOS, where Cmd plays the role of Ctrl. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * The primary modifier of a keyboard event (Cmd on Apple, Ctrl elsewhere).
 * @param {KeyboardEvent} e
 * @returns {boolean}
 */
export function primary(e) {
  return isMac ? e.metaKey : e.ctrlKey;
}
