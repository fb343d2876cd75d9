// The Record tab: records the microphone on this device, crash-safe.
//
// getUserMedia (asked only when Record is pressed) -> an AudioWorklet
// (rec-worklet.js: raw float PCM at the device's rate) -> chunks of a tenth
// of a second, posted straight to a worker (rec-writer.js) that appends
// them, flushed, to a WAV in the origin private file system (OPFS). Memory
// stays flat however long the recording; a crash loses at most the chunk
// in flight. Stop fixes the header (RF64 past 4 GiB) and hands the file to
// the cutter like any opened file. On the next visit an unfinished
// recording ("rec-<start ms>.part.wav") is offered back.

import { el, icon, formatBytes } from './util.js';
import { rememberHandle } from './persist.js';

const DIR = 'recordings';
const PART = /^rec-(\d+)\.part\.wav$/;
const CHUNK_SECONDS = 0.1; // at most this much is lost in a crash
const COLUMN_SECONDS = 0.01; // one waveform column
const METER_FLOOR = -60; // dBFS at the meter's left end

/**
 * m:ss, or h:mm:ss from an hour on.
 * @param {number} seconds
 */
export function clock(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** hh:mm of a time in ms, in the user's locale. */
function hourMinute(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The name a finished recording gets: "Recording 2026-11-30 14-32-05.wav". */
function finishedName(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `Recording ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}.wav`;
}

async function recordingsDir() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIR, { create: true });
}

/** A writer worker and a way to wait for its answers. */
function startWriter() {
  const w = new Worker(new URL('./rec-writer.js', import.meta.url));
  const waiting = new Map();
  const listeners = new Set();
  w.onmessage = ({ data }) => {
    const p = waiting.get(data.op);
    if (p) {
      waiting.delete(data.op);
      if (data.error) p.reject(Object.assign(new Error(data.error), { name: data.name || 'Error' }));
      else p.resolve(data);
      return;
    }
    for (const f of listeners) f(data);
  };
  return {
    worker: w,
    call(op, args = {}, transfer = []) {
      return new Promise((resolve, reject) => {
        waiting.set(op, { resolve, reject });
        w.postMessage({ op, ...args }, transfer);
      });
    },
    wait(op) {
      return new Promise((resolve, reject) => waiting.set(op, { resolve, reject }));
    },
    listen: (f) => listeners.add(f),
    close: () => w.terminate(),
  };
}

/**
 * Moves a finished recording to its final name and returns its File (and
 * handle, which the session keeps to reopen it).
 */
async function finish(partName, startMs) {
  const d = await recordingsDir();
  let fh = await d.getFileHandle(partName);
  const name = finishedName(startMs);
  try {
    await fh.move(name);
  } catch {
    // An older browser without move(): the file keeps its working name.
  }
  fh = await d.getFileHandle(fh.name);
  return { handle: fh, file: await fh.getFile() };
}

