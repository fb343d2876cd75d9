// make bench: Offcut against ffmpeg.wasm in one headless Chromium, and the
// offcut CLI against ffmpeg/sox/flac/lame/opusenc natively, on the same
// files in the same run. Writes bench/results.md and bench/results.json.
//
//   node bench/bench.mjs [--quick] [--runs N] [--only id,id] [--tierup]
//
// --tierup runs Chromium with V8's --trace-wasm-compilation-times and
// counts, for each run, the functions V8 compiled with TurboFan (its
// optimising tier) and the milliseconds it took: what a page optimises
// again because the profile's code cache does not hold it.
//
// Needs: make build (bin/offcut, bin/offcut-server, build/dist), the npm
// packages of bench/package.json in bench/node_modules (make bench-deps),
// Debian's chromium at /usr/bin/chromium (never a downloaded browser) and
// the reference tools. Everything it makes goes into bench/cache.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { makeMaterial } from './material.mjs';
import { makeJobs } from './jobs.mjs';
import { analyze, comparePeaks } from './compare.mjs';
import { writeReport } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const cache = path.join(here, 'cache');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = !quick;
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : null;
const CHROMIUM = process.env.OFFCUT_CHROMIUM || '/usr/bin/chromium';
const started = Date.now();
const JOB_TIMEOUT_S = 180;
const tierup = args.includes('--tierup');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const out = (cmd, a) => execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const firstLine = (s) => s.split('\n')[0];

// ---------------------------------------------------------------- set-up

