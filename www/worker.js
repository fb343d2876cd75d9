// Offcut's engine worker: runs offcut.wasm (Go) and answers the messages of
// offcut.js. In: {id, op, ...args}. Out: {id, start} when a job begins, then
// {id, progress: {done, total}}*, then {id, result} or {id, error, fatal}.
// A fatal error (the Go program exited, the wasm trapped) means this worker
// is dead: offcut.js terminates it and starts another.
// Audio never leaves this worker except as the Blob it posts back; inputs
// are read by range (see read, awaited by the job's goroutine so that
// the event loop runs), never whole.
'use strict';

importScripts('./wasm_exec.js');

const wasmURL = './offcut.wasm';
const go = new Go();
const lines = []; // the Go program's last console lines, for crash reports
const log = console.log.bind(console);
console.log = (...a) => {
  lines.push(a.join(' '));
  if (lines.length > 20) lines.shift();
  log(...a);
};

let engine = null;
let memory = null;

// The first worker of a page compiles the engine and hands the compiled
// WebAssembly.Module to the page ({module}); a worker started after that
// (worker.js#module: a batch's or a segmented encode's) is given it in
// its first message and only instantiates it. Compiling again took 420-590
// ms of a new worker's start (Chromium, 2 cores), and instances of one
// module share its optimised code, so a helper starts on code already
// made fast by the first. A module that cannot be received is fetched.
let giveModule = null;
const given = self.location.hash === '#module' ? new Promise((resolve) => { giveModule = resolve; }) : null;
self.onmessageerror = () => giveModule?.(null);

const ready = (async () => {
  const mod = given && (await given);
  if (mod instanceof WebAssembly.Module) {
    memory = start(await WebAssembly.instantiate(mod, go.importObject));
    return;
  }
  let r;
  try {
    r = await WebAssembly.instantiateStreaming(fetch(wasmURL), go.importObject);
  } catch (e) {
    // A server that sends the wrong MIME type defeats streaming; retry.
    const res = await fetch(wasmURL);
    if (!res.ok) throw new Error(`loading the engine failed: ${res.status} ${res.statusText}`);
    r = await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
  }
  memory = start(r.instance);
  self.postMessage({ module: r.module });
})();
ready.catch(() => {}); // reported to each job that awaits it

/** Runs the engine's Go program in inst; returns its memory. */
function start(inst) {
  go.run(inst).then(() => self.postMessage({ fatal: crashMessage() }));
  engine = self.offcutEngine;
  if (!engine) throw new Error('the engine did not start: ' + crashMessage());
  return inst.exports.mem;
}

function crashMessage() {
  const fatal = lines.filter((l) => /^(fatal error|panic:|runtime: out of memory)/.test(l));
  return 'the Offcut engine stopped' + (fatal.length ? ': ' + fatal.join('; ') : '');
}

const foldBytes = 32 << 20;

/**
 * Bytes [a, b) of blob for the engine (Go's ReadAt waits for them). The
 * engine's read-ahead blocks (seq true: a pass through the file, block
 * after block) are read through a cursor into reused buffers, see
 * cursorRead; other reads get a buffer of their own.
 */
function read(blob, a, b, seq) {
  if (!(blob instanceof Blob) && blob && blob.cloud) return cloudRead(blob.cloud, a, b);
  if (seq && byobBlobs && b > a) return cursorRead(blob, a, b);
  return blob.slice(a, b).arrayBuffer().then((buf) => new Uint8Array(buf));
}

// Each Blob.arrayBuffer() makes a new ArrayBuffer that stays until the
// worker's garbage collector runs, which a pass over a 1 GiB file outran
// by about 150 MB (renderer RSS). A pass is read instead through one BYOB
// reader of the Blob's byte stream from where the pass is (a cursor),
// into buffers of a small pool that the engine hands back once it has
// copied them (read.recycle). A cursor serves reads that continue where
// its last read ended; at most cursorMax stay open, each closed once idle
// for cursorIdleMs, so open streams (which hold reads in the browser)
// cannot pile up. Browsers whose Blob streams are not byte streams read
// with arrayBuffer().
const byobBlobs = (() => {
  try {
    new Blob([]).stream().getReader({ mode: 'byob' }).releaseLock();
    return true;
  } catch {
    return false;
  }
})();

const cursors = []; // most recently used last
const cursorMax = 4;
const cursorIdleMs = 1000;

