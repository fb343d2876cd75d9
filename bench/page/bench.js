// The bench page: ?engine=offcut loads /offcut.js, ?engine=ffmpeg loads
// ffmpeg.wasm from the same origin. The harness (bench.mjs) puts the
// inputs on #files and calls window.bench.run(job); each run gets a fresh
// page. Times are performance.now() around the job, from the Files to the
// output Blob(s).

const engineName = new URLSearchParams(location.search).get('engine');
const files = () => Array.from(document.getElementById('files').files);
let engine = null;

async function loadOffcut() {
  const { Offcut } = await import('/offcut.js');
  return Offcut.load();
}

async function loadFFmpeg() {
  const { FFmpeg } = await import('/bench/ffmpeg/ffmpeg/index.js');
  const ff = new FFmpeg();
  await ff.load({
    coreURL: new URL('/bench/ffmpeg/core/ffmpeg-core.js', location.href).href,
    wasmURL: new URL('/bench/ffmpeg/core/ffmpeg-core.wasm', location.href).href,
  });
  return ff;
}

/** min/max over all channels of s16 interleaved samples, in `buckets` slices. */
function peaksOf(bytes, channels, buckets) {
  const s = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  const frames = Math.floor(s.length / channels);
  const min = new Float32Array(buckets).fill(Infinity);
  const max = new Float32Array(buckets).fill(-Infinity);
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor((b * frames) / buckets) * channels;
    const z = Math.floor(((b + 1) * frames) / buckets) * channels;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < z; i++) {
      const v = s[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[b] = lo / 32768;
    max[b] = hi / 32768;
  }
  return { min, max };
}

async function runOffcut(job, list) {
  const out = [];
  if (job.peaks) {
    const p = await engine.peaks(list[0], { buckets: job.peaks.buckets });
    return { peaks: { min: Array.from(p.min), max: Array.from(p.max) } };
  }
  // Several renders (the batch) run as the Convert tab runs them: side by
  // side on the page's engine and more started for them (Offcut.each),
  // each file on one worker. options.workers 0 (the offcut-one variant)
  // runs them one after another on the page's engine, each in one piece.
  const opts = job.options || {};
  const each = job.renders.length > 1 && opts.workers !== 0 ? { ...opts, workers: 1 } : opts;
  await engine.each(job.renders, async (oc, r, i) => {
    out[i] = await oc.render(r.project, r.inputs.map((k) => list[k]), each);
  }, { workers: opts.workers === 0 ? 1 : undefined });
  return { blobs: out };
}

async function runFFmpeg(job, list) {
  const ff = engine;
  let names;
  if (job.fs === 'workerfs') {
    await ff.createDir('/in');
    await ff.mount('WORKERFS', { files: list }, '/in');
    names = list.map((f) => '/in/' + f.name);
  } else {
    names = [];
    for (const f of list) {
      await ff.writeFile(f.name, new Uint8Array(await f.arrayBuffer()));
      names.push(f.name);
    }
  }
  const out = [];
  let log = [];
  ff.on('log', ({ message }) => { if (log.length < 200) log.push(message); });
  for (const c of job.cmds) {
    if (c.write) await ff.writeFile(c.write.name, new TextEncoder().encode(c.write.text.replace(/\{(\d+)\}/g, (_, i) => names[i])));
    log = [];
    const args = c.args.map((a) => a.replace(/\{(\d+)\}/g, (_, i) => names[i]));
    const rc = await ff.exec(args);
    if (rc !== 0) throw new Error(`ffmpeg ${args.join(' ')} exited ${rc}: ${log.slice(-5).join(' | ')}`);
    const data = await ff.readFile(c.out);
    await ff.deleteFile(c.out);
    if (job.peaks) return { peaks: peaksOf(data, job.peaks.channels, job.peaks.buckets) };
    out.push(new Blob([data], { type: c.mime || 'application/octet-stream' }));
  }
  return { blobs: out };
}

window.bench = {
  engine: engineName,
  ready: (async () => {
    engine = engineName === 'offcut' ? await loadOffcut() : await loadFFmpeg();
    window.bench.readyAt = performance.now();
    if (engineName === 'offcut') window.bench.formats = await engine.formats();
    document.documentElement.dataset.ready = '1';
  })(),
  /** Runs one job; keeps its outputs on window.bench.last for save(). */
  async run(job) {
    const list = files();
    const t0 = performance.now();
    const r = engineName === 'offcut' ? await runOffcut(job, list) : await runFFmpeg(job, list);
    const ms = performance.now() - t0;
    window.bench.last = r.blobs || [];
    const res = { ms, sizes: (r.blobs || []).map((b) => b.size) };
    if (r.peaks) res.peaks = { min: Array.from(r.peaks.min), max: Array.from(r.peaks.max) };
    return res;
  },
  /** Downloads output i of the last job (the harness saves it). */
  save(i, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(window.bench.last[i]);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  },
};