function need() {
  const missing = ['sox', 'ffmpeg', 'flac', 'lame', 'opusenc', 'opusdec'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  for (const f of ['bin/offcut', 'bin/offcut-server', 'build/dist/index.html']) if (!fs.existsSync(path.join(root, f))) missing.push(f + ' (make build)');
  if (!fs.existsSync(CHROMIUM)) missing.push(CHROMIUM);
  if (missing.length) throw new Error('missing: ' + missing.join(', '));
}

function versions() {
  const v = (f) => { try { return f(); } catch (e) { return 'unknown: ' + String(e.message).split('\n')[0]; } };
  const pkg = (n) => JSON.parse(fs.readFileSync(path.join(here, 'node_modules', n, 'package.json'))).version;
  return {
    offcut: v(() => out('git', ['-C', root, 'describe', '--always', '--dirty'])),
    go: v(() => out('go', ['env', 'GOVERSION'])),
    node: process.version,
    chromium: v(() => firstLine(out(CHROMIUM.replace(/chromium$/, 'chromium'), ['--version'])).replace(/^.*?(Chromium [\d.]+).*$/, '$1')),
    ffmpeg: v(() => firstLine(out('ffmpeg', ['-version'])).split(' ').slice(0, 3).join(' ')),
    sox: v(() => out('sox', ['--version']).replace(/^.*SoX /, 'SoX ')),
    flac: v(() => out('flac', ['--version'])),
    lame: v(() => firstLine(out('lame', ['--version'])).replace(/^LAME (\S+ )?version /, 'LAME ').split(' (')[0]),
    opusenc: v(() => firstLine(out('opusenc', ['--version']))),
    '@ffmpeg/ffmpeg': v(() => pkg('@ffmpeg/ffmpeg')),
    '@ffmpeg/core': v(() => pkg('@ffmpeg/core')),
    '@ffmpeg/util': v(() => pkg('@ffmpeg/util')),
    'playwright-core': v(() => pkg('playwright-core')),
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model, cores: cpus.length, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(), os: (() => { try { return fs.readFileSync('/etc/debian_version', 'utf8').trim(); } catch { return os.type(); } })(),
  };
}

/**
 * src compressed (.br or .gz), cached in zdir under the hash of its
 * content (brotli at quality 11 takes minutes for ffmpeg's 32 MB wasm).
 */
function compressed(src, zdir, how) {
  const data = fs.readFileSync(src);
  const dst = path.join(zdir, crypto.createHash('sha256').update(data).digest('hex').slice(0, 32) + '.' + how);
  if (fs.existsSync(dst)) return dst;
  const z = how === 'br'
    ? zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
    : zlib.gzipSync(data, { level: 9 });
  fs.writeFileSync(dst + '.tmp', z);
  fs.renameSync(dst + '.tmp', dst);
  return dst;
}

/**
 * The site: a copy of build/dist with the bench page and ffmpeg.wasm's
 * files (precompressed as the build does Offcut's) under /bench/, served by
 * the real server, so both engines come from the same origin.
 */
function makeSite() {
  const site = path.join(cache, 'site');
  fs.rmSync(site, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'build/dist'), site, { recursive: true });
  const b = path.join(site, 'bench');
  fs.mkdirSync(path.join(b, 'ffmpeg'), { recursive: true });
  for (const f of ['index.html', 'bench.js']) fs.copyFileSync(path.join(here, 'page', f), path.join(b, f));
  const nm = path.join(here, 'node_modules/@ffmpeg');
  fs.cpSync(path.join(nm, 'ffmpeg/dist/esm'), path.join(b, 'ffmpeg/ffmpeg'), { recursive: true, preserveTimestamps: true });
  fs.cpSync(path.join(nm, 'core/dist/esm'), path.join(b, 'ffmpeg/core'), { recursive: true, preserveTimestamps: true });
  fs.cpSync(path.join(nm, 'util/dist/esm'), path.join(b, 'ffmpeg/util'), { recursive: true, preserveTimestamps: true });
  // ffmpeg-core.wasm is served as Offcut's wasm is, under a content-hashed
  // name (immutable in the HTTP cache), so V8 caches its compiled code in
  // the profile as it does Offcut's.
  const core = path.join(b, 'ffmpeg/core/ffmpeg-core.wasm');
  const hashed = `ffmpeg-core.${crypto.createHash('sha256').update(fs.readFileSync(core)).digest('hex').slice(0, 10)}.wasm`;
  fs.copyFileSync(core, path.join(b, 'ffmpeg/core', hashed));
  const page = path.join(b, 'bench.js');
  fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace("'/bench/ffmpeg/core/ffmpeg-core.wasm'", `'/bench/ffmpeg/core/${hashed}'`));
  const zdir = path.join(cache, 'compressed');
  fs.mkdirSync(zdir, { recursive: true });
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  for (const f of walk(path.join(b, 'ffmpeg'))) {
    if (!/\.(js|wasm)$/.test(f)) continue;
    for (const how of ['br', 'gz']) {
      fs.copyFileSync(compressed(f, zdir, how), f + '.' + how);
    }
  }
  return site;
}

/** br sizes of what each engine loads (what an HTTPS visit transfers). */
function engineBytes(site) {
  const size = (f) => fs.existsSync(f + '.br') ? fs.statSync(f + '.br').size : fs.statSync(f).size;
  const raw = (f) => fs.statSync(f).size;
  const dist = fs.readdirSync(site);
  const offcut = ['offcut.js', ...dist.filter((n) => /^(worker|wasm_exec)[.\w]*\.js$|^offcut[.\w]*\.wasm$/.test(n))].map((n) => path.join(site, n)).filter(fs.existsSync);
  const ffdir = path.join(site, 'bench/ffmpeg');
  const ffmpeg = ['ffmpeg/index.js', 'ffmpeg/classes.js', 'ffmpeg/const.js', 'ffmpeg/utils.js', 'ffmpeg/errors.js', 'ffmpeg/worker.js', 'core/ffmpeg-core.js', 'core/ffmpeg-core.wasm'].map((n) => path.join(ffdir, n));
  const sum = (l, f) => l.reduce((a, p) => a + f(p), 0);
  return {
    offcut: { br: sum(offcut, size), raw: sum(offcut, raw), files: offcut.map((p) => path.relative(site, p)) },
    ffmpeg: { br: sum(ffmpeg, size), raw: sum(ffmpeg, raw), files: ffmpeg.map((p) => path.relative(site, p)) },
  };
}