function cursorRead(blob, a, b) {
  let c = cursors.find((x) => x.blob === blob && x.pos === a && !x.failed);
  if (c) cursors.splice(cursors.indexOf(c), 1);
  else c = { blob, pos: a, rd: blob.slice(a).stream().getReader({ mode: 'byob' }), tail: Promise.resolve(), queued: 0 };
  cursors.push(c);
  while (cursors.length > cursorMax) closeCursor(cursors.shift());
  c.pos = b;
  c.queued++;
  const p = c.tail.then(() => fill(c.rd, takeBuffer(b - a), b - a));
  c.tail = p.then(
    () => {
      if (--c.queued === 0) idle(c);
    },
    () => {
      c.failed = true;
      c.queued--;
      const i = cursors.indexOf(c);
      if (i >= 0) cursors.splice(i, 1);
      closeCursor(c);
    },
  );
  return p;
}

/** Closes c's stream once its queued reads are done. */
function closeCursor(c) {
  c.failed = true;
  c.tail.then(() => c.rd.cancel().catch(() => {}));
}

/** Closes c if no read comes for it within cursorIdleMs. */
function idle(c) {
  clearTimeout(c.timer);
  c.timer = setTimeout(() => {
    if (c.queued > 0) return;
    const i = cursors.indexOf(c);
    if (i >= 0) cursors.splice(i, 1);
    closeCursor(c);
  }, cursorIdleMs);
}

/** The next n bytes of rd into buf; fewer at the end of the file. */
async function fill(rd, buf, n) {
  let off = 0;
  while (off < n) {
    const { value, done } = await rd.read(new Uint8Array(buf, off, n - off));
    if (value) buf = value.buffer; // the same memory, transferred
    if (done) break;
    off += value.byteLength;
  }
  return new Uint8Array(buf, 0, off);
}

// The pool of read buffers: at most poolCount buffers and poolBytes bytes
// (the engine has a few reads in flight: a block and the one read ahead,
// for a few files); sizes are powers of two from 64 KiB up to pooledMax.
const pool = [];
const poolCount = 8;
const poolBytes = 24 << 20;
const pooledMax = 4 << 20;

function takeBuffer(n) {
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    if (pool[i].byteLength >= n && (best < 0 || pool[i].byteLength < pool[best].byteLength)) best = i;
  }
  if (best >= 0) return pool.splice(best, 1)[0];
  return new ArrayBuffer(n > pooledMax ? n : Math.max(64 << 10, 2 ** Math.ceil(Math.log2(n))));
}

/** Takes back the buffer of a read whose bytes the engine has copied. */
read.recycle = (u8) => {
  const buf = u8.buffer;
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 64 << 10 || buf.byteLength > pooledMax || pool.includes(buf)) return;
  pool.push(buf);
  let bytes = pool.reduce((s, x) => s + x.byteLength, 0);
  while (pool.length > poolCount || bytes > poolBytes) {
    let small = 0;
    for (let i = 1; i < pool.length; i++) if (pool[i].byteLength < pool[small].byteLength) small = i;
    bytes -= pool.splice(small, 1)[0].byteLength;
  }
};

/**
 * Bytes [a, b) of a cloud file's ciphertext: one HTTP Range request (the
 * engine decrypts them; see wasm/cloud_js.go). A dropped connection or a
 * busy server is retried a few times.
 */
