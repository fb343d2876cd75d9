// /offcut.js — the Offcut engine for a page, at a fixed URL (see API.md).
//
// A Web Worker runs the Go engine (offcut.wasm); this module talks to it
// with {id, op, ...} messages and never blocks the page. Files are passed
// to the worker as File/Blob handles and read there by range; nothing is
// uploaded and nothing is copied whole.

/**
 * @typedef {object} Format
 * @property {number} sampleRate frames per second
 * @property {number} channels interleaved channels
 * @property {number} bitDepth stored bits per sample
 * @property {boolean} float IEEE-754 samples rather than integers
 */

/**
 * @typedef {object} Info What {@link Offcut#probe} found.
 * @property {string} container file type: "wav", ...
 * @property {string} codec how samples are stored: "pcm_s16le", ...
 * @property {Format} format
 * @property {number} frames exact length in frames
 * @property {number} duration length in seconds
 * @property {Object<string, string>} tags metadata by lower-case key
 * @property {string[]} warnings what the decoder tolerated, in plain words
 */

/**
 * @typedef {object} Peaks A waveform of frames [from, to).
 * @property {number} from
 * @property {number} to
 * @property {Float32Array} min smallest sample per bucket, over all channels
 * @property {Float32Array} max largest sample per bucket
 */

/**
 * @typedef {object} Summary An edit's output, known before any audio is computed.
 * @property {number} frames exact output length in frames
 * @property {number} duration in seconds
 * @property {Format} format
 * @property {number} size size of the output file in bytes (exact unless
 *   `exact` is false: encoder output, known at the end)
 * @property {boolean} exact
 * @property {string} container output format name ("wav", "mp3", ...)
 * @property {string} mime its media type
 * @property {string} ext its file extension
 * @property {string} label its name for people
 * @property {string} [fallback] why WAV was chosen, when the sources' own
 *   format could not carry the edit
 * @property {boolean} lossless true when the output only rearranges input bytes
 */

/**
 * @callback ProgressCallback
 * @param {{done: number, total: number}} progress monotonic; total is
 *   constant for a job (bytes of output for render, frames for peaks)
 */

/**
 * @typedef {object} JobOptions
 * @property {AbortSignal} [signal] aborting terminates the worker at once
 *   and rejects with a DOMException named "AbortError"
 * @property {ProgressCallback} [onProgress]
 */

// A non-extractable AES-GCM key of this page, shared by its engines: the
// workers seal the keys of the cloud save with it, so the page holds them
// only sealed (see worker.js).
let wrapping = null;
const wrapKey = () => (wrapping ??= crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));

const abortError = () => new DOMException('The operation was aborted.', 'AbortError');

/** A cloud file: {name, size, cloud: {url, size, key | share}} (see cloud()). */
const isCloud = (f) => !!f && typeof f === 'object' && !(f instanceof Blob) && !!f.cloud && typeof f.cloud.url === 'string';

function blobs(files) {
  const list = Array.from(files ?? []);
  list.forEach((f, i) => {
    if (!(f instanceof Blob) && !isCloud(f)) throw new TypeError(`files[${i}] is not a File or Blob`);
  });
  return list;
}

function blob(file) {
  if (!(file instanceof Blob) && !isCloud(file)) throw new TypeError('file is not a File or Blob');
  return file;
}

const json = (project) => (typeof project === 'string' ? project : JSON.stringify(project));

/**
 * The Offcut engine, running in its own worker. Jobs wait in a queue on
 * this side and go to the worker one at a time, so cancelling a job that
 * has not started only takes it out of the queue; cancelling the running
 * job terminates the worker, and the next job starts on a fresh one. A
 * crashed worker (Go panic that escaped, out of memory) rejects the job it
 * was running and is replaced. Plans are cached by document and files.
 */
/**
 * The engine's compiled WebAssembly.Module, once the page's first worker
 * has compiled it: later workers get it instead of compiling again (see
 * worker.js).
 */