async function startServer(site) {
  const srv = spawn(path.join(root, 'bin/offcut-server'), ['-addr', '127.0.0.1:0', '-dist', site, '-cloud=false', '-data', path.join(cache, 'server-data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errText = '';
  srv.stderr.on('data', (d) => { if (errText.length < 10000) errText += d; });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('the server printed no URL within 30 s: ' + errText)), 30000);
    srv.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/[^\s/]+/);
      if (m) { clearTimeout(t); resolve(m[0]); }
    });
    srv.on('exit', (c) => reject(new Error(`the server exited (${c}): ${errText}`)));
  });
  return { srv, url };
}

// ---------------------------------------------------------------- memory

let serverPid = 0;

/**
 * Chromium's processes: every process below this one but the server (the
 * browser is launched by playwright as a child of this process).
 */
function browserProcesses() {
  return processTree(process.pid).filter((p) => p !== process.pid && p !== serverPid);
}

/** rootPid and every process below it. */
function processTree(rootPid) {
  const kids = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const all = [];
  const stack = [rootPid];
  while (stack.length) {
    const p = stack.pop();
    all.push(p);
    stack.push(...(kids.get(p) || []));
  }
  return all;
}

function status(pid, field) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

/** Resets every process's VmHWM to its VmRSS (clear_refs 5) and returns the RSS sum. */
function resetPeaks() {
  let rss = 0;
  for (const p of browserProcesses()) {
    try { fs.writeFileSync(`/proc/${p}/clear_refs`, '5'); } catch { /* not ours or gone */ }
    rss += status(p, 'VmRSS');
  }
  return rss;
}

/**
 * The CPU seconds (user and system) Chromium's processes have used so
 * far: a page's workers are threads of its renderer, and V8 compiles on
 * threads of the same process.
 */
function cpuSeconds() {
  let ticks = 0;
  for (const p of browserProcesses()) {
    try {
      const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const st = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(st[11]) + Number(st[12]);
    } catch { /* gone */ }
  }
  return ticks / CLK_TCK;
}

// With --tierup, Chromium runs through a script that appends its output
// (V8's compile trace: a line for each function compiled, with its tier
// and how long it took) to this file; a run counts the lines it added.
const tierupLog = path.join(cache, 'tierup.log');

/** Chromium's executable: with --tierup, the script that keeps its output. */
function chromiumExecutable() {
  if (!tierup) return CHROMIUM;
  const sh = path.join(cache, 'chromium-tierup.sh');
  fs.writeFileSync(sh, `#!/bin/sh\nexec ${JSON.stringify(CHROMIUM)} "$@" >> ${JSON.stringify(tierupLog)}\n`, { mode: 0o755 });
  fs.writeFileSync(tierupLog, '');
  return sh;
}

/** The TurboFan compilations in the trace after byte offset from. */
function turbofanSince(from) {
  const text = fs.readFileSync(tierupLog).subarray(from).toString('utf8');
  let functions = 0, us = 0;
  for (const m of text.matchAll(/Compiled function \S+ using TurboFan, took (\d+) μs/g)) { functions++; us += Number(m[1]); }
  return { functions, ms: us / 1000 };
}

/** The size of the profile's wasm code cache entries (bytes). */
function wasmCodeCache(profile) {
  const dir = path.join(profile, 'Default', 'Code Cache', 'wasm');
  let n = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isFile() && /_0$/.test(e.name)) n += fs.statSync(path.join(dir, e.name)).size;
  } catch { /* none yet */ }
  return n;
}

/** The sum of every process's VmHWM (an upper bound of the tree's peak). */
function peakSum() {
  return browserProcesses().reduce((a, p) => a + status(p, 'VmHWM'), 0);
}

