// Output checks against the native references: length, offset (found by
// cross-correlation), bit-exactness and SNR, on PCM decoded by ffmpeg.

import { execFileSync } from 'node:child_process';

function probe(file) {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=channels,sample_rate', '-of', 'json', file], { encoding: 'utf8' }));
  const s = j.streams[0];
  return { channels: Number(s.channels), rate: Number(s.sample_rate) };
}

/** Decodes file to interleaved float32 with `channels` at `rate`. */
function decode(file, channels, rate) {
  const buf = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', String(channels), '-ar', String(rate), '-'], { maxBuffer: 2 ** 31 - 1 });
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength >> 2);
}

function mono(x, ch, from, n) {
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < ch; c++) s += x[(from + i) * ch + c] || 0;
    m[i] = s;
  }
  return m;
}

/** The lag (output frames late) at which out best matches ref, within ±maxLag. */
function bestLag(out, ref, ch, outFrames, refFrames, maxLag = 4096, win = 16384) {
  const p = Math.min(10 * 44100, Math.floor(refFrames / 3));
  const n = Math.min(win, refFrames - p);
  if (n < 1024) return 0;
  const r = mono(ref, ch, p, n);
  const lo = Math.max(-maxLag, -p);
  const hi = Math.min(maxLag, outFrames - p - n);
  if (hi < lo) return 0;
  const o = mono(out, ch, p + lo, n + hi - lo);
  let best = 0;
  let bestC = -Infinity;
  let rr = 0;
  for (let i = 0; i < n; i++) rr += r[i] * r[i];
  for (let L = lo; L <= hi; L++) {
    let c = 0;
    let oo = 0;
    const off = L - lo;
    for (let i = 0; i < n; i++) {
      const v = o[off + i];
      c += v * r[i];
      oo += v * v;
    }
    const nc = c / Math.sqrt(rr * oo + 1e-30);
    if (nc > bestC) { bestC = nc; best = L; }
  }
  return best;
}

/**
 * Compares the audio of out with ref: frames of each, the offset of out
 * against ref, whether the PCM is bit-identical, and the SNR at that offset.
 */
export function analyze(out, ref, { exact } = {}) {
  const { channels, rate } = probe(ref);
  const a = decode(out, channels, rate);
  const b = decode(ref, channels, rate);
  const fa = a.length / channels;
  const fb = b.length / channels;
  let identical = fa === fb;
  if (identical) for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { identical = false; break; }
  const lag = identical ? 0 : bestLag(a, b, channels, fa, fb);
  let sig = 0;
  let noise = 0;
  for (let f = Math.max(0, -lag); f < fb && f + lag < fa; f++) {
    for (let c = 0; c < channels; c++) {
      const r = b[f * channels + c];
      const d = a[(f + lag) * channels + c] - r;
      sig += r * r;
      noise += d * d;
    }
  }
  const snr = noise === 0 ? Infinity : 10 * Math.log10(sig / noise);
  const res = { frames: fa, refFrames: fb, offsetFrames: lag, offsetMs: +(lag / rate * 1000).toFixed(2), exact: identical, snrDb: Number.isFinite(snr) ? +snr.toFixed(1) : 'inf' };
  if (exact && !identical) res.note = 'expected bit-exact';
  return res;
}

/** Compares peaks {min, max} with the CLI's [[min, max], ...]. */
export function comparePeaks(p, native) {
  if (!native) return { error: 'no native peaks' };
  if (p.min.length !== native.length) return { buckets: p.min.length, refBuckets: native.length, error: 'bucket count differs' };
  let d = 0;
  for (let i = 0; i < native.length; i++) d = Math.max(d, Math.abs(p.min[i] - native[i][0]), Math.abs(p.max[i] - native[i][1]));
  return { buckets: native.length, maxDiff: +d.toPrecision(3) };
}