let engineModule = null;

/** Extra engines for each(), started on its first call and kept. */
const batchEngines = [];

export class Offcut {
  /** @type {Worker|null} */
  #worker = null;
  /** @type {Map<number, object>} jobs not settled, by id, in order */
  #jobs = new Map();
  #nextId = 1;
  /** the job the worker is running (sent to it), or null */
  #current = null;
  /** @type {Map<string, object>} plan summaries by document and files */
  #plans = new Map();
  /** @type {Map<string, Promise<object>>} lengths by document and sources */
  #lengths = new Map();
  /** @type {Promise<Array<object>>|null} */
  #curves = null;
  /** @type {WeakMap<Blob, number>} */
  #fileIds = new WeakMap();
  /** @type {Offcut[]} engines on more workers, for segmented encodes */
  #helpers = [];
  /** the timer that terminates the helpers after a while idle */
  #idle = 0;

  /** How long helper workers of a segmented encode stay after it (ms). */
  static helperIdleMs = 10000;
  #nextFileId = 1;

  /**
   * Starts the worker and waits until the engine is loaded.
   * @returns {Promise<Offcut>}
   */
  static async load() {
    const oc = new Offcut();
    try {
      await oc.#run('ready', {});
    } catch (e) {
      oc.terminate();
      throw e;
    }
    return oc;
  }

  /**
   * Reads a file's headers.
   * @param {Blob} file a File or Blob
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<Info>}
   */
  probe(file, { signal } = {}) {
    return this.#run('probe', { file: blob(file) }, { signal });
  }

  /**
   * Computes a waveform: min/max over all channels for each of `buckets`
   * equal slices of frames [from, to), streaming through the file.
   * @param {Blob} file
   * @param {JobOptions & {buckets?: number, from?: number, to?: number, sampled?: boolean}} [options]
   *   buckets defaults to 2000, from to 0 and to to the end of the file;
   *   progress counts frames. sampled asks for a quick overview (a short
   *   window of each bucket, read at once from PCM files, decoded from an
   *   MP3's frame index); the result's
   *   `sampled` says whether it is one.
   * @returns {Promise<Peaks>}
   */
  peaks(file, { buckets = 2000, from = 0, to, sampled = false, onProgress, signal } = {}) {
    return this.#run('peaks', { file: blob(file), buckets, from, to, sampled }, { signal, onProgress });
  }

  /**
   * Finds a recording's leading and trailing silence: a frame is silent
   * when every channel is at or below thresholdDB dBFS, and an edge run is
   * trimmed when it is at least minFrames long (audio/silence/doc.go has
   * the exact definition, which `offcut trim-silence` shares).
   * @param {Blob} file
   * @param {{thresholdDB?: number, minFrames?: number, signal?: AbortSignal}} [options]
   * @returns {Promise<{from: number, to: number, frames: number, allSilent: boolean}>}
   *   the frames [from, to) to keep
   */
  silence(file, { thresholdDB = -50, minFrames = 0, signal } = {}) {
    return this.#run('silence', { file: blob(file), thresholdDB, minFrames }, { signal });
  }

  /**
   * Plans an edit without computing audio: the output's exact length,
   * format and size.
   * @param {object|string} project the edit document (audio/project/SCHEMA.md)
   * @param {ArrayLike<Blob>} files files[i] is the document's source i
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<Summary>}
   */
  plan(project, files, { signal } = {}) {
    const doc = json(project);
    const list = blobs(files);
    const key = doc + '\u0000' + list.map((f) => this.#fileId(f)).join(',');
    const hit = this.#plans.get(key);
    if (hit) {
      // Most recently used last; a plan never changes for the same inputs.
      this.#plans.delete(key);
      this.#plans.set(key, hit);
      return signal?.aborted ? Promise.reject(abortError()) : Promise.resolve(structuredClone(hit));
    }
    return this.#run('plan', { project: doc, files: list }, { signal }).then((summary) => {
      this.#plans.set(key, summary);
      if (this.#plans.size > 256) this.#plans.delete(this.#plans.keys().next().value);
      return structuredClone(summary);
    });
  }

