// results.md from the results object bench.mjs collects.

const ms = (x) => (x == null ? '—' : x >= 1000 ? (x / 1000).toFixed(2) + ' s' : x.toFixed(0) + ' ms');
const mib = (x) => (x == null ? '—' : x.toFixed(0) + ' MiB');
const kb = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + ' MB' : (x / 1e3).toFixed(0) + ' kB');
const cpu = (x) => (x == null ? '' : ` · CPU ${x.toFixed(1)} s`);
const r2 = (x) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(2));
const FS = { 'ffmpeg-workerfs': 'WORKERFS', 'ffmpeg-memfs': 'MEMFS' };

function correct(c) {
  if (!c) return '—';
  if (Array.isArray(c)) return c.map(correct).join('; ');
  if (c.error) return 'error: ' + c.error;
  if (c.note && c.frames == null) return c.note;
  if (c.maxDiff != null) return `${c.buckets} buckets, max diff ${c.maxDiff} vs CLI`;
  const len = c.frames === c.refFrames ? 'same length' : `${c.frames - c.refFrames > 0 ? '+' : ''}${c.frames - c.refFrames} frames`;
  const off = c.offsetFrames ? `, offset ${c.offsetFrames > 0 ? '+' : ''}${c.offsetFrames} (${c.offsetMs} ms)` : '';
  return c.exact ? `bit-exact, ${len}` : `${len}${off}, SNR ${c.snrDb} dB`;
}

/** The first and later runs of the 3-min WAV → MP3, when it ran: ' (…)'. */
function firstRun(r) {
  const o = r.jobs.find((j) => j.id === 'wavmp3' && !j.skip)?.browser?.offcut?.runsMs;
  if (!o || o.length < 2) return '';
  const later = o.slice(1);
  return ` (in this run the 3-min WAV → MP3 took ${ms(o[0])} the first time, ${ms(Math.min(...later))}–${ms(Math.max(...later))} later)`;
}