// ---------------------------------------------------------------- browser

/** Records every request of ctx that leaves the site (none are expected). */
function watchRequests(ctx, url, thirdParty) {
  ctx.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(url) && !u.startsWith('blob:') && !u.startsWith('data:')) thirdParty.push(u);
  });
}

/**
 * A new page of the engine's bench page. browser is a Browser (the page
 * gets a context of its own, closed with it: nothing cached) or the
 * profile's BrowserContext (the page shares its caches).
 */
async function openPage(browser, url, engine, thirdParty) {
  let ctx = null;
  if (browser.newContext) {
    ctx = await browser.newContext({ acceptDownloads: true });
    watchRequests(ctx, url, thirdParty);
  }
  const page = await (ctx || browser).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && errors.length < 5) errors.push(m.text()); });
  // A crashed renderer never answers an evaluate: fail the run instead.
  page.crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('the page crashed (renderer gone; out of memory?)'))));
  page.crashed.catch(() => {});
  await page.goto(`${url}/bench/index.html?engine=${engine}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1' || window.bench?.failed, null, { timeout: 120000 })
    .catch((e) => { throw new Error(`${engine} page not ready: ${e.message} ${errors.join('; ')}`); });
  return { ctx: ctx || page, page, errors };
}

/** One navigation→ready measurement: a cold load, then the warm one timed. */
async function measureReady(browser, url, engine, thirdParty) {
  const { ctx, page } = await openPage(browser, url, engine, thirdParty);
  const cold = await page.evaluate(() => window.bench.readyAt);
  const formats = engine === 'offcut' ? await page.evaluate(() => window.bench.formats) : null;
  await page.goto(`${url}/bench/index.html?engine=${engine}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', null, { timeout: 120000 });
  const warm = await page.evaluate(() => window.bench.readyAt);
  await ctx.close();
  return { cold, warm, formats };
}