  /** A number for each File or Blob object (Blobs never change). */
  #fileId(f) {
    let id = this.#fileIds.get(f);
    if (!id) {
      id = this.#nextFileId++;
      this.#fileIds.set(f, id);
    }
    return id;
  }

  /**
   * Stores files (Blobs, such as rendered outputs) in one ZIP archive,
   * uncompressed, under names (made safe for every system and unique).
   * The archive refers to the files' bytes instead of copying them; they
   * are read once for their checksums (onProgress counts those bytes).
   * @param {Blob[]} files
   * @param {string[]} names
   * @returns {Promise<Blob>} the archive; blob.names: the names stored
   */
  async zip(files, names, { onProgress, signal } = {}) {
    const r = await this.#run('zip', { files: blobs(files), names: [...names], modified: Date.now() }, { signal, onProgress });
    Object.defineProperty(r.blob, 'names', { value: r.names, enumerable: false });
    return r.blob;
  }

  /**
   * The names zip() would store files named names under (made safe for
   * every system, then unique in order): the names to write the same
   * files into a folder with.
   * @param {string[]} names
   * @returns {Promise<string[]>}
   */
  fileNames(names, { signal } = {}) {
    return this.#run('names', { names: [...names] }, { signal });
  }

  /**
   * Renders an edit and hands its bytes to onChunk as they come, in order
   * (for playback that starts at once): the engine waits while the page
   * has not acknowledged about a megabyte — onChunk's returned Promise, if
   * any, acknowledges its chunk when it settles. Aborting stops the render
   * without restarting the engine.
   * @param {object|string} project the edit document
   * @param {ArrayLike<Blob>} files
   * @param {{onChunk: (bytes: Uint8Array) => (Promise<void>|void), signal?: AbortSignal, onProgress?: Function}} options
   * @returns {Promise<Summary>} when every byte has been handed over
   */
  async stream(project, files, { onChunk, signal, onProgress } = {}) {
    const r = await this.#run('stream', { project: json(project), files: blobs(files) }, { signal, onProgress, onChunk, soft: true });
    return r.summary;
  }

  /**
   * Renders an edit to a Blob in the output format (output.container, or
   * the sources' own format when it can carry the edit, else WAV). Stretches that only rearrange input
   * bytes are slices of the input files (no copy); only fades, crossfades,
   * gain and conversions are computed. blob.size equals the plan's size.
   * @param {object|string} project the edit document
   * @param {ArrayLike<Blob>} files files[i] is the document's source i
   * @param {JobOptions & {workers?: number, splitDecodes?: boolean}} [options] progress counts
   *   bytes of output; workers (default Offcut.workers()) is how many
   *   workers a long encoded output (WAV → MP3) is encoded on, in
   *   segments the engine chooses, then joined; the bytes are the same
   *   for any number (and the CLI's). 0 encodes it in one piece instead
   *   (other bytes; for comparisons). splitDecodes (default false) also
   *   splits a long PCM output decoded from its sources (MP3 → WAV) across
   *   the workers, with the same bytes as one piece. It is off because it
   *   loses where it counts: a fresh page starts its helper cold (make
   *   bench, 2 cores: 10-min MP3 → WAV 3.97 s split against 2.48 s in one
   *   piece; a crossfade of two MP3s 3.12 s against 1.77 s); only with a
   *   warm helper on an idle machine did it win (0.69 of one piece)
   * @returns {Promise<Blob>} of the output format's MIME type (summary.mime);
   *   blob.summary is the plan's summary completed by the render (clipped:
   *   samples clamped at full scale; gainLimited: MP3 granules that could
   *   not take the whole gain; notes)
   */
  async render(project, files, { onProgress, signal, workers = Offcut.workers(), splitDecodes = false } = {}) {
    const doc = json(project);
    const list = blobs(files);
    // A long output that is encoded (WAV → MP3) is encoded in segments on
    // several workers and joined: the engine says where it splits, from
    // the document alone, so the file is the CLI's on any machine and with
    // any number of workers. One job renders the rest, or says where the
    // output splits.
    const split = workers >= 1 ? { decoded: splitDecodes } : undefined;
    let r = await this.#run('render', { project: doc, files: list, split }, { signal, onProgress });
    if (r.split) r = await this.#renderSegmented(doc, list, r.split, Math.min(workers, r.split.segments.length), { onProgress, signal });
    Object.defineProperty(r.blob, 'summary', { value: r.summary, enumerable: false });
    return r.blob;
  }

  /**
   * Runs work(engine, item) for every item, several at once: on this
   * engine and on up to workers - 1 more, each on a worker of its own
   * (started on the first call and kept for the next). Each engine takes
   * the next item when it is done with one; this engine starts at once and
   * each extra one joins when it is ready, so a worker slow to start (seen
   * under load) delays nothing. It is how a batch of files is converted
   * (the Convert tab): whole files side by side keep every core busy.
   * A work call that throws stops the items not yet started, and each
   * rejects with its error once the calls under way are done.
   * @template T
   * @param {T[]} items
   * @param {(engine: Offcut, item: T, index: number) => Promise<void>} work
   * @param {{workers?: number}} [options] at most this many at once
   *   (default Offcut.workers())
   * @returns {Promise<void>}
   */
  async each(items, work, { workers = Offcut.workers() } = {}) {
    const n = Math.max(1, Math.min(workers, items.length));
    while (batchEngines.length < n - 1) {
      const p = Offcut.load();
      // One that failed to start is started again next time.
      p.catch(() => batchEngines.includes(p) && batchEngines.splice(batchEngines.indexOf(p), 1));
      batchEngines.push(p);
    }
    let next = 0;
    let failure = null;
    const run = async (oc) => {
      while (next < items.length && !failure) {
        const i = next++;
        try {
          await work(oc, items[i], i);
        } catch (e) {
          failure ??= { e };
        }
      }
    };
    // Every engine that takes an item is in busy before the items run out,
    // so when this engine finds none left, busy holds all the work still
    // going; an engine ready later finds nothing to do.
    const busy = [];
    for (const p of batchEngines.slice(0, n - 1)) {
      p.then((oc) => {
        if (next < items.length) busy.push(run(oc));
      }, () => {});
    }
    await run(this);
    await Promise.all(busy);
    if (failure) throw failure.e;
  }

  /**
   * How many workers render() uses for a segmented encode by default:
   * one per core, at most 4.
   * @returns {number}
   */
  static workers() {
    return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  }

  /**
   * Encodes the segments sp.segments of doc on k workers (this engine's
   * and k - 1 helpers), then joins their Blobs on this engine. Progress
   * counts the output's announced size: 95 % for the segments (each in
   * proportion to its frames), 5 % for the join. A failure or an abort
   * stops every worker's part.
   */
  async #renderSegmented(doc, list, sp, k, { onProgress, signal }) {
    clearTimeout(this.#idle);
    while (this.#helpers.length < k - 1) this.#helpers.push(new Offcut());
    const engines = [this, ...this.#helpers.slice(0, k - 1)];
    const segs = sp.segments;
    const n = segs.length;
    const frames = Math.max(1, sp.frames);
    const total = Math.max(1, sp.size);
    const frac = new Array(n).fill(0);
    let joined = 0;
    let last = -1;
    const report = () => {
      let d = 0;
      for (let i = 0; i < n; i++) d += frac[i] * (segs[i].to - segs[i].from);
      const done = Math.min(total, Math.floor(total * ((0.95 * d) / frames + 0.05 * joined)));
      if (done > last) {
        last = done;
        onProgress?.({ done, total });
      }
    };
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const parts = new Array(n);
    let next = 0;
    let failure = null;
    const work = async (oc) => {
      while (next < n && !stop.signal.aborted) {
        const i = next++;
        try {
          const r = await oc.#run('renderSegment', { project: doc, files: list, from: segs[i].from, to: segs[i].to }, {
            signal: stop.signal,
            onProgress: ({ done, total: t }) => {
              frac[i] = t ? Math.min(1, done / t) : 0;
              report();
            },
          });
          parts[i] = r.blob;
          frac[i] = 1;
          report();
        } catch (e) {
          if (!stop.signal.aborted) {
            failure ??= Object.assign(e, { message: `segment ${i + 1} of ${n}: ${e.message}` });
            stop.abort(); // the other workers' parts stop too
          }
          return;
        }
      }
    };
    try {
      await Promise.all(engines.map(work));
      if (signal?.aborted) throw abortError();
      if (failure) throw failure;
      return await this.#run('joinSegments', { project: doc, files: list, parts }, {
        signal,
        onProgress: ({ done, total: t }) => {
          joined = t ? Math.min(1, done / t) : 0;
          report();
        },
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // The helpers' workers go after a while idle, and their memory with them.
      this.#idle = setTimeout(() => this.#dropHelpers(), Offcut.helperIdleMs);
    }
  }

  /** Terminates the helper workers of segmented encodes. */
  #dropHelpers() {
    clearTimeout(this.#idle);
    for (const h of this.#helpers.splice(0)) h.terminate();
  }

  /**
   * Diagnostics, not part of the stable API: how many workers this engine
   * runs (its own and the helpers of a segmented encode) and how many of
   * them are running a job.
   * @returns {{workers: number, busy: number}}
   */
  activity() {
    const all = [this, ...this.#helpers];
    return {
      workers: all.filter((o) => o.#worker).length,
      busy: all.filter((o) => o.#worker && o.#current).length,
    };
  }

  /**
   * Calls one of the engine's key functions (wasm/crypt_js.go):
   * deriveAccount, login, unwrapKey, recoverKey, changePassword (JSON
   * answers, parsed), encrypt and decrypt (Uint8Array). Not part of the
   * stable API: the cloud save's (js/cloud.js). The data key and the
   * key-encryption key in answers come sealed ({k, iv, sealed}, opened
   * only in the worker); pass them back as they are.
   * @param {string} fn
   * @param {...any} args
   */
  async crypt(fn, ...args) {
    return this.#run('crypt', { fn, args, wrap: await wrapKey() });
  }

  /**
   * Encrypts a file for the account (age STREAM, read by range, never
   * whole) and sends it to an upload of the cloud save API in chunks of
   * upload.chunk_size bytes, in order; progress counts the file's bytes.
   * Aborting stops the worker, and with it the upload. state (from
   * crypt('newResume', key)) fixes the encryption's random parts, so a
   * run after an interruption makes the same chunks: those in skip (the
   * server has them) are not sent again.
   * @param {Blob} file
   * @param {string} key the data key (base64)
   * @param {{id: string, chunk_size: number}} upload
   * @param {JobOptions & {state: string, skip?: number[]}} [options]
   * @returns {Promise<{size: number, chunks: number}>}
   */
  upload(file, key, upload, { state, skip = [], onProgress, signal } = {}) {
    return this.#run('upload', { file: blob(file), key, upload: { id: upload.id, chunk_size: upload.chunk_size }, state, skip: [...skip] }, { signal, onProgress });
  }

  /**
   * The share link's fragment ("#k=…") of a cloud file of the account.
   * @param {object} file a cloud file
   * @param {string} key the data key (base64)
   * @returns {Promise<string>}
   */
  shareKey(file, key) {
    return this.#run('shareKey', { file: blob(file), key });
  }

  /**
   * The formats the engine reads and writes, from its registry: name,
   * label, extensions, MIME types, lossless, reads, writes and, for
   * writers, sampleFormats, rates, maxChannels, tags and options
   * ({name, label, values, labels, default}). The UI builds its menus and
   * accept lists from this; nothing else in the page names formats.
   * @returns {Promise<Array<object>>}
   */
  formats() {
    return this.#run('formats', {});
  }

  /**
   * Lays a document out over its sources' descriptions without reading a
   * file, at once even while a long job runs: the rate the document's
   * fades, gaps and crossfades count in, each clip's length at that rate,
   * the timeline's length, and the output's as its decoders give it back.
   * Fails with the engine's error for a document it would not render.
   * @param {object|string} project
   * @param {Info[]} infos the sources' probe results, indexed like the
   *   document's sources
   * @returns {Promise<{container: string, sampleRate: number, clips: number[], frames: number, output: {frames: number, sampleRate: number}}>}
   *   container: the output format the engine tries first (the document's,
   *   else the first source's when it writes it, else WAV)
   */
  lengths(project, infos) {
    const doc = typeof project === 'string' ? project : JSON.stringify(project);
    const list = JSON.stringify(infos.map((i) => ({ container: i.container, codec: i.codec, format: i.format, frames: i.frames })));
    const key = doc + '\n' + list;
    const hit = this.#lengths.get(key);
    if (hit) return hit;
    const p = this.#run('lengths', { project: doc, infos: list }, { instant: true });
    this.#lengths.set(key, p);
    p.catch(() => this.#lengths.delete(key));
    if (this.#lengths.size > 256) this.#lengths.delete(this.#lengths.keys().next().value);
    return p;
  }

  /**
   * The fade and crossfade curves, for menus: [{name, label, default}],
   * the default first.
   * @returns {Promise<Array<{name: string, label: string, default?: boolean}>>}
   */
  curves() {
    if (!this.#curves) {
      this.#curves = this.#run('curves', {}, { instant: true });
      this.#curves.catch(() => (this.#curves = null)); // asked again next time
    }
    return this.#curves;
  }

  /**
   * Ready-made output settings: [{name, label, format, options,
   * sampleRate, channels, sampleFormat}] ("Podcast (MP3 mono 64 kbit/s)",
   * "Archive (FLAC level 8)", ...).
   * @returns {Promise<Array<object>>}
   */
  presets() {
    return this.#run('presets', {});
  }

  /**
   * Diagnostics, not part of the stable API: the engine's memory in bytes
   * (wasmMemory is the size of the wasm linear memory, which never shrinks,
   * so it is the high-water mark of the Go heap; heapAlloc, heapSys, sys
   * and totalAlloc are Go's runtime.MemStats).
   * @returns {Promise<{wasmMemory: number, heapAlloc: number, heapSys: number, sys: number, totalAlloc: number}>}
   */
  stats() {
    return this.#run('stats', {});
  }

  /**
   * Stops the worker. Jobs still running or queued reject; a later call
   * starts a fresh worker.
   */
  terminate() {
    this.#dropHelpers();
    this.#stop();
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const j of jobs) j.fail(new Error('Offcut was terminated'));
  }

  #run(op, args, { signal, onProgress, onChunk, soft, instant } = {}) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const id = this.#nextId++;
      const onAbort = () => this.#abort(id);
      const settle = () => {
        this.#jobs.delete(id);
        signal?.removeEventListener('abort', onAbort);
        if (this.#current === job) this.#current = null;
        this.#pump();
      };
      const job = {
        msg: instant ? { id, op, instant, ...args } : { id, op, ...args },
        done: -Infinity,
        onProgress,
        onChunk,
        soft,
        instant,
        ok: (v) => { settle(); resolve(v); },
        fail: (e) => { settle(); reject(e); },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#jobs.set(id, job);
      this.#pump();
    });
  }

  /** Sends the oldest queued job to the worker when it is idle. */
  #pump() {
    for (const j of this.#jobs.values()) {
      // Instant jobs go at once; the worker answers them between the
      // steps of the job it runs.
      if (j.instant && !j.sent && this.#spawned()) {
        j.sent = true;
        this.#worker.postMessage(j.msg);
      }
    }
    if (this.#current) return;
    let job = null;
    for (const j of this.#jobs.values()) if (!j.instant) { job = j; break; }
    if (!job || !this.#spawned()) return;
    this.#current = job;
    this.#worker.postMessage(job.msg);
  }

  /**
   * Starts the worker if there is none; on failure (e.g. a
   * Content-Security-Policy without worker-src 'self') fails every job.
   * @returns {boolean} whether there is a worker
   */
  #spawned() {
    if (!this.#worker) {
      try {
        this.#spawn();
      } catch (e) { // e.g. a Content-Security-Policy without worker-src 'self'
        this.#stop();
        for (const j of [...this.#jobs.values()]) j.fail(e);
        return false;
      }
    }
    return true;
  }

  /** Starts a worker. */
  #spawn() {
    const url = new URL('./worker.js', import.meta.url);
    if (engineModule) url.hash = 'module';
    const w = new Worker(url, { name: 'offcut-engine' });
    if (engineModule) w.postMessage({ module: engineModule });
    w.onmessage = (e) => this.#message(w, e.data);
    w.onerror = (e) => {
      e.preventDefault();
      this.#crash(w, 'the Offcut engine crashed: ' + (e.message || 'its worker failed to load'));
    };
    w.onmessageerror = () => this.#crash(w, 'the Offcut engine sent a message that could not be read');
    this.#worker = w;
  }

  #stop() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#current = null;
  }

  #message(w, m) {
    if (w !== this.#worker) return; // a worker already replaced
    if (m.id === undefined) {
      if (m.module instanceof WebAssembly.Module) engineModule ??= m.module;
      if (m.fatal) this.#crash(w, m.fatal);
      return;
    }
    const job = this.#jobs.get(m.id);
    if (!job) return;
    if (m.start) {
      // started: nothing to do, the job is already current
    } else if (m.chunk) {
      const n = m.chunk.byteLength;
      Promise.resolve(job.onChunk?.(m.chunk)).then(
        () => w.postMessage({ ack: m.id, bytes: n }),
        () => w.postMessage({ ack: m.id, bytes: n, stop: true }),
      );
    } else if (m.progress) {
      const { done, total } = m.progress;
      if (done > job.done) {
        job.done = done;
        job.onProgress?.({ done, total });
      }
    } else if (m.error !== undefined) {
      // code: a stable name the UI may act on (see API.md); the message is
      // in plain words; detail is the engine's own wording; maxSeconds comes
      // with too_long.
      const e = Object.assign(new Error(m.error), { code: m.code || 'internal', detail: m.detail || m.error });
      if (m.maxSeconds) e.maxSeconds = m.maxSeconds;
      if (m.fatal) this.#stop();
      job.fail(e);
    } else {
      job.ok(m.result);
    }
  }

  /**
   * The worker died: reject the job it was running (or every job, if it
   * died before starting one, as when it fails to load); the others run
   * on a fresh worker.
   */
  #crash(w, message) {
    if (w !== this.#worker) return;
    const running = this.#current;
    const victims = running ? [running] : [...this.#jobs.values()];
    for (const j of this.#jobs.values()) if (j.sent && !victims.includes(j)) victims.push(j);
    this.#stop();
    for (const j of victims) this.#jobs.delete(j.msg.id);
    for (const j of victims) j.fail(new Error(message));
    this.#pump();
  }

  /**
   * Cancels a job: a queued one leaves the queue; the running one takes its
   * worker with it, except a stream, which is told to stop (the worker
   * finishes it before the next job, which is sent at once and waits in
   * the worker's own queue).
   */
  #abort(id) {
    const job = this.#jobs.get(id);
    if (!job) return;
    if (this.#current === job) {
      if (job.soft && this.#worker) this.#worker.postMessage({ ack: id, bytes: 0, stop: true });
      else this.#stop();
    }
    job.fail(abortError());
  }
}
