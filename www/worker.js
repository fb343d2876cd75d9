// Offcut's engine worker: runs offcut.wasm (Go) and answers the messages of
// offcut.js. In: {id, op, ...args}. Out: {id, start} when a job begins, then
// {id, progress: {done, total}}*, then {id, result} or {id, error, fatal}.
// A fatal error (the Go program exited, the wasm trapped) means this worker
// is dead: offcut.js terminates it and starts another.
// Audio never leaves this worker except as the Blob it posts back; inputs
// are read by range with FileReaderSync, never whole.
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

const ready = (async () => {
  let inst;
  try {
    inst = (await WebAssembly.instantiateStreaming(fetch(wasmURL), go.importObject)).instance;
  } catch (e) {
    // A server that sends the wrong MIME type defeats streaming; retry.
    const res = await fetch(wasmURL);
    if (!res.ok) throw new Error(`loading the engine failed: ${res.status} ${res.statusText}`);
    inst = (await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject)).instance;
  }
  memory = inst.exports.mem;
  go.run(inst).then(() => self.postMessage({ fatal: crashMessage() }));
  engine = self.offcutEngine;
  if (!engine) throw new Error('the engine did not start: ' + crashMessage());
})();
ready.catch(() => {}); // reported to each job that awaits it

function crashMessage() {
  const fatal = lines.filter((l) => /^(fatal error|panic:|runtime: out of memory)/.test(l));
  return 'the Offcut engine stopped' + (fatal.length ? ': ' + fatal.join('; ') : '');
}

const reader = new FileReaderSync();
const foldBytes = 32 << 20;

/** Bytes [a, b) of blob, read synchronously (called by Go's ReadAt). */
function read(blob, a, b) {
  return new Uint8Array(reader.readAsArrayBuffer(blob.slice(a, b)));
}

/** Calls an engine function; Go returns an Error for a failed job. */
function call(name, ...args) {
  const r = engine[name](...args);
  if (go.exited) throw Object.assign(new Error(crashMessage()), { fatal: true });
  if (r instanceof Error) throw r;
  return r;
}

const ops = {
  ready: () => ({ version: 1 }),
  probe: ({ file }) => JSON.parse(call('probe', file, read)),
  peaks: ({ file, buckets, from, to }, progress) =>
    call('peaks', file, read, buckets, from, to ?? -1, progress),
  plan: ({ project, files }) => JSON.parse(call('plan', project, files, read)),
  formats: () => JSON.parse(call('formats')),
  render: ({ project, files }, progress) => {
    // Computed bytes are folded into a Blob every foldBytes, so that the
    // browser's blob store (which spills to disk) holds them, not this heap.
    // Headers written last (patchable) stay parts of their own until the
    // engine patches them.
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
    const summary = JSON.parse(call('render', project, files, read, (kind, a, b, c) => {
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
  },
  stats: () => ({ wasmMemory: memory.buffer.byteLength, ...JSON.parse(call('stats')) }),
};

self.onmessage = async ({ data: { id, op, ...args } }) => {
  try {
    await ready;
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown operation ${op}`);
    self.postMessage({ id, start: true });
    const progress = (done, total) => self.postMessage({ id, progress: { done, total } });
    const result = ops[op](args, progress);
    const transfer = result.min instanceof Float32Array ? [result.min.buffer, result.max.buffer] : [];
    self.postMessage({ id, result }, transfer);
  } catch (e) {
    const fatal = go.exited || e instanceof WebAssembly.RuntimeError || !!e.fatal;
    self.postMessage({ id, error: e.message || String(e), code: e.code, detail: e.detail, fatal });
  }
};
