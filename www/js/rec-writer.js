// The recorder's file writer: a dedicated worker that owns the recording's
// OPFS file through a synchronous access handle (only workers get one), so
// every chunk is on disk, flushed, as it arrives, and a crash or a closed
// tab loses at most the chunk in flight (a tenth of a second).
//
// The file is a 32-bit float WAV being written. Its header leaves room for
// RF64 (a 28-byte JUNK chunk that becomes ds64, as EBU Tech 3306 advises),
// and says "to the end of the file" (0xFFFFFFFF) in its size fields until
// stop or recover writes the real sizes: RIFF/WAVE up to 4 GiB, RF64 past.
//
// Messages in (on the worker): {op: 'open', name, channels, rate, port} (the
// chunks then come on port, from the AudioWorklet: {samples: Float32Array
// of interleaved frames} and finally {stop: true}), {op: 'inspect', name},
// {op: 'recover', name}. Out: {op, ok, ...} or {op, error}.
'use strict';

const HEADER = 82; // RIFF 12 + JUNK/ds64 36 + fmt 26 + data 8
const DIR = 'recordings';

let handle = null; // the open recording
let pos = 0; // where the next byte goes
let frameBytes = 0;

async function dir() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIR, { create: true });
}

/** The header of a float WAV of channels at rate, sizes "unknown". */
function header(channels, rate) {
  const b = new ArrayBuffer(HEADER);
  const v = new DataView(b);
  const tag = (at, s) => { for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  tag(0, 'RIFF'); v.setUint32(4, 0xffffffff, true); tag(8, 'WAVE');
  tag(12, 'JUNK'); v.setUint32(16, 28, true); // 28 zero bytes: room for ds64
  tag(48, 'fmt '); v.setUint32(52, 18, true);
  v.setUint16(56, 3, true); // WAVE_FORMAT_IEEE_FLOAT
  v.setUint16(58, channels, true);
  v.setUint32(60, rate, true);
  v.setUint32(64, rate * channels * 4, true);
  v.setUint16(68, channels * 4, true);
  v.setUint16(70, 32, true);
  v.setUint16(72, 0, true); // cbSize
  tag(74, 'data'); v.setUint32(78, 0xffffffff, true);
  return new Uint8Array(b);
}

/**
 * Writes the real sizes for a file of size bytes (header included) whose
 * frames are frameBytes each; RF64 when the RIFF size passes 32 bits.
 */
function fixHeader(h, size, fb) {
  const data = size - HEADER;
  const riff = size - 8;
  const b = new Uint8Array(HEADER);
  h.read(b, { at: 0 });
  const v = new DataView(b.buffer);
  const tag = (at, s) => { for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  if (riff <= 0xffffffff) {
    tag(0, 'RIFF'); v.setUint32(4, riff, true);
    tag(12, 'JUNK');
    for (let i = 20; i < 48; i++) v.setUint8(i, 0);
    v.setUint32(78, data, true);
  } else {
    tag(0, 'RF64'); v.setUint32(4, 0xffffffff, true);
    tag(12, 'ds64'); v.setUint32(16, 28, true);
    v.setBigUint64(20, BigInt(riff), true);
    v.setBigUint64(28, BigInt(data), true);
    v.setBigUint64(36, BigInt(data / fb), true);
    v.setUint32(44, 0, true); // no table
    v.setUint32(78, 0xffffffff, true);
  }
  h.write(b, { at: 0 });
  h.flush();
}

/** Reads what the header says: channels, rate, bytes per frame. */
function readFormat(h) {
  const b = new Uint8Array(HEADER);
  if (h.read(b, { at: 0 }) < HEADER) throw new Error('the recording has no header');
  const v = new DataView(b.buffer);
  const s = (at) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (!/^(RIFF|RF64)$/.test(s(0)) || s(8) !== 'WAVE' || s(48) !== 'fmt ' || s(74) !== 'data') {
    throw new Error('the recording is not one Offcut wrote');
  }
  const channels = v.getUint16(58, true);
  const rate = v.getUint32(60, true);
  const fb = v.getUint16(68, true);
  if (!channels || !rate || fb !== channels * 4) throw new Error('the recording has a damaged header');
  return { channels, rate, fb };
}

const ops = {
  async open({ name, channels, rate, port }) {
    const fh = await (await dir()).getFileHandle(name, { create: true });
    handle = await fh.createSyncAccessHandle();
    handle.truncate(0);
    handle.write(header(channels, rate), { at: 0 });
    handle.flush();
    pos = HEADER;
    frameBytes = channels * 4;
    port.onmessage = ({ data }) => {
      try {
        if (data.samples) {
          const u8 = new Uint8Array(data.samples.buffer, data.samples.byteOffset, data.samples.byteLength);
          const n = handle.write(u8, { at: pos });
          if (n !== u8.byteLength) throw new Error(`wrote ${n} of ${u8.byteLength} bytes (is the disk full?)`);
          pos += n;
          handle.flush();
        }
        if (data.stop) {
          fixHeader(handle, pos, frameBytes);
          handle.close();
          handle = null;
          port.close();
          self.postMessage({ op: 'stopped', ok: true, bytes: pos, frames: (pos - HEADER) / frameBytes });
        }
      } catch (e) {
        self.postMessage({ op: 'write', error: e.message || String(e), name: e.name });
      }
    };
    return { ok: true };
  },

  // What an unfinished recording holds; fails (NoModificationAllowedError)
  // while another tab is still writing it.
  async inspect({ name }) {
    const fh = await (await dir()).getFileHandle(name);
    const h = await fh.createSyncAccessHandle();
    try {
      const f = readFormat(h);
      const frames = Math.max(0, Math.floor((h.getSize() - HEADER) / f.fb));
      return { ok: true, frames, rate: f.rate, channels: f.channels };
    } finally {
      h.close();
    }
  },

  // Makes an unfinished recording whole: whole frames only, real sizes.
  async recover({ name }) {
    const fh = await (await dir()).getFileHandle(name);
    const h = await fh.createSyncAccessHandle();
    try {
      const f = readFormat(h);
      const frames = Math.max(0, Math.floor((h.getSize() - HEADER) / f.fb));
      const size = HEADER + frames * f.fb;
      h.truncate(size);
      fixHeader(h, size, f.fb);
      return { ok: true, frames, rate: f.rate };
    } finally {
      h.close();
    }
  },
};

self.onmessage = async ({ data }) => {
  try {
    const r = await ops[data.op](data);
    self.postMessage({ op: data.op, ...r });
  } catch (e) {
    self.postMessage({ op: data.op, error: e.message || String(e), name: e.name });
  }
};

// For the tests: the header layout (also checked against the engine).
self.offcutRecHeader = { HEADER, header };