export function writeReport(r) {
  const L = [];
  L.push(`# make bench${r.mode === 'quick' ? '-quick' : ''} results`, '');
  L.push(`${r.date} · ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memGiB} GiB, Debian ${r.machine.os}, Linux ${r.machine.kernel} · ` +
    `load average ${r.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${r.loadAfter.map((x) => x.toFixed(2)).join(' ')} after · ` +
    `${r.runs} interleaved runs a job, medians · ${r.elapsedS} s in all`, '');
  L.push('Versions: ' + Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ') + '.', '');
  L.push('## In Chromium: /offcut.js against ffmpeg.wasm (single-thread core), same files', '');
  L.push('Ratio is Offcut ÷ ffmpeg.wasm at its best (the faster of its WORKERFS mount and a MEMFS copy, named). Time runs from the `File`s to the output `Blob`; memory is the sum of VmHWM over the browser, renderer, GPU and utility processes (reset before each run), with the growth above the idle page in brackets. Each job runs in a browser of its own (a new profile), each run a fresh page, as in a session where the user runs the job again; the medians are of the runs after the first. Each page is a renderer process of its own: what carries over from run to run is the profile\'s HTTP cache and, where the first run makes 1 MB of optimised code, V8\'s code cache of the wasm, written once, at that megabyte. That first run is slower for Offcut, whose wasm V8 optimises on the cores the job runs on' + firstRun(r) + '; ffmpeg.wasm\'s times do not change.', '');
  L.push('| job | Offcut | ffmpeg.wasm | ratio | Offcut memory | ffmpeg.wasm memory | Offcut output | ffmpeg.wasm output |');
  L.push('|---|---|---|---|---|---|---|---|');
  const b = r.engineBytes;
  if (b) L.push(`| engine bytes (br) | ${kb(b.offcut.br)} | ${kb(b.ffmpeg.br)} | ${r2(b.offcut.br / b.ffmpeg.br)} | | | | |`);
  if (r.ready) L.push(`| navigation → ready, warm | ${ms(r.ready.offcut.warmMs)} | ${ms(r.ready.ffmpeg.warmMs)} | ${r2(r.ready.offcut.warmMs / r.ready.ffmpeg.warmMs)} | | | cold: ${ms(r.ready.offcut.coldMs)} | cold: ${ms(r.ready.ffmpeg.coldMs)} |`);
  for (const j of r.jobs) {
    if (j.skip) { L.push(`| ${j.title} | skipped: ${j.skip} | | | | | | |`); continue; }
    const o = j.browser.offcut;
    const p = j.peer ? j.browser[j.peer] : null;
    const other = j.peer && j.browser[j.peer === 'ffmpeg-memfs' ? 'ffmpeg-workerfs' : 'ffmpeg-memfs'];
    const otherName = j.peer === 'ffmpeg-memfs' ? 'WORKERFS' : 'MEMFS';
    let peer = p ? `${ms(p.ms)}${cpu(p.cpuS)} (${FS[j.peer]})` : 'failed';
    if (other) peer += `; ${otherName} ${other.ms != null ? ms(other.ms) + (r.runs > 1 && other.runsMs?.length === 1 ? ' (one run)' : '') : other.error ? 'cannot: ' + other.error : '—'}`;
    if (!p && j.browser['ffmpeg-workerfs']?.error) peer += ': ' + j.browser['ffmpeg-workerfs'].error;
    L.push(`| ${j.title} | ${o.ms != null ? ms(o.ms) + cpu(o.cpuS) : 'failed: ' + o.error} | ${peer} | ${r2(j.ratio)} | ${mib(o.peakMiB)} (+${mib(o.aboveIdleMiB)}) | ${p ? `${mib(p.peakMiB)} (+${mib(p.aboveIdleMiB)})` : '—'} | ${correct(o.correct)} | ${p ? correct(p.correct) : '—'} |`);
    const one = j.browser['offcut-one'];
    if (one) L.push(`| ${j.title}, ${j.oneTitle || 'one worker in one piece'} | ${one.ms != null ? ms(one.ms) + cpu(one.cpuS) : 'failed: ' + one.error} | ${peer} | ${r2(j.ratioOne)} | ${mib(one.peakMiB)} (+${mib(one.aboveIdleMiB)}) | | ${correct(one.correct)} | |`);
  }
  L.push('');
  L.push('## Natively: the offcut CLI beside the reference tools, same files, same run', '');
  L.push('CPU is user + system time; ratios are Offcut ÷ tool (wall, CPU). `ffmpeg` runs with `-threads 1` where it decodes or encodes. Outputs are checked against the same references as in the browser.', '');
  L.push('| job | offcut wall / CPU / RSS | tool | tool wall / CPU / RSS | ratio wall / CPU | offcut output | tool output |');
  L.push('|---|---|---|---|---|---|---|');
  for (const j of r.jobs) {
    if (j.skip || !j.native) continue;
    const o = j.native.offcut;
    for (const [t, x] of Object.entries(j.native)) {
      if (t === 'offcut') continue;
      const ratio = j.nativeRatios?.[t];
      L.push(`| ${j.title} | ${o.error ? 'failed: ' + o.error : `${ms(o.wallMs)} / ${ms(o.cpuMs)} / ${mib(o.maxRssMiB)}`} | ${t} | ${x.error ? 'failed: ' + x.error : `${ms(x.wallMs)} / ${ms(x.cpuMs)} / ${mib(x.maxRssMiB)}`} | ${ratio ? `${r2(ratio.wall)} / ${r2(ratio.cpu)}` : '—'} | ${correct(o.correct)} | ${correct(x.correct)} |`);
    }
  }
  L.push('');
  const notes = r.jobs.filter((j) => j.nativeNote).map((j) => `- ${j.title}: ${j.nativeNote}.`);
  L.push('## Notes', '');
  L.push(`- Third-party requests during the run: ${r.thirdPartyRequests.length ? r.thirdPartyRequests.join(', ') : 'none'} (both engines are served by bin/offcut-server from one origin, ${r.url}).`);
  if (b) L.push(`- Engine bytes are the brotli sizes (quality 11, as the build precompresses Offcut) of ${b.offcut.files.join(', ')} for Offcut (${kb(b.offcut.raw)} uncompressed) and of ffmpeg.wasm's ${b.ffmpeg.files.length} files (${kb(b.ffmpeg.raw)} uncompressed). Over plain http Chromium asks for gzip only, so the bench's own loads are gzip.`);
  L.push('- Navigation → ready: a fresh browser context loads the page once (cold), then navigates again (warm: the HTTP cache filled; a page that only loads makes too little optimised code for a wasm code cache) until `Offcut.load()` / `ffmpeg.load()` resolves; performance.now() at that moment.');
  L.push('- Memory is a sum of per-process peaks, so an upper bound of the peak of the sum.');
  L.push("- CPU is the user and system time of Chromium's processes during the job (a page's workers are threads of its renderer; so are V8's compiler threads): what the job cost the machine, beside how long the user waited.");
  const tf = r.jobs.filter((j) => j.browser?.offcut?.runsTurbofan);
  if (tf.length) {
    L.push("- V8's TurboFan compilations per run (`--tierup`: functions, compile time), page load and job, first run first: " +
      tf.map((j) => `${j.title}: ` + Object.entries(j.browser).filter(([, b]) => b.runsTurbofan).map(([v, b]) => `${v} ${b.runsTurbofan.map((t) => (t ? `${t.functions}/${(t.ms / 1000).toFixed(1)} s` : '—')).join(', ')}`).join('; ')).join('. ') + '.');
  }
  L.push(...notes, '');
  return L.join('\n');
}
