// periodicity checks a recording of a looped source for lost or repeated
// blocks without the source at hand: Chromium's fake microphone loops its
// file, so a recording with nothing lost or repeated is periodic, frame i
// equal to frame i + L (L the source's length in frames).
//
// Where it is not, the stretch is explained by a shift: frames from q on
// equal the frames L + shift later. The fake capture device, when it misses
// a deadline on a loaded machine, repeats, inserts or skips whole 10 ms
// buffers of its own (D frames), so its shifts and the runs of frames that
// match nothing it leaves are multiples of D. The page works in 128-frame
// quanta and cannot make such a step (128 and 441 have no common factor),
// so any other shift or run is a block the page lost or repeated: a join.
// But the page hands the writer chunks of a tenth of a second, which is
// ten device buffers: a shift or run of ten buffers or more is a join too
// (a lost or repeated chunk), and only fewer are the device's.
//
// read(a, k) resolves to frames [a, a+k) as an interleaved stereo
// Float32Array; n is the recording's length in frames and from the first
// frame to check (past the device's start-up). The answer counts the
// device's events, the joins (with the first one's frame and its shift),
// and the frames checked, and describes the first events: where, the
// shift, the run of frames that recur nowhere, and for a stretch that
// recurs nowhere exactly the nearest shift and its largest difference
// (small when the audio is there but altered, as by Chromium resampling
// to follow a capture clock that drifts from the audio context's).
async function periodicity(read, n, L, D, from) {
  const ch = 2, W = 1024, K = 32, step = 1 << 18;
  const equal = (x, xo, y, yo, k) => {
    for (let j = 0; j < k * ch; j++) if (x[xo * ch + j] !== y[yo * ch + j]) return false;
    return true;
  };
  // shiftAt returns the shift of smallest size (at most K device buffers)
  // under which the W frames at q recur, or null.
  const shiftAt = async (q) => {
    if (q + W > n) return null;
    const lo = Math.max(q + W, q + L - K * D), hi = Math.min(n, q + L + K * D + W);
    if (hi - lo < W) return null;
    const x = await read(q, W), y = await read(lo, hi - lo);
    let best = null;
    for (let at = lo; at + W <= hi; at++) {
      const sh = at - (q + L);
      if ((best === null || Math.abs(sh) < Math.abs(best)) && equal(x, 0, y, at - lo, W)) best = sh;
    }
    return best;
  };
  const frameMatches = async (f, sh) => equal(await read(f, 1), 0, await read(f + L + sh, 1), 0, 1);
  // nearest returns the shift under which the W frames at q differ least
  // from a later stretch, and that largest difference.
  const nearest = async (q) => {
    const lo = Math.max(q + W, q + L - K * D), hi = Math.min(n, q + L + K * D + W);
    if (hi - lo < W) return null;
    const x = await read(q, W), y = await read(lo, hi - lo);
    let best = { shift: null, err: Infinity };
    for (let at = lo; at + W <= hi; at++) {
      let e = 0;
      for (let j = 0; j < W * ch && e < best.err; j++) e = Math.max(e, Math.abs(x[j] - y[(at - lo) * ch + j]));
      if (e < best.err) best = { shift: at - (q + L), err: e };
    }
    return best;
  };
  const events = [];
  let a = from, s = 0, device = 0, joins = 0, firstJoin = -1, joinShift = null, checked = 0;
  const join = (q, sh) => {
    joins++;
    if (firstJoin < 0) { firstJoin = q; joinShift = sh; }
  };
  while (joins <= 20) {
    const k = Math.min(step, n - a, n - (a + L + s));
    if (k <= 0) break;
    const x = await read(a, k), y = await read(a + L + s, k);
    let q = -1;
    for (let j = 0; j < k * ch; j++) if (x[j] !== y[j]) { q = a + Math.floor(j / ch); break; }
    if (q < 0) { checked += k; a += k; continue; }
    checked += q - a;
    if (q + L + 2 * K * D + 3 * W > n) break; // too near the end to tell: the tail is not counted
    let sh = await shiftAt(q), run = 0;
    const event = { at: q, shift: sh, run: 0 };
    if (sh === null && events.length < 8) event.nearest = await nearest(q);
    if (sh === null) {
      // Frames that recur nowhere (buffers the device made up, or the
      // source's frames it skipped): find where the source resumes, then
      // its exact first frame.
      for (let r = W / 2; r <= K * D + W && sh === null; r += W / 2) {
        sh = await shiftAt(q + r);
        run = r;
      }
      if (sh === null) { // nothing recurs: lost, not shifted
        if (events.length < 8) events.push(event);
        join(q, null);
        a = q + D + 16;
        continue;
      }
      while (run > 0 && await frameMatches(q + run - 1, sh)) run--;
    }
    event.shift = sh;
    event.run = run;
    if (events.length < 8) events.push(event);
    if (sh % D === 0 && run % D === 0 && Math.abs(sh) < 10 * D && run < 10 * D) {
      if (sh !== 0 || run > 0) device++;
    } else {
      join(q, sh);
    }
    s = sh;
    a = q + run;
  }
  return { device, joins, firstJoin, joinShift, checked, events };
}
