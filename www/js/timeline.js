// Pure functions over a cutter timeline: a list of clips [in, out) of one
// source played back to back. Timeline positions are frames of the output
// (before any resampling); source positions are frames of the source.

/**
 * @typedef {{in: number, out: number}} Span
 * @typedef {{start: number, len: number, in: number, out: number}} Segment
 */

/**
 * Total length of the clips in frames.
 * @param {Span[]} clips
 * @returns {number}
 */
export function totalFrames(clips) {
  return clips.reduce((n, c) => n + (c.out - c.in), 0);
}

/**
 * The clips with their timeline start positions.
 * @param {Span[]} clips
 * @returns {Segment[]}
 */
export function segments(clips) {
  let t = 0;
  return clips.map((c) => {
    const s = { start: t, len: c.out - c.in, in: c.in, out: c.out };
    t += s.len;
    return s;
  });
}

/**
 * The parts of the clips that lie in timeline range [a, b).
 * @param {Span[]} clips
 * @param {number} a
 * @param {number} b
 * @returns {Span[]}
 */
export function slice(clips, a, b) {
  const out = [];
  for (const s of segments(clips)) {
    const lo = Math.max(a, s.start);
    const hi = Math.min(b, s.start + s.len);
    if (hi > lo) out.push({ in: s.in + (lo - s.start), out: s.in + (hi - s.start) });
  }
  return out;
}

/**
 * The clips without timeline range [a, b). Neighbouring spans that meet in
 * the source are merged back into one clip.
 * @param {Span[]} clips
 * @param {number} a
 * @param {number} b
 * @returns {Span[]}
 */
export function remove(clips, a, b) {
  return merge([...slice(clips, 0, a), ...slice(clips, b, totalFrames(clips))]);
}

/**
 * Merges adjacent clips that are contiguous in the source.
 * @param {Span[]} clips
 * @returns {Span[]}
 */
export function merge(clips) {
  const out = [];
  for (const c of clips) {
    const last = out[out.length - 1];
    if (last && last.out === c.in) out[out.length - 1] = { in: last.in, out: c.out };
    else out.push({ in: c.in, out: c.out });
  }
  return out;
}

/**
 * Maps a timeline position to a source position (the end maps to the last
 * clip's out).
 * @param {Span[]} clips
 * @param {number} t
 * @returns {number}
 */
export function toSource(clips, t) {
  const segs = segments(clips);
  for (const s of segs) {
    if (t < s.start + s.len) return s.in + Math.max(0, t - s.start);
  }
  const last = segs[segs.length - 1];
  return last ? last.out : 0;
}

/**
 * Timeline positions where one clip ends and the next begins.
 * @param {Span[]} clips
 * @returns {number[]}
 */
export function edits(clips) {
  return segments(clips).slice(1).map((s) => s.start);
}
