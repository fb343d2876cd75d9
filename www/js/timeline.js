// Pure functions over a cutter timeline: a list of clips [in, out) of one
// source played back to back. Timeline positions are frames of the output
// (before any resampling); source positions are frames of the source. A
// clip may carry a gain in dB (absent: 0 dB), as the engine's document does.

/**
 * @typedef {{in: number, out: number, gain?: number}} Span
 * @typedef {{start: number, len: number, in: number, out: number, gain: number}} Segment
 */

/**
 * A span with its gain when it has one (0 dB is left out, as in the
 * engine's documents).
 * @param {number} a
 * @param {number} b
 * @param {number} [gain]
 * @returns {Span}
 */
function span(a, b, gain) {
  return gain ? { in: a, out: b, gain } : { in: a, out: b };
}

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
    const s = { start: t, len: c.out - c.in, in: c.in, out: c.out, gain: c.gain || 0 };
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
    if (hi > lo) out.push(span(s.in + (lo - s.start), s.in + (hi - s.start), s.gain));
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
 * Merges adjacent clips that are contiguous in the source and have the
 * same gain.
 * @param {Span[]} clips
 * @returns {Span[]}
 */
export function merge(clips) {
  const out = [];
  for (const c of clips) {
    const last = out[out.length - 1];
    if (last && last.out === c.in && (last.gain || 0) === (c.gain || 0)) out[out.length - 1] = span(last.in, c.out, c.gain);
    else out.push(span(c.in, c.out, c.gain));
  }
  return out;
}

/**
 * The clips with timeline range [a, b) at gain dB (0: unity).
 * @param {Span[]} clips
 * @param {number} a
 * @param {number} b
 * @param {number} gain
 * @returns {Span[]}
 */
export function setGain(clips, a, b, gain) {
  const mid = slice(clips, a, b).map((c) => span(c.in, c.out, gain));
  return merge([...slice(clips, 0, a), ...mid, ...slice(clips, b, totalFrames(clips))]);
}

/**
 * The gain of timeline range [a, b) in dB, or null when it varies.
 * @param {Span[]} clips
 * @param {number} a
 * @param {number} b
 * @returns {number|null}
 */
export function gainOf(clips, a, b) {
  const g = new Set(slice(clips, a, b).map((c) => c.gain || 0));
  return g.size === 1 ? [...g][0] : g.size === 0 ? 0 : null;
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
 * Timeline positions where one clip ends and the next begins elsewhere in
 * the source (a gain change alone is no edit point).
 * @param {Span[]} clips
 * @returns {number[]}
 */
export function edits(clips) {
  const segs = segments(clips);
  return segs.slice(1).filter((s, i) => segs[i].out !== s.in).map((s) => s.start);
}