async function browserRun(browser, url, job, variant, save, thirdParty) {
  const engine = variant.startsWith('offcut') ? 'offcut' : 'ffmpeg';
  const tf0 = tierup ? fs.statSync(tierupLog).size : 0;
  const { ctx, page, errors } = await openPage(browser, url, engine, thirdParty);
  try {
    await page.setInputFiles('#files', job.inputs);
    // offcut-one: the same render in one piece on one worker (render's
    // workers: 0), beside the default (segments on every core's worker).
    const spec = variant === 'offcut' ? job.offcut : variant === 'offcut-one' ? { ...job.offcut, options: { workers: 0 } } : { ...job.ffmpeg, fs: variant === 'ffmpeg-workerfs' ? 'workerfs' : 'memfs' };
    const idle = resetPeaks();
    const cpu0 = cpuSeconds();
    let res;
    try {
      let timer;
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${JOB_TIMEOUT_S} s`)), JOB_TIMEOUT_S * 1000); });
      try {
        res = await Promise.race([page.evaluate((s) => window.bench.run(s), spec), page.crashed, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      return { error: String(e.message).split('\n')[0].slice(0, 300) + (errors.length ? ' ' + errors.join('; ').slice(0, 200) : '') };
    }
    const peak = peakSum();
    res.cpuS = cpuSeconds() - cpu0;
    if (tierup) res.turbofan = turbofanSince(tf0);
    res.peakMiB = peak / 2 ** 20;
    res.aboveIdleMiB = (peak - idle) / 2 ** 20;
    if (save) {
      res.files = [];
      const idx = job.saved || (res.sizes.length ? [0] : []);
      for (const i of idx) {
        const name = `${job.id}-${variant}-${i}.${job.ext}`;
        const file = path.join(cache, 'out', name);
        const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120000 }), page.evaluate(([i, n]) => window.bench.save(i, n), [i, name])]);
        await dl.saveAs(file);
        res.files[i] = file;
      }
    }
    return res;
  } finally {
    await ctx.close();
  }
}

// ---------------------------------------------------------------- native

function nativeRun(argv, outPath) {
  const outdir = outPath.replace(/\.[^.]+$/, '') + '-dir';
  fs.rmSync(outPath, { force: true });
  fs.rmSync(outdir, { recursive: true, force: true });
  if (argv.some((x) => x.includes('{outdir}'))) fs.mkdirSync(outdir, { recursive: true });
  const a = argv.map((x) => x.replace('{out}', outPath).replace('{outdir}', outdir));
  const r = spawnSync(path.join(cache, 'runstat'), a, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stderr.trim().split('\n').pop();
  let res;
  try { res = JSON.parse(line); } catch { res = { error: r.stderr.slice(0, 300) }; }
  if (res.exit !== 0 && !res.error) res.error = 'exit ' + res.exit;
  if (res.error) res.error = String(res.output || res.error).trim().split('\n').slice(-2).join(' ').slice(0, 300);
  res.outdir = outdir;
  return res;
}

// ---------------------------------------------------------------- main

async function main() {
  need();
  fs.mkdirSync(path.join(cache, 'out'), { recursive: true });
  fs.mkdirSync(path.join(cache, 'native'), { recursive: true });
  fs.mkdirSync(path.join(cache, 'ref'), { recursive: true });
  log(`make bench${quick ? '-quick' : ''}: ${RUNS} interleaved runs a job`);
  execFileSync('go', ['build', '-o', path.join(cache, 'runstat'), './bench/runstat'], { cwd: root, stdio: 'inherit' });
  log('material…');
  const m = makeMaterial(path.join(cache, 'material'), { full });
  const info = {};
  for (const p of Object.values(m).flat()) info[p] = JSON.parse(out(path.join(root, 'bin/offcut'), ['info', '--json', p]));
  log('site…');
  const site = makeSite();
  const bytes = engineBytes(site);
  const { srv, url } = await startServer(site);
  serverPid = srv.pid;
  const thirdParty = [];
  const launch = {
    executablePath: chromiumExecutable(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
      ...(tierup ? ['--js-flags=--trace-wasm-compilation-times'] : [])],
  };
  // Navigation → ready runs in contexts of their own (a first visit, then
  // a reload). Each job runs in a browser of its own (a new profile), a
  // fresh page each run, its runs interleaved: as a session in which the
  // user runs that job again; the median is of the runs after the first.
  // Each page is a renderer process of its own (the renderers' PIDs
  // change from page to page), so nothing V8 compiled or optimised in
  // one run is in the next, but for what the profile keeps: the HTTP
  // cache and, for a job whose first run makes 1 MB of optimised code,
  // V8's code cache of the wasm, written once, at that megabyte (V8's
  // other trigger, two seconds without new optimised code, never fired
  // in Chromium 156; a page whose module came from the cache writes
  // none; --tierup counts what each page optimises again). So the first
  // run of such a job is slower for Offcut (3-min WAV -> MP3 on two
  // workers: 4.8-6.1 s, against 3.8-4.2 s in the later pages and 3.0-3.5
  // s as a second job in the same page), while ffmpeg.wasm's times were
  // the same either way (MEMFS 3.11-3.35 s). One browser for every job
  // made the later jobs slower (WAV -> MP3 in one piece 8.0-8.5 s after
  // ten other jobs, 5.5-5.7 s alone).
  let browser = await chromium.launch(launch);
  const results = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', runs: RUNS, machine: machine(), versions: versions(), url, jobs: [] };
  results.loadBefore = os.loadavg();
  try {
    // Navigation → ready, and what the engine's page can do.
    log('navigation → ready…');
    const ready = { offcut: [], ffmpeg: [] };
    let formats = null;
    for (let r = 0; r < RUNS; r++) {
      for (const e of r % 2 ? ['ffmpeg', 'offcut'] : ['offcut', 'ffmpeg']) {
        const x = await measureReady(browser, url, e, thirdParty);
        ready[e].push(x);
        if (x.formats) formats = x.formats;
      }
    }
    await browser.close();
    browser = null;
    const profile = path.join(cache, 'profile');
    // A browser of its own for each job, on a new profile.
    const session = async () => {
      await browser?.close();
      fs.rmSync(profile, { recursive: true, force: true });
      browser = await chromium.launchPersistentContext(profile, { ...launch, acceptDownloads: true });
      watchRequests(browser, url, thirdParty);
    };
    results.engineBytes = bytes;
    results.ready = {
      offcut: { warmMs: median(ready.offcut.map((x) => x.warm)), coldMs: median(ready.offcut.map((x) => x.cold)), warmRuns: ready.offcut.map((x) => x.warm) },
      ffmpeg: { warmMs: median(ready.ffmpeg.map((x) => x.warm)), coldMs: median(ready.ffmpeg.map((x) => x.cold)), warmRuns: ready.ffmpeg.map((x) => x.warm) },
    };
    log(`ready warm: offcut ${results.ready.offcut.warmMs?.toFixed(0)} ms, ffmpeg.wasm ${results.ready.ffmpeg.warmMs?.toFixed(0)} ms`);
    const fmt = (n) => (formats || []).find((f) => f.name === n);
    const mp3q = fmt('mp3')?.options?.find((o) => o.values?.includes('128'));
    const opus = fmt('opus');
    let opusWriter = null;
    if (opus?.writes) {
      const o = (opus.options || []).find((o) => o.values?.some((v) => v === '96' || v === '96k'));
      opusWriter = o ? { [o.name]: o.values.find((v) => v === '96' || v === '96k') } : {};
    }
    const jobs = makeJobs(m, info, { full, opusWriter, mp3Options: mp3q ? { [mp3q.name]: '128' } : { quality: '128' }, dir: cache })
      .filter((j) => (full || j.quick) && (!only || only.has(j.id)));

    // References, made natively with the tools.
    for (const j of jobs) if (j.ref && !j.skip) j.refFile = j.saved ? j.saved.map((i) => j.ref(path.join(cache, 'ref'), i)) : [j.ref(path.join(cache, 'ref'))];

    for (const j of jobs) {
      const jr = { id: j.id, title: j.title, oneTitle: j.oneTitle, inputs: j.inputs.length === 1 ? path.basename(j.inputs[0]) : `${j.inputs.length} files`, check: j.check };
      results.jobs.push(jr);
      if (j.skip) { jr.skip = j.skip; log(`${j.id}: skipped: ${j.skip}`); continue; }
      log(`${j.id}: ${j.title}…`);
      // Browser: Offcut, ffmpeg.wasm with WORKERFS, ffmpeg.wasm with MEMFS.
      await session();
      const variants = ['offcut', ...(j.offcutOne ? ['offcut-one'] : []), 'ffmpeg-workerfs', ...(j.memfs === false ? [] : ['ffmpeg-memfs'])];
      const br = Object.fromEntries(variants.map((v) => [v, []]));
      let running = variants;
      for (let r = 0; r < RUNS; r++) {
        if (r === 1) {
          // ffmpeg.wasm's slower mount, when its first run took 1.5 times
          // the other's or more, runs once only: it cannot be the peer at
          // its best, and its runs were a quarter of a full bench's time
          // (peaks and join); its one run is reported.
          const w = br['ffmpeg-workerfs'][0], m = br['ffmpeg-memfs']?.[0];
          if (w?.ms != null && m?.ms != null && Math.max(w.ms, m.ms) >= 1.5 * Math.min(w.ms, m.ms)) {
            const slow = w.ms > m.ms ? 'ffmpeg-workerfs' : 'ffmpeg-memfs';
            running = running.filter((v) => v !== slow);
            log(`  ${slow}: run once (${(Math.max(w.ms, m.ms) / Math.min(w.ms, m.ms)).toFixed(1)} times the other mount's first run)`);
          }
        }
        const order = running.map((_, i) => running[(i + r) % running.length]);
        for (const v of order) {
          const x = await browserRun(browser, url, j, v, r === RUNS - 1, thirdParty);
          const tf = x.turbofan ? `, TurboFan ${x.turbofan.functions} functions in ${x.turbofan.ms.toFixed(0)} ms` : '';
          const cc = tierup && v.startsWith('offcut') ? `, wasm code cache ${(wasmCodeCache(profile) / 2 ** 20).toFixed(2)} MB` : '';
          log(`  ${v}: ${x.error ? 'failed: ' + x.error : x.ms.toFixed(0) + ' ms, ' + x.cpuS.toFixed(2) + ' s CPU, +' + x.aboveIdleMiB.toFixed(0) + ' MiB' + tf + cc}`);
          br[v].push(x);
        }
      }
      jr.browser = {};
      for (const v of variants) {
        const runs = br[v];
        // The medians are of the runs after the first (the session's
        // later pages; see above), but for a variant that ran once.
        const ok = (runs.length > 1 ? runs.slice(1) : runs).filter((x) => !x.error);
        const last = runs[runs.length - 1];
        jr.browser[v] = {
          ms: median(ok.map((x) => x.ms)), runsMs: runs.map((x) => x.ms ?? null),
          cpuS: median(ok.map((x) => x.cpuS)), runsCpuS: runs.map((x) => x.cpuS ?? null),
          ...(tierup ? { runsTurbofan: runs.map((x) => x.turbofan ?? null) } : {}),
          peakMiB: median(ok.map((x) => x.peakMiB)), aboveIdleMiB: median(ok.map((x) => x.aboveIdleMiB)),
          error: runs.find((x) => x.error)?.error, outSize: last.sizes?.[0],
        };
        jr.browser[v].peaksRaw = last.peaks;
        if (last.files) jr.browser[v].correct = analyzeAll(j, last.files);
      }
      if (j.memfs === false) jr.browser['ffmpeg-memfs'] = { error: j.memfsNote };
      // Native: the CLI and the reference tools, interleaved.
      const tools = ['offcut', ...Object.keys(j.native.peers)];
      const nr = Object.fromEntries(tools.map((t) => [t, []]));
      const outFile = (t) => path.join(cache, 'native', `${j.id}-${t}.${j.ext || 'json'}`);
      for (let r = 0; r < RUNS; r++) {
        for (const t of tools.map((_, i) => tools[(i + r) % tools.length])) {
          const argv = t === 'offcut' ? [path.join(root, 'bin/offcut'), ...j.native.offcut] : j.native.peers[t];
          const x = nativeRun(argv, outFile(t));
          if (t === 'offcut' && j.check === 'peaks' && !x.error && !j.nativePeaks) {
            // the CLI prints its peaks: keep the last run's for the browser check
            const p = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
            j.nativePeaks = JSON.parse(p.stdout).peaks;
          }
          nr[t].push(x);
        }
      }
      jr.native = {};
      for (const t of tools) {
        const ok = nr[t].filter((x) => !x.error);
        jr.native[t] = {
          wallMs: median(ok.map((x) => x.wallMs)), cpuMs: median(ok.map((x) => x.cpuMs)),
          maxRssMiB: median(ok.map((x) => x.maxRssKiB / 1024)), error: nr[t].find((x) => x.error)?.error,
        };
        if (!ok.length) continue;
        if (j.check === 'peaks') {
          if (t === 'offcut') jr.native[t].correct = { note: 'the reference for the browser peaks' };
        } else if (j.native.offcut.some((x) => x.includes('{outdir}'))) {
          const dir = nr[t][0].outdir;
          const files = (j.saved || [0]).map((i) => {
            const base = path.basename(j.inputs[i]).replace(/\.wav$/, '.' + j.ext);
            return path.join(dir, base);
          });
          jr.native[t].correct = analyzeAll(j, Object.fromEntries(files.map((f, k) => [(j.saved || [0])[k], f])));
        } else {
          jr.native[t].correct = analyzeAll(j, { 0: outFile(t) });
        }
      }
      // the browser peaks could only be checked once the CLI ran
      if (j.check === 'peaks') for (const v of variants) if (jr.browser[v].peaksRaw) jr.browser[v].correct = comparePeaks(jr.browser[v].peaksRaw, j.nativePeaks);
      for (const v of variants) delete jr.browser[v].peaksRaw;
      if (j.nativeNote) jr.nativeNote = j.nativeNote;
      summarize(jr);
      log(`${j.id}: ${line(jr)}`);
    }
  } finally {
    await browser?.close().catch(() => {});
    srv.kill('SIGTERM');
  }
  results.loadAfter = os.loadavg();
  results.thirdPartyRequests = [...new Set(thirdParty)];
  results.elapsedS = Math.round((Date.now() - started) / 1000);
  // A partial run (--only, --runs) does not replace the committed results.
  const dest = only || runsArg >= 0 ? cache : here;
  fs.writeFileSync(path.join(dest, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(dest, 'results.md'), writeReport(results));
  log(`wrote ${path.relative(root, dest)}/results.md and results.json (${results.elapsedS} s)`);
}