async function cloudRead(c, a, b) {
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(c.url, { headers: { Range: `bytes=${a}-${b - 1}` }, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      if (attempt >= 4) throw new Error(`the cloud could not be reached (${e.message})`);
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if ((res.status === 503 || res.status === 429) && attempt < 4) {
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if (res.status === 404) throw new Error('this file is no longer in the cloud (deleted, or the link was revoked or has expired)');
    if (res.status !== 206 && !(res.status === 200 && a === 0)) throw new Error(`the cloud answered ${res.status} to a read of bytes ${a}..${b}`);
    const u8 = new Uint8Array(await res.arrayBuffer());
    return res.status === 200 ? u8.subarray(0, b - a) : u8;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends chunk n of an upload (PUT with its SHA-256), retrying after a
 * dropped connection: the server keeps what arrived (GET /uploads/{id}).
 */
async function putChunk(uploadID, n, u8, sha) {
  const url = `/api/v1/uploads/${encodeURIComponent(uploadID)}/chunks/${n}`;
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(url, { method: 'PUT', body: u8, headers: { 'X-Chunk-Sha256': sha, 'Content-Type': 'application/octet-stream' }, credentials: 'same-origin' });
    } catch (e) {
      if (attempt >= 5) throw new Error(`the cloud could not be reached (${e.message})`);
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if (res.ok) return;
    if ((res.status === 503 || res.status === 429) && attempt < 5) {
      await sleep(500 * 2 ** attempt);
      continue;
    }
    let msg = `${res.status}`;
    try {
      msg = (await res.json()).error || msg;
    } catch {
      /* not JSON */
    }
    throw Object.assign(new Error(`the cloud refused chunk ${n}: ${msg}`), { status: res.status });
  }
}

// Key material never reaches the page in the clear: the page's Offcut
// hands every job a non-extractable AES-GCM key of its own (wrap), and
// the data key and key-encryption key of a crypt answer go back sealed
// with it ({k, iv, sealed}); sealed keys in a job's arguments and in its
// cloud files are opened here, just before Go gets them.
const b64 = (u8) => { let s = ''; for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000)); return btoa(s); };
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const isSealed = (v) => !!v && typeof v === 'object' && v.k instanceof CryptoKey && v.sealed instanceof Uint8Array;

async function unseal(v) {
  if (!isSealed(v)) return v;
  const raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: v.iv }, v.k, v.sealed));
  const s = b64(raw);
  raw.fill(0);
  return s;
}

async function seal(k, s) {
  const raw = unb64(s);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, raw));
  raw.fill(0);
  return { k, iv, sealed };
}

async function unsealFile(f) {
  if (f && !(f instanceof Blob) && f.cloud && isSealed(f.cloud.key)) return { ...f, cloud: { ...f.cloud, key: await unseal(f.cloud.key) } };
  return f;
}

/** Opens the sealed keys of a job's arguments. */
async function unsealArgs(a) {
  if (a.file) a.file = await unsealFile(a.file);
  if (Array.isArray(a.files)) a.files = await Promise.all(a.files.map(unsealFile));
  if (a.key) a.key = await unseal(a.key);
  if (Array.isArray(a.args)) a.args = await Promise.all(a.args.map(unseal));
  return a;
}

// The key functions of wasm/crypt_js.go the page may call.
const cryptFns = new Set(['deriveAccount', 'login', 'unwrapKey', 'recoverKey', 'changePassword', 'encrypt', 'decrypt', 'encryptedSize', 'openShared', 'newResume']);

/**
 * Calls an engine function. Each returns a Promise (the Go job runs in a
 * goroutine, so that it can wait for asynchronous browser APIs such as
 * WebCodecs), rejected with an Error for a failed job.
 */
async function call(name, ...args) {
  try {
    return await engine[name](...args);
  } finally {
    if (go.exited) throw Object.assign(new Error(crashMessage()), { fatal: true });
  }
}

/**
 * Decodes AAC access units with WebCodecs for the engine's MP4 reader (Go
 * has no AAC decoder): a fresh AudioDecoder per call, as the engine
 * expects. data holds the access units back to back, sizes their lengths;
 * the result is frameLength frames per access unit, interleaved, each
 * placed by its timestamp.
 */
async function aacDecode(cfg, data, sizes) {
  if (typeof AudioDecoder !== 'function') {
    throw new DOMException('this browser has no WebCodecs AudioDecoder, which AAC audio needs', 'NotSupportedError');
  }
  const { codec, sampleRate, numberOfChannels, description, frameLength } = cfg;
  const config = { codec, sampleRate, numberOfChannels, description };
  const { supported } = await AudioDecoder.isConfigSupported(config);
  if (!supported) {
    throw new DOMException(`this browser cannot decode AAC (${codec}, ${sampleRate} Hz, ${numberOfChannels} ch)`, 'NotSupportedError');
  }
  const ch = numberOfChannels;
  const out = new Float32Array(sizes.length * frameLength * ch);
  const usPerUnit = (frameLength * 1e6) / sampleRate;
  let failure = null;
  const dec = new AudioDecoder({
    output: (ad) => {
      try {
        const at = Math.round(ad.timestamp / usPerUnit) * frameLength;
        const n = Math.min(ad.numberOfFrames, out.length / ch - at);
        if (n <= 0) return;
        if (ad.numberOfChannels === ch) {
          // Interleaved by the browser, straight into place (a plane at a
          // time through JavaScript took most of the decode's time).
          ad.copyTo(out.subarray(at * ch, (at + n) * ch), { planeIndex: 0, format: 'f32', frameCount: n });
          return;
        }
        const plane = new Float32Array(n);
        for (let c = 0; c < Math.min(ch, ad.numberOfChannels); c++) {
          ad.copyTo(plane, { planeIndex: c, format: 'f32-planar', frameCount: n });
          for (let i = 0; i < n; i++) out[(at + i) * ch + c] = plane[i];
        }
      } catch (e) {
        failure ??= e;
      } finally {
        ad.close();
      }
    },
    error: (e) => { failure = e; },
  });
  try {
    dec.configure(config);
    let off = 0;
    for (let i = 0; i < sizes.length; i++) {
      dec.decode(new EncodedAudioChunk({
        type: 'key', timestamp: Math.round(i * usPerUnit), data: data.subarray(off, off + sizes[i]),
      }));
      off += sizes[i];
    }
    await dec.flush();
  } finally {
    if (dec.state !== 'closed') dec.close();
  }
  if (failure) throw failure;
  return out;
}
self.offcutAACDecode = aacDecode;

