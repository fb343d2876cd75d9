// The editors' states: an engine document (audio/project/SCHEMA.md, fades
// and joins in milliseconds, as the engine reads them) and a small view
// state beside it. Undo/redo, session restore and cloud save keep these;
// `offcut render` reads the document as it is. The editors read a state
// through a flat view (cutFlat, joinFlat) and change it with a patch of
// that view (cutWith, joinWith). Pure functions.

/**
 * @typedef {{ms: number, curve: string}} FadeSpec
 * @typedef {{in: number, out: number, gain?: number}} Span
 * @typedef {{sel: {from: number, to: number}|null, cursor: number, splits: number[]}} CutView
 * @typedef {{doc: Object, view: CutView}} CutState
 * @typedef {{clips: Span[], fadeIn: FadeSpec, fadeOut: FadeSpec, sel: {from: number, to: number}|null, cursor: number, splits: number[]}} CutFlat
 * @typedef {{key: number, src: number, in: number, out: number, gain?: number}} Item
 * @typedef {{type: string, ms: number, curve: string}} JoinSpec
 * @typedef {{doc: Object, view: {keys: number[], ids: number[]}}} JoinState
 * @typedef {{items: Item[], joins: JoinSpec[]}} JoinFlat
 */

/** The length a new gap or crossfade starts with, in milliseconds. */
export const DEFAULT_JOIN_MS = 1000;

const flats = new WeakMap();

/** @returns {FadeSpec} */
function fadeSpec(f) {
  return { ms: (f && f.ms) || 0, curve: (f && f.curve) || '' };
}

/** A fade as the document keeps it, or undefined for none. */
function docFade(f) {
  if (!f || (!(f.ms > 0) && !f.curve)) return undefined;
  const o = {};
  if (f.ms > 0) o.ms = f.ms;
  if (f.curve) o.curve = f.curve;
  return o;
}

/** A clip's span (in, out, gain when not 0 dB), without its fades. */
function spanOf(c) {
  return c.gain ? { in: c.in, out: c.out, gain: c.gain } : { in: c.in, out: c.out };
}

/**
 * The cutter's first state for a source: all of it, nothing selected.
 * @param {{name: string, size: number}} file
 * @param {number} frames the source's length
 * @param {Partial<CutView>} [view]
 * @returns {CutState}
 */
export function cutNew(file, frames, view = {}) {
  return {
    doc: { version: 1, sources: [{ name: file.name, size: file.size }], clips: [{ source: 0, in: 0, out: frames }] },
    view: { sel: null, cursor: 0, splits: [], ...view },
  };
}

/**
 * The cutter's view of a state: the timeline's spans, the fades of its
 * start and end (on the document's first and last clip), the marks.
 * @param {CutState} state
 * @returns {CutFlat}
 */
export function cutFlat(state) {
  let f = flats.get(state);
  if (f) return f;
  const clips = state.doc.clips;
  f = {
    clips: clips.map(spanOf),
    fadeIn: fadeSpec(clips.length && clips[0].fadeIn),
    fadeOut: fadeSpec(clips.length && clips[clips.length - 1].fadeOut),
    sel: state.view.sel,
    cursor: state.view.cursor,
    splits: state.view.splits,
  };
  flats.set(state, f);
  return f;
}

/**
 * A new cutter state: state changed by a patch of its view (clips,
 * fadeIn, fadeOut, sel, cursor, splits). The fades stay on the first and
 * last clip, whichever they are now.
 * @param {CutState} state
 * @param {Partial<CutFlat>} patch
 * @returns {CutState}
 */
export function cutWith(state, patch) {
  const f = { ...cutFlat(state), ...patch };
  let doc = state.doc;
  if ('clips' in patch || 'fadeIn' in patch || 'fadeOut' in patch) {
    const clips = f.clips.map((c) => ({ source: 0, ...spanOf(c) }));
    const fi = docFade(f.fadeIn);
    const fo = docFade(f.fadeOut);
    if (clips.length && fi) clips[0].fadeIn = fi;
    if (clips.length && fo) clips[clips.length - 1].fadeOut = fo;
    doc = { ...state.doc, clips };
  }
  return { doc, view: { sel: f.sel, cursor: f.cursor, splits: f.splits } };
}

/**
 * A saved cutter state as this version keeps it: a state of the earlier
 * flat shape ({clips, fadeIn, fadeOut, splits, sel, cursor}) becomes a
 * document of the source.
 * @param {Object} saved
 * @param {{name: string, size: number}} file
 * @param {number} frames
 * @returns {CutState}
 */