export class Recorder {
  /**
   * @param {Object} ctx
   * @param {(msg: string) => void} ctx.error
   * @param {(msg: string) => void} ctx.announce
   * @param {(id: string, msg: string, actions: Array<Object>) => {close: Function}} ctx.notify
   * @param {(file: File) => Promise<void>} ctx.open opens a finished recording in the cutter
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.state = 'idle'; // idle | starting | recording | paused | stopping
    this.rate = 48000;
    this.frames = 0;
    this.clipped = false;
    this.cols = new Float32Array(0);
    this.build();
    document.addEventListener('keydown', (e) => this.onKey(e));
    if (navigator.mediaDevices) navigator.mediaDevices.addEventListener?.('devicechange', () => this.listDevices());
  }

  /** @private */
  build() {
    const check = (label, testid) => {
      const box = el('input', { type: 'checkbox', dataset: { testid } });
      return { box, row: el('label', { class: 'rec-toggle' }, box, el('span', {}, label)) };
    };
    this.device = el('select', { 'aria-label': 'Microphone', dataset: { testid: 'rec-device' } }, el('option', { value: '' }, 'Default microphone'));
    this.ec = check('Echo cancellation', 'rec-ec');
    this.ns = check('Noise suppression', 'rec-ns');
    this.agc = check('Automatic gain', 'rec-agc');
    const btn = (label, iconName, onclick, attrs = {}) =>
      el('button', { type: 'button', class: 'btn', onclick, ...attrs }, iconName ? icon(iconName) : null, el('span', { class: 'btn-text' }, label));
    this.recBtn = btn('Record', null, () => this.start(), { class: 'btn btn-primary btn-large', title: 'Record (R)', 'aria-keyshortcuts': 'R', dataset: { testid: 'rec-start' } });
    this.recBtn.prepend(el('span', { class: 'rec-dot', 'aria-hidden': 'true' }));
    this.pauseBtn = btn('Pause', 'pause', () => this.togglePause(), { disabled: true, title: 'Pause or resume (P)', 'aria-keyshortcuts': 'P', dataset: { testid: 'rec-pause' }, 'aria-pressed': 'false' });
    this.stopBtn = btn('Stop', 'stop', () => this.stop(), { disabled: true, title: 'Stop (R)', 'aria-keyshortcuts': 'R', dataset: { testid: 'rec-stop' } });
    this.list = el('ul', { class: 'rec-list', dataset: { testid: 'rec-list' } });
    this.usage = el('p', { class: 'muted small', dataset: { testid: 'rec-usage' } });
    this.saved = el('section', { class: 'rec-saved', 'aria-labelledby': 'rec-saved-title', hidden: true },
      el('h3', { id: 'rec-saved-title' }, 'Recordings on this device'), this.list, this.usage);
    this.elapsed = el('output', { class: 'rec-time mono', 'aria-label': 'Recorded time', dataset: { testid: 'rec-time' } }, '0:00');
    this.status = el('p', { class: 'muted rec-status', 'aria-live': 'polite', dataset: { testid: 'rec-status' } }, 'Press Record to start. The recording is saved on this device as it goes.');
    this.meters = el('div', { class: 'rec-meters' });
    this.clip = el('button', { type: 'button', class: 'btn btn-small rec-clip', hidden: true, title: 'The input reached full scale. Click to reset.', dataset: { testid: 'rec-clip' }, onclick: () => { this.clip.hidden = true; } }, 'Clipped');
    this.canvas = el('canvas', { class: 'rec-wave', height: '96', 'aria-hidden': 'true', dataset: { testid: 'rec-wave' } });
    this.root = el(
      'section',
      { class: 'panel recorder', 'aria-label': 'Recorder', dataset: { testid: 'recorder', state: 'idle' } },
      el('header', { class: 'panel-head' }, el('h2', {}, 'Record'), el('p', { class: 'muted' }, 'Recorded on this device only, into the editor.')),
      el(
        'div',
        { class: 'rec-settings' },
        el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'Input'), this.device),
        el('fieldset', { class: 'rec-toggles' }, el('legend', { class: 'field-label' }, 'Voice processing (off for music)'), this.ec.row, this.ns.row, this.agc.row),
      ),
      el('div', { class: 'toolbar rec-transport', role: 'toolbar', 'aria-label': 'Recording' }, this.recBtn, this.pauseBtn, this.stopBtn, this.elapsed),
      el('div', { class: 'rec-level' }, this.meters, this.clip),
      this.canvas,
      this.status,
      el('p', { class: 'muted small' }, 'Keys: R records and stops, P pauses and resumes.'),
      this.saved,
    );
    this.setMeters(1);
  }

  /** @private one meter per channel */
  setMeters(n) {
    this.meterEls = [];
    const rows = [];
    for (let c = 0; c < n; c++) {
      const m = el('meter', { min: String(METER_FLOOR), max: '0', low: '-18', high: '-3', optimum: '-30', value: String(METER_FLOOR), 'aria-label': n > 1 ? `Level, channel ${c + 1}` : 'Level', dataset: { testid: 'rec-meter' } });
      this.meterEls.push(m);
      rows.push(m);
    }
    this.meters.replaceChildren(...rows);
  }

  /** @private fills the device picker (names appear once permitted) */
  async listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const keep = this.device.value;
    const devs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput' && d.deviceId && d.deviceId !== 'default');
    this.device.replaceChildren(
      el('option', { value: '' }, 'Default microphone'),
      ...devs.map((d, i) => el('option', { value: d.deviceId }, d.label || `Microphone ${i + 1}`)),
    );
    if ([...this.device.options].some((o) => o.value === keep)) this.device.value = keep;
  }

  /** Called when the tab is shown. */
  shown() {
    this.listDevices().catch(() => {});
    this.resizeCanvas();
    this.listSaved().catch(() => {});
  }

  /** @private R records and stops, P pauses and resumes, on the Record tab. */
  onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    if (!this.root.isConnected || this.root.closest('[hidden]')) return;
    const t = /** @type {HTMLElement} */ (e.target);
    if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) && t.type !== 'checkbox') return;
    const k = e.key.toLowerCase();
    if (k === 'r') {
      e.preventDefault();
      if (this.state === 'idle') this.start();
      else this.stop();
    } else if (k === 'p') {
      e.preventDefault();
      this.togglePause();
    }
  }

  // ---- finished recordings -------------------------------------------

  /**
   * Lists the finished recordings kept in the private file system, newest
   * first, each with Open and Delete, and how much storage they use.
   */
  async listSaved() {
    if (!navigator.storage || !navigator.storage.getDirectory) return;
    let d;
    try {
      d = await recordingsDir();
    } catch {
      return;
    }
    const files = [];
    for await (const [name, h] of d.entries()) {
      if (h.kind !== 'file' || PART.test(name)) continue;
      try {
        files.push({ name, file: await h.getFile() });
      } catch {
        // being written or removed by another tab
      }
    }
    files.sort((a, b) => b.file.lastModified - a.file.lastModified);
    const total = files.reduce((n, f) => n + f.file.size, 0);
    this.list.replaceChildren(...files.map((f) => this.savedRow(f)));
    this.saved.hidden = !files.length;
    let usage = `${files.length} recording${files.length === 1 ? '' : 's'}, ${formatBytes(total)} on this device.`;
    try {
      const est = await navigator.storage.estimate();
      if (est.quota) usage += ` The browser allows this site about ${formatBytes(est.quota)}.`;
    } catch {
      // no estimate
    }
    this.usage.textContent = usage;
  }

  /** @private one finished recording's row */
  savedRow({ name, file }) {
    const when = new Date(file.lastModified).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    const actions = el('span', { class: 'rec-actions' });
    const open = el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'rec-open' }, onclick: () => this.ctx.open(file) }, 'Open');
    const del = el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Delete ${name}`, dataset: { testid: 'rec-delete' }, onclick: () => confirm() }, 'Delete');
    const confirm = () => {
      const yes = el('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { testid: 'rec-delete-confirm' }, onclick: () => this.deleteSaved(name) }, 'Delete for good');
      const no = el('button', { type: 'button', class: 'btn btn-small', onclick: () => { actions.replaceChildren(open, del); del.focus(); } }, 'Keep');
      actions.replaceChildren(el('span', { class: 'small' }, 'It cannot be brought back. '), yes, no);
      yes.focus();
    };
    actions.append(open, del);
    return el('li', { class: 'rec-item', dataset: { testid: 'rec-item', name } },
      el('span', { class: 'rec-name' }, name), el('span', { class: 'muted small' }, ` ${when} · ${formatBytes(file.size)} `), actions);
  }

  /** @private removes a finished recording from this device */
  async deleteSaved(name) {
    try {
      await (await recordingsDir()).removeEntry(name);
      this.ctx.announce(`Deleted ${name}.`);
    } catch (err) {
      this.ctx.error(`Could not delete ${name}: ${err.message || err}`);
    }
    await this.listSaved();
  }

  /** @private */
  setState(s) {
    this.state = s;
    this.root.dataset.state = s;
    const busy = s !== 'idle';
    this.recBtn.disabled = busy;
    this.pauseBtn.disabled = s !== 'recording' && s !== 'paused';
    this.stopBtn.disabled = s !== 'recording' && s !== 'paused';
    this.pauseBtn.setAttribute('aria-pressed', String(s === 'paused'));
    this.pauseBtn.querySelector('.btn-text').textContent = s === 'paused' ? 'Resume' : 'Pause';
    for (const x of [this.device, this.ec.box, this.ns.box, this.agc.box]) x.disabled = busy;
  }

  /** Starts recording (asks for the microphone now, not before). */
  async start() {
    if (this.state !== 'idle') return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof AudioWorkletNode !== 'function' || !navigator.storage || !navigator.storage.getDirectory) {
      this.ctx.error('This browser cannot record here: it lacks the microphone, AudioWorklet or private file storage support Offcut needs.');
      return;
    }
    this.setState('starting');
    this.status.textContent = 'Asking for the microphone…';
    try {
      const audio = {
        echoCancellation: this.ec.box.checked,
        noiseSuppression: this.ns.box.checked,
        autoGainControl: this.agc.box.checked,
      };
      if (this.device.value) audio.deviceId = { exact: this.device.value };
      this.stream = await navigator.mediaDevices.getUserMedia({ audio });
      const track = this.stream.getAudioTracks()[0];
      const settings = track.getSettings ? track.getSettings() : {};
      try {
        this.ac = new AudioContext(settings.sampleRate ? { sampleRate: settings.sampleRate } : {});
      } catch {
        this.ac = new AudioContext();
      }
      this.rate = this.ac.sampleRate;
      const channels = Math.max(1, Math.min(8, settings.channelCount || 1));
      this.channels = channels;
      await this.ac.audioWorklet.addModule(new URL('./rec-worklet.js', import.meta.url));
      this.source = this.ac.createMediaStreamSource(this.stream);
      this.node = new AudioWorkletNode(this.ac, 'offcut-recorder', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        channelCount: channels,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
        processorOptions: {
          channels,
          chunkFrames: Math.round(this.rate * CHUNK_SECONDS),
          columnFrames: Math.round(this.rate * COLUMN_SECONDS),
          reportFrames: Math.round(this.rate * 0.05),
        },
      });
      this.startMs = Date.now();
      this.partName = `rec-${this.startMs}.part.wav`;
      this.writer = startWriter();
      this.writer.listen((m) => {
        if (m.op === 'write' && m.error) this.failed(m.error);
      });
      const ch = new MessageChannel();
      await this.writer.call('open', { name: this.partName, channels, rate: this.rate, port: ch.port2 }, [ch.port2]);
      this.node.port.postMessage({ sink: ch.port1 }, [ch.port1]);
      this.node.port.onmessage = ({ data }) => this.onLevels(data);
      this.source.connect(this.node);
      this.node.connect(this.ac.destination); // outputs silence; keeps it pulled
      await this.ac.resume();
      this.frames = 0;
      this.clip.hidden = true;
      this.cols = new Float32Array(0);
      this.setMeters(channels);
      this.node.port.postMessage({ cmd: 'record' });
      this.setState('recording');
      this.status.textContent = `Recording ${channels === 1 ? 'mono' : `${channels} channels`} at ${this.rate} Hz, saved on this device as it goes.`;
      this.ctx.announce('Recording.');
      this.listDevices().catch(() => {});
      this.draw();
    } catch (err) {
      this.teardown();
      this.setState('idle');
      const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      const missing = err && (err.name === 'NotFoundError' || err.name === 'OverconstrainedError');
      this.status.textContent = 'Not recording.';
      this.ctx.error(denied ? 'Offcut may not use the microphone. Allow it in the browser\'s site settings and press Record again.'
        : missing ? 'No microphone was found. Connect one, or pick another input.'
        : `Could not start recording: ${err.message || err}`);
    }
  }

  /** Pauses or resumes; the parts join without a gap. */
  togglePause() {
    if (this.state === 'recording') {
      this.node.port.postMessage({ cmd: 'pause' });
      this.setState('paused');
      this.status.textContent = 'Paused. The meter stays live; nothing is recorded until you resume.';
      this.ctx.announce('Paused.');
    } else if (this.state === 'paused') {
      this.node.port.postMessage({ cmd: 'record' });
      this.setState('recording');
      this.status.textContent = 'Recording.';
      this.ctx.announce('Recording again.');
    }
  }

  /** Stops, finishes the file and opens it in the cutter. */
  async stop() {
    if (this.state !== 'recording' && this.state !== 'paused') return;
    this.setState('stopping');
    this.status.textContent = 'Finishing the recording…';
    try {
      const done = this.writer.wait('stopped');
      this.node.port.postMessage({ cmd: 'stop' });
      const r = await done;
      // The writer's count is the file's: the worklet's last level
      // report may still be on its way.
      this.frames = r.frames;
      this.elapsed.textContent = clock(this.frames / this.rate);
      this.root.dataset.frames = String(this.frames);
      this.teardown();
      const { handle, file } = await finish(this.partName, this.startMs);
      rememberHandle(handle, file).catch(() => {});
      this.status.textContent = `Recorded ${clock(r.frames / this.rate)}: ${file.name}. It is open in the cutter.`;
      this.setState('idle');
      this.listSaved().catch(() => {});
      await this.ctx.open(file);
    } catch (err) {
      this.teardown();
      this.setState('idle');
      this.ctx.error(`The recording could not be finished: ${err.message || err}. It is offered back the next time Offcut opens.`);
    }
  }

  /** @private a write failed (e.g. the disk is full): stop where it is */
  failed(msg) {
    this.ctx.error(`Recording stopped: ${msg}. What was recorded so far is kept.`);
    this.teardown();
    this.setState('idle');
    this.recoverAll().catch(() => {});
  }

  /** @private */
  teardown() {
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    if (this.source) this.source.disconnect();
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    if (this.ac) this.ac.close().catch(() => {});
    if (this.writer) this.writer.close();
    this.stream = this.source = this.node = this.ac = this.writer = null;
    cancelAnimationFrame(this.raf);
  }

  /** @private a level report from the worklet */
  onLevels(m) {
    if (this.state !== 'idle') this.frames = m.frames;
    this.elapsed.textContent = clock(this.frames / this.rate);
    this.root.dataset.frames = String(this.frames);
    m.peaks.forEach((p, c) => {
      const db = p > 0 ? Math.max(METER_FLOOR, 20 * Math.log10(p)) : METER_FLOOR;
      const meter = this.meterEls[c];
      if (meter) {
        // Falls back slowly, as a level meter does.
        const prev = Number(meter.value);
        meter.value = db >= prev ? db : Math.max(db, prev - 3);
      }
    });
    if (m.clip) this.clip.hidden = false;
    if (m.cols && m.cols.length) this.pushColumns(m.cols);
  }

  /** @private keeps the last canvas-width columns (flat memory) */
  pushColumns(cols) {
    const w = this.canvas.width;
    const keep = 2 * w;
    const merged = new Float32Array(Math.min(keep, this.cols.length + cols.length));
    const all = this.cols.length + cols.length;
    const skip = all - merged.length;
    let k = 0;
    for (let i = skip; i < all; i++) merged[k++] = i < this.cols.length ? this.cols[i] : cols[i - this.cols.length];
    this.cols = merged;
  }

  /** @private */
  resizeCanvas() {
    const w = Math.max(100, Math.floor(this.canvas.clientWidth || 600));
    if (this.canvas.width !== w) this.canvas.width = w;
  }

  /** @private draws the scrolling waveform while recording */
  draw() {
    const c = this.canvas.getContext('2d');
    const paint = () => {
      if (!this.ac) return;
      this.resizeCanvas();
      const w = this.canvas.width;
      const h = this.canvas.height;
      const mid = h / 2;
      const style = getComputedStyle(this.root);
      c.clearRect(0, 0, w, h);
      c.fillStyle = style.getPropertyValue('--accent') || '#2563eb';
      const n = this.cols.length / 2;
      const x0 = w - n;
      for (let i = 0; i < n; i++) {
        const lo = this.cols[2 * i];
        const hi = this.cols[2 * i + 1];
        c.fillRect(x0 + i, mid - hi * mid, 1, Math.max(1, (hi - lo) * mid));
      }
      this.raf = requestAnimationFrame(paint);
    };
    this.raf = requestAnimationFrame(paint);
  }

  // ---- recovery ------------------------------------------------------

  /**
   * Offers back every unfinished recording left by a crash or a closed
   * tab (one still being written by another tab is left alone).
   */
  async recoverAll() {
    if (!navigator.storage || !navigator.storage.getDirectory || this.state !== 'idle') return;
    let d;
    try {
      d = await recordingsDir();
    } catch {
      return; // no private file system (private mode in some browsers)
    }
    const parts = [];
    for await (const [name] of d.entries()) {
      const m = PART.exec(name);
      if (m) parts.push({ name, ms: Number(m[1]) });
    }
    if (!parts.length) return;
    const w = startWriter();
    try {
      for (const p of parts.sort((a, b) => a.ms - b.ms)) {
        let info;
        try {
          info = await w.call('inspect', { name: p.name });
        } catch {
          continue; // in use by another tab, or not readable now
        }
        this.offer(p, info);
      }
    } finally {
      w.close();
    }
  }

  /** @private */
  offer(p, info) {
    const len = clock(info.frames / info.rate);
    this.ctx.notify(`rec-recover-${p.ms}`, `Recover the recording from ${hourMinute(p.ms)} (${len})?`, [
      { label: 'Recover', primary: true, testid: 'rec-recover', run: () => this.recover(p) },
      { label: 'Discard', testid: 'rec-discard', run: () => this.discard(p) },
    ]);
  }

  /** @private fixes the header and opens the recording */
  async recover(p) {
    const w = startWriter();
    try {
      await w.call('recover', { name: p.name });
      const { handle, file } = await finish(p.name, p.ms);
      rememberHandle(handle, file).catch(() => {});
      this.ctx.announce(`Recovered ${file.name}.`);
      await this.ctx.open(file);
    } catch (err) {
      this.ctx.error(`The recording from ${hourMinute(p.ms)} could not be recovered: ${err.message || err}`);
    } finally {
      w.close();
    }
  }

  /** @private */
  async discard(p) {
    try {
      await (await recordingsDir()).removeEntry(p.name);
    } catch (err) {
      this.ctx.error(`Could not delete the unfinished recording: ${err.message || err}`);
    }
  }
}
