// Drafts: the editors' documents with fades, gaps and crossfades in
// milliseconds, as people set them. The engine's documents count them in
// frames at the rate it lays the output out at, and a fade is at most its
// clip; the engine answers both (oc.lengths), so nothing here computes a
// rate or a resampled length. Pure functions, but for toDocument.

/**
 * The draft without fades and joins: what the engine lays out to say the
 * rate and each clip's length.
 * @param {object} draft
 * @returns {object} an engine document
 */
export function bare(draft) {
  const { joins, ...rest } = draft;
  return { ...rest, clips: draft.clips.map(({ fadeIn, fadeOut, ...c }) => c) };
}

/**
 * True when the draft has something in milliseconds to state in frames.
 * @param {object} draft
 * @returns {boolean}
 */
export function hasTimes(draft) {
  return draft.clips.some((c) => (c.fadeIn && c.fadeIn.ms > 0) || (c.fadeOut && c.fadeOut.ms > 0)) || (draft.joins || []).some((j) => j.type !== 'none');
}

/**
 * The engine's document for a draft, given the engine's layout of
 * bare(draft): milliseconds become frames at layout.sampleRate (rounded to
 * the nearest), a fade is cut to its clip's length, and a fade of no frame
 * or a draft of straight cuts only says nothing.
 * @param {object} draft clips may have fadeIn/fadeOut {ms, curve}; joins are {type, ms, curve}
 * @param {{sampleRate: number, clips: number[]}} layout
 * @returns {object}
 */
export function inFrames(draft, layout) {
  const frames = (ms) => Math.max(0, Math.round((ms / 1000) * layout.sampleRate));
  const doc = bare(draft);
  doc.clips = draft.clips.map((c, i) => {
    const { fadeIn, fadeOut, ...o } = c;
    for (const [k, f] of [['fadeIn', fadeIn], ['fadeOut', fadeOut]]) {
      if (!f || !(f.ms > 0)) continue;
      const n = Math.min(layout.clips[i], frames(f.ms));
      if (n > 0) o[k] = f.curve ? { length: n, curve: f.curve } : { length: n };
    }
    return o;
  });
  const joins = draft.joins || [];
  if (joins.some((j) => j.type !== 'none')) {
    doc.joins = joins.map((j) => {
      if (j.type === 'none') return { type: 'none' };
      const out = { type: j.type, length: frames(j.ms) };
      if (j.type === 'crossfade' && j.curve) out.curve = j.curve;
      return out;
    });
  }
  return doc;
}

/**
 * The engine's document for a draft (see inFrames), asking the engine for
 * the layout when the draft has times to state.
 * @param {{lengths: Function}} oc the engine
 * @param {object} draft
 * @param {object[]} infos the sources' probe results
 * @returns {Promise<object>}
 */
export async function toDocument(oc, draft, infos) {
  if (!hasTimes(draft)) return bare(draft);
  return inFrames(draft, await oc.lengths(bare(draft), infos));
}
