// The recorder's AudioWorklet: raw PCM from the microphone, as the device
// gives it (no lossy codec), at the context's rate.
//
// It sends interleaved float32 chunks of at most chunkFrames (a tenth of a
// second) straight to the file writer's port (sink), never through the
// page, and small level reports to the page on its own port: the peak of
// each channel, whether anything clipped, min/max columns for the scrolling
// waveform and the frames recorded so far. Paused, it still measures (the
// meter stays live) but records nothing; resuming joins at the next
// 128-frame block, so nothing is lost or repeated at the join.
/* global sampleRate */

class OffcutRecorder extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.ch = o.channels || 1;
    this.chunkFrames = o.chunkFrames || 4800;
    this.columnFrames = o.columnFrames || 480;
    this.reportFrames = o.reportFrames || 2400;
    this.chunk = new Float32Array(this.chunkFrames * this.ch);
    this.fill = 0; // frames in chunk
    this.recording = false;
    this.stopped = false;
    this.sink = null;
    this.frames = 0; // frames recorded
    this.peaks = new Float32Array(this.ch);
    this.clip = false;
    this.cols = [];
    this.colMin = 0;
    this.colMax = 0;
    this.colFill = 0;
    this.sinceReport = 0;
    this.port.onmessage = ({ data }) => {
      if (data.sink) this.sink = data.sink;
      if (data.cmd === 'record') this.recording = true;
      if (data.cmd === 'pause') {
        this.recording = false;
        this.send(); // what was recorded before the pause is on disk now
      }
      if (data.cmd === 'stop') {
        this.recording = false;
        this.send();
        if (this.sink) this.sink.postMessage({ stop: true });
        this.stopped = true;
        this.report();
      }
    };
  }

  /** Sends the chunk being filled to the writer. */
  send() {
    if (!this.fill || !this.sink) return;
    const out = this.fill === this.chunkFrames ? this.chunk : this.chunk.slice(0, this.fill * this.ch);
    this.sink.postMessage({ samples: out }, [out.buffer]);
    this.chunk = new Float32Array(this.chunkFrames * this.ch);
    this.fill = 0;
  }

  report() {
    this.port.postMessage({
      peaks: Array.from(this.peaks),
      clip: this.clip,
      cols: this.cols,
      frames: this.frames,
      recording: this.recording,
      stopped: this.stopped,
    });
    this.peaks.fill(0);
    this.clip = false;
    this.cols = [];
    this.sinceReport = 0;
  }

  process(inputs, outputs) {
    if (this.stopped) return false;
    const input = inputs[0] || [];
    const n = input.length ? input[0].length : (outputs[0] && outputs[0][0] ? outputs[0][0].length : 128);
    const ch = this.ch;
    for (let c = 0; c < ch; c++) {
      const x = input[Math.min(c, input.length - 1)];
      if (!x) continue;
      let p = this.peaks[c];
      for (let i = 0; i < n; i++) {
        const a = Math.abs(x[i]);
        if (a > p) p = a;
      }
      this.peaks[c] = p;
      if (p >= 0.999) this.clip = true;
    }
    // Waveform columns: min/max over all channels.
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < input.length; c++) {
        const v = input[c][i];
        if (v < this.colMin) this.colMin = v;
        if (v > this.colMax) this.colMax = v;
      }
      if (++this.colFill === this.columnFrames) {
        this.cols.push(this.colMin, this.colMax);
        this.colMin = this.colMax = 0;
        this.colFill = 0;
      }
    }
    if (this.recording) {
      let i = 0;
      while (i < n) {
        const k = Math.min(n - i, this.chunkFrames - this.fill);
        const base = this.fill * ch;
        for (let c = 0; c < ch; c++) {
          const x = input[Math.min(c, input.length - 1)];
          if (x) for (let j = 0; j < k; j++) this.chunk[base + j * ch + c] = x[i + j];
          else for (let j = 0; j < k; j++) this.chunk[base + j * ch + c] = 0; // no input: silence keeps time
        }
        this.fill += k;
        i += k;
        if (this.fill === this.chunkFrames) this.send();
      }
      this.frames += n;
    }
    this.sinceReport += n;
    if (this.sinceReport >= this.reportFrames) this.report();
    return true;
  }
}

registerProcessor('offcut-recorder', OffcutRecorder);