export function cutMigrate(saved, file, frames) {
  if (saved && saved.doc && saved.view) return saved;
  const { clips, fadeIn, fadeOut, sel = null, cursor = 0, splits = [] } = saved || {};
  return cutWith(cutNew(file, frames), { clips: clips || [{ in: 0, out: frames }], fadeIn: fadeSpec(fadeIn), fadeOut: fadeSpec(fadeOut), sel, cursor, splits });
}

/**
 * The joiner's empty state.
 * @returns {JoinState}
 */
export function joinNew() {
  return { doc: { version: 1, sources: [], clips: [], joins: [] }, view: { keys: [], ids: [] } };
}

/**
 * The joiner's view of a state: its clips with their keys and open
 * sources' ids, and one junction spec between each two (a none junction
 * shows the default length, for when it becomes a gap or a crossfade).
 * @param {JoinState} state
 * @returns {JoinFlat}
 */
export function joinFlat(state) {
  let f = flats.get(state);
  if (f) return f;
  const { doc, view } = state;
  f = {
    items: doc.clips.map((c, i) => ({ key: view.keys[i], src: view.ids[c.source], ...spanOf(c) })),
    joins: (doc.joins || []).map((j) => ({ type: j.type, ms: j.type === 'none' ? DEFAULT_JOIN_MS : j.ms || 0, curve: j.curve || '' })),
  };
  flats.set(state, f);
  return f;
}

/**
 * A new joiner state: state with the view's items and joins replaced.
 * The document names each source once, in the order the clips first
 * play it, as describe gives it.
 * @param {JoinState} state
 * @param {Partial<JoinFlat>} patch
 * @param {(id: number) => {name: string, size?: number}} describe an open source's file
 * @returns {JoinState}
 */
export function joinWith(state, patch, describe) {
  const f = { ...joinFlat(state), ...patch };
  const ids = [];
  const index = new Map();
  for (const it of f.items) {
    if (!index.has(it.src)) {
      index.set(it.src, ids.length);
      ids.push(it.src);
    }
  }
  const sources = ids.map((id) => {
    const d = describe(id) || { name: '' };
    return d.size === undefined ? { name: d.name } : { name: d.name, size: d.size };
  });
  const clips = f.items.map((it) => ({ source: index.get(it.src), ...spanOf(it) }));
  const joins = f.joins.slice(0, Math.max(0, clips.length - 1)).map((j) => {
    if (j.type === 'none') return { type: 'none' };
    const o = { type: j.type, ms: j.ms };
    if (j.type === 'crossfade' && j.curve) o.curve = j.curve;
    return o;
  });
  return { doc: { version: 1, sources, clips, joins }, view: { keys: f.items.map((it) => it.key), ids } };
}

/**
 * A saved joiner state as this version keeps it: the earlier flat shape
 * ({items, joins}) becomes a document (its sources named by describe,
 * else left unnamed until the next edit).
 * @param {Object} saved
 * @param {(id: number) => {name: string, size?: number}} [describe]
 * @returns {JoinState}
 */
export function joinMigrate(saved, describe = () => ({ name: '' })) {
  if (saved && saved.doc && saved.view) return saved;
  const items = (saved && saved.items) || [];
  const joins = ((saved && saved.joins) || []).map((j) => ({ type: j.type || 'none', ms: j.ms || 0, curve: j.curve || '' }));
  return joinWith(joinNew(), { items, joins }, describe);
}

/**
 * The open sources' ids a joiner state plays.
 * @param {JoinState} state
 * @returns {number[]}
 */
export function joinIds(state) {
  return state.view.ids;
}

/**
 * A joiner state with its sources renamed to the ids they have now and
 * its clip keys moved by offset (clear of the keys in use), or null when
 * a source is not open.
 * @param {JoinState} state
 * @param {Map<number, number>} ids saved source id -> new one
 * @param {number} offset
 * @returns {JoinState|null}
 */
export function joinRemap(state, ids, offset) {
  if (state.view.ids.some((id) => !ids.has(id))) return null;
  return { doc: state.doc, view: { keys: state.view.keys.map((k) => offset + k), ids: state.view.ids.map((id) => ids.get(id)) } };
}

/**
 * The document with its crossfades as gaps of the same length: laid out,
 * it gives every clip's and junction's length even where a crossfade is
 * longer than its clips.
 * @param {Object} doc
 * @returns {Object}
 */
export function withGaps(doc) {
  if (!doc.joins) return doc;
  return { ...doc, joins: doc.joins.map((j) => (j.type === 'crossfade' ? { type: 'gap', ms: j.ms } : j)) };
}