/**
 * Runs an engine render (start calls the engine with an emit function)
 * and collects what it emits into a Blob: computed bytes are folded into
 * a Blob every foldBytes, so that the browser's blob store (which spills
 * to disk) holds them, not this heap; ranges are slices of files; headers
 * written last (patchable) stay parts of their own until the engine
 * patches them.
 */
async function collect(files, progress, start) {
  let parts = [];
  let held = 0;
  let fixed = 0; // parts before this index are never folded
  const patchAt = new Map();
  const hold = (u8) => {
    parts.push(u8);
    held += u8.byteLength;
    if (held >= foldBytes) {
      parts = [...parts.slice(0, fixed), new Blob(parts.slice(fixed))];
      held = 0;
    }
  };
  const summary = JSON.parse(await start((kind, a, b, c) => {
    switch (kind) {
      case 'bytes': case 'chunk': hold(a); break;
      case 'range': parts.push(files[a].slice(b, b + c)); break;
      case 'patchable': patchAt.set(a, parts.length); parts.push(b); fixed = parts.length; held = 0; break;
      case 'patch': parts[patchAt.get(a)] = b; break;
      case 'progress': progress(a, b); break;
    }
  }));
  const blob = new Blob(parts, { type: summary.mime });
  if (summary.exact && blob.size !== summary.size) {
    throw new Error(`render made ${blob.size} bytes, the plan says ${summary.size}`);
  }
  summary.size = blob.size;
  return { blob, summary };
}