/** Checks a job's saved outputs ({index: path}) against its references. */
function analyzeAll(j, files) {
  const idx = j.saved || [0];
  const res = [];
  for (let k = 0; k < idx.length; k++) {
    const f = files[idx[k]];
    if (!f || !fs.existsSync(f)) { res.push({ error: 'no output' }); continue; }
    try {
      res.push(analyze(f, j.refFile[k], { exact: j.check === 'exact' }));
    } catch (e) {
      res.push({ error: String(e.message).split('\n')[0].slice(0, 200) });
    }
  }
  return res.length === 1 ? res[0] : res;
}

/** The peer at its best and the ratios. */
function summarize(jr) {
  const b = jr.browser;
  const cands = ['ffmpeg-workerfs', 'ffmpeg-memfs'].filter((v) => b[v] && b[v].ms != null);
  cands.sort((x, y) => b[x].ms - b[y].ms);
  jr.peer = cands[0] || null;
  if (jr.peer && b.offcut?.ms != null) jr.ratio = b.offcut.ms / b[jr.peer].ms;
  if (jr.peer && b['offcut-one']?.ms != null) jr.ratioOne = b['offcut-one'].ms / b[jr.peer].ms;
  const n = jr.native;
  const peers = Object.keys(n).filter((t) => t !== 'offcut' && n[t].cpuMs != null);
  jr.nativeRatios = Object.fromEntries(peers.map((t) => [t, n.offcut?.cpuMs != null ? { wall: n.offcut.wallMs / n[t].wallMs, cpu: n.offcut.cpuMs / n[t].cpuMs } : null]));
}

function line(jr) {
  const b = jr.browser;
  const f = (x) => (x == null ? '—' : x.toFixed(0) + ' ms');
  const one = b['offcut-one'] ? ` | ${jr.oneTitle || 'one worker, one piece'} ${f(b['offcut-one'].ms)} (ratio ${jr.ratioOne?.toFixed(2) ?? '—'})` : '';
  return `offcut ${f(b.offcut?.ms)}${one} | ffmpeg.wasm WORKERFS ${f(b['ffmpeg-workerfs']?.ms)} MEMFS ${f(b['ffmpeg-memfs']?.ms)} | ratio ${jr.ratio?.toFixed(2) ?? '—'}`;
}

main().catch((e) => {
  console.error('bench:', e.stack || e);
  process.exit(1);
});