const ops = {
  ready: async () => ({ version: 1 }),
  probe: async ({ file }) => JSON.parse(await call('probe', file, read)),
  peaks: ({ file, buckets, from, to, sampled }, progress) =>
    call('peaks', file, read, buckets, from, to ?? -1, progress, !!sampled),
  plan: async ({ project, files }) => JSON.parse(await call('plan', project, files, read)),
  silence: async ({ file, thresholdDB, minFrames }) => JSON.parse(await call('silence', file, read, thresholdDB, minFrames)),
  lengths: async ({ project, infos }) => JSON.parse(await call('lengths', project, infos)),
  curves: async () => JSON.parse(await call('curves')),
  formats: async () => JSON.parse(await call('formats')),
  presets: async () => JSON.parse(await call('presets')),
  // With split, an output made in segments comes back as { split } (where
  // it splits), unrendered: offcut.js encodes the segments on its workers.
  render: async ({ project, files, split }, progress) => {
    const r = await collect(files, progress, (emit) => call('render', project, files, read, emit, split));
    return r.summary.split ? { split: r.summary.split } : r;
  },
  // A segmented encode (offcut.js runs the segments on several workers,
  // then joins them on one): one segment as a file of its own, and the
  // output from the segments' Blobs.
  renderSegment: ({ project, files, from, to }, progress) =>
    collect(files, progress, (emit) => call('renderSegment', project, files, read, from, to, emit)),
  joinSegments: ({ project, files, parts }, progress) =>
    collect(parts, progress, (emit) => call('joinSegments', project, files, read, parts, emit)),
  zip: async ({ files, names, modified }, progress) => {
    // Headers come as bytes, the entries' data as ranges of the files (a
    // cloud file's as its decrypted bytes, folded into Blobs as they come,
    // as render does).
    let parts = [];
    let held = 0;
    const stored = JSON.parse(await call('zip', files, names, modified, read, (kind, a, b, c) => {
      switch (kind) {
        case 'bytes':
          parts.push(a);
          held += a.byteLength;
          if (held >= foldBytes) {
            parts = [new Blob(parts)];
            held = 0;
          }
          break;
        case 'range': parts.push(files[a].slice(b, b + c)); break;
        case 'progress': progress(a, b); break;
      }
    }));
    return { blob: new Blob(parts, { type: 'application/zip' }), names: stored };
  },
  names: async ({ names }) => JSON.parse(await call('names', names)),
  stream: async ({ id, project, files }, progress) => {
    // The render's bytes go to the page as they come, in order (ranges of
    // the inputs read here); the engine waits while more than streamAhead
    // bytes are unacknowledged, and stops when the page says stop.
    const st = { unacked: 0, wake: null, stopped: false };
    streams.set(id, st);
    const waitForRoom = () => new Promise((resolve, reject) => {
      st.wake = () => (st.stopped ? reject(new Error('playback stopped')) : resolve());
    });
    const send = async (u8) => {
      if (st.stopped) throw new Error('playback stopped');
      st.unacked += u8.byteLength;
      self.postMessage({ id, chunk: u8 }, [u8.buffer]);
      while (st.unacked > streamAhead && !st.stopped) await waitForRoom();
      if (st.stopped) throw new Error('playback stopped');
    };
    try {
      const summary = JSON.parse(await call('render', project, files, read, (kind, a, b, c) => {
        switch (kind) {
          case 'bytes': case 'chunk': return send(a);
          case 'patchable': return send(b);
          case 'range': return read(files[a], b, b + c).then(send);
          case 'progress': progress(a, b); return undefined;
          default: return undefined; // patch: the page needs no sizes
        }
      }));
      return { summary };
    } finally {
      streams.delete(id);
    }
  },
  crypt: async ({ fn, args, wrap }) => {
    if (!cryptFns.has(fn)) throw new Error(`unknown key function ${fn}`);
    const r = await call(fn, ...args);
    const out = typeof r === 'string' ? JSON.parse(r) : r;
    if (out && typeof out === 'object' && !(out instanceof Uint8Array)) {
      for (const f of ['data_key', 'kek']) {
        if (typeof out[f] === 'string') {
          if (!(wrap instanceof CryptoKey)) throw new Error('a key answer needs a wrapping key');
          out[f] = await seal(wrap, out[f]);
        }
      }
    }
    return out;
  },
  upload: async ({ file, key, upload, state, skip }, progress) =>
    JSON.parse(await call('upload', file, read, key, upload.chunk_size, (n, u8, sha) => putChunk(upload.id, n, u8, sha), progress, state, skip || [])),
  shareKey: ({ file, key }) => call('shareKey', file, read, key),
  stats: async () => ({ wasmMemory: memory.buffer.byteLength, ...JSON.parse(await call('stats')) }),
};

// Streams in progress by job id, and how many bytes a stream may run ahead
// of the page's acknowledgements.
const streams = new Map();
const streamAhead = 1 << 20;

// Jobs run one at a time, in the order they came (offcut.js counts on it):
// now that a job can wait for the browser, the next message would
// otherwise start while it waits. A stream's acknowledgements and stops
// are not jobs: they reach the stream at once.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  if (data.module !== undefined) {
    giveModule?.(data.module);
    return;
  }
  if (data.ack !== undefined) {
    const st = streams.get(data.ack);
    if (st) {
      st.unacked -= data.bytes || 0;
      if (data.stop) st.stopped = true;
      if (st.wake) {
        const w = st.wake;
        st.wake = null;
        w();
      }
    }
    return;
  }
  // An instant job (a pure answer from the engine's tables, such as a
  // document's lengths) does not wait behind a long job: the engine
  // answers it while that job waits for the browser.
  if (data.instant) job(data);
  else queue = queue.then(() => job(data));
};

async function job({ id, op, ...args }) {
  try {
    await ready;
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown operation ${op}`);
    self.postMessage({ id, start: true });
    const progress = (done, total) => self.postMessage({ id, progress: { done, total } });
    const result = await ops[op](await unsealArgs({ id, ...args }), progress);
    const transfer = result.min instanceof Float32Array ? [result.min.buffer, result.max.buffer] : [];
    self.postMessage({ id, result }, transfer);
  } catch (e) {
    const fatal = go.exited || e instanceof WebAssembly.RuntimeError || !!e.fatal;
    self.postMessage({ id, error: e.message || String(e), code: e.code, detail: e.detail, maxSeconds: e.maxSeconds, fatal });
  }
}
