// The bench's material: music-like and speech-like signals made with sox,
// long WAVs made by repeating a short one's samples (disk speed, not synth
// speed), and MP3/FLAC/Opus/M4A versions made with the reference encoders.
// Everything goes into the cache folder and is reused while it is there.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const RATE = 44100;

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Makes file with make(tmp) unless it exists; writes through a temporary name. */
function once(file, make) {
  if (fs.existsSync(file)) return file;
  const tmp = file.replace(/(\.[^.]+)$/, '.tmp$1');
  fs.rmSync(tmp, { force: true });
  make(tmp);
  fs.renameSync(tmp, file);
  return file;
}

/** Music-like: two swept tones with pink noise, tremolo, stereo 16-bit. */
function music(file, seconds, lo = 220, hi = 880) {
  return once(file, (tmp) => run('sox', ['-n', '-r', String(RATE), '-b', '16', '-c', '2', tmp,
    'synth', String(seconds), 'sine', `${lo}:${hi}`, 'sine', `${lo * 1.5}:${hi * 0.75}`,
    'synth', 'pinknoise', 'mix', 'tremolo', '4', '40', 'gain', '-n', '-3']));
}

/** Speech-like: band-passed brown noise in syllable-rate bursts, mono 16-bit. */
function speech(file, seconds) {
  return once(file, (tmp) => run('sox', ['-n', '-r', String(RATE), '-b', '16', '-c', '1', tmp,
    'synth', String(seconds), 'brownnoise', 'synth', 'sine', 'amod', '3.7',
    'bandpass', '700', '1200', 'gain', '-n', '-6']));
}

/** The offset and length of a canonical WAV's data chunk. */
function wavData(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    let p = 12;
    while (p + 8 <= n) {
      const id = head.toString('latin1', p, p + 4);
      const size = head.readUInt32LE(p + 4);
      if (id === 'data') return { offset: p + 8, size, header: head.subarray(0, p + 8) };
      p += 8 + size + (size & 1);
    }
  } finally {
    fs.closeSync(fd);
  }
  throw new Error(`${file}: no data chunk in the first 4 kB`);
}

/** A WAV of about `bytes` bytes (whole frames) repeating src's samples. */
function repeated(file, src, bytes) {
  return once(file, (tmp) => {
    const { offset, size, header } = wavData(src);
    const blockAlign = header.readUInt16LE(32);
    const dataSize = Math.floor((bytes - header.length) / blockAlign) * blockAlign;
    if (dataSize >= 2 ** 32) throw new Error('repeated WAV over 4 GiB needs RF64');
    const h = Buffer.from(header);
    h.writeUInt32LE(h.length - 8 + dataSize, 4);
    h.writeUInt32LE(dataSize, h.length - 4);
    const data = Buffer.alloc(size);
    const fd0 = fs.openSync(src, 'r');
    fs.readSync(fd0, data, 0, size, offset);
    fs.closeSync(fd0);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, h);
      let left = dataSize;
      while (left > 0) {
        const n = Math.min(left, data.length);
        fs.writeSync(fd, data, 0, n);
        left -= n;
      }
    } finally {
      fs.closeSync(fd);
    }
  });
}

/**
 * Makes (or finds) every input of the chosen jobs in dir and returns their
 * paths by name. full adds the 2.5 GB WAV.
 */
export function makeMaterial(dir, { full }) {
  fs.mkdirSync(dir, { recursive: true });
  const p = (n) => path.join(dir, n);
  const m = {};
  m.music3 = music(p('music-3min.wav'), 180);
  m.music3b = music(p('music-3min-b.wav'), 180, 330, 1320);
  m.speech3 = speech(p('speech-3min.wav'), 180);
  m.join = [1, 2, 3].map((i) => music(p(`join-5min-${i}.wav`), 300, 110 * i, 440 * i));
  m.music10 = music(p('music-10min.wav'), 600, 165, 990);
  m.wav500 = repeated(p('music-500MB.wav'), m.music3, 500e6);
  m.wav60 = repeated(p('music-60min.wav'), m.music3, 44 + 3600 * RATE * 4);
  if (full) m.wav2500 = repeated(p('music-2.5GB.wav'), m.music3, 2.5e9);
  // The MP3s as people have them: LAME, joint stereo, with its gapless header.
  m.mp3_10 = once(p('music-10min.mp3'), (t) => run('lame', ['--quiet', '-b', '192', m.music10, t]));
  m.mp3a = once(p('music-3min.mp3'), (t) => run('lame', ['--quiet', '-b', '192', m.music3, t]));
  m.mp3b = once(p('music-3min-b.mp3'), (t) => run('lame', ['--quiet', '-b', '192', m.music3b, t]));
  m.flac = once(p('music-3min.flac'), (t) => run('flac', ['-s', '-5', '-o', t, m.music3]));
  m.opus = once(p('music-3min.opus'), (t) => run('opusenc', ['--quiet', '--bitrate', '128', m.music3, t]));
  m.m4a = once(p('music-3min.m4a'), (t) => run('ffmpeg', ['-v', 'error', '-y', '-i', m.music3, '-c:a', 'aac', '-b:a', '192k', t]));
  // The batch: 20 files of 30 s, music and speech in turn.
  const bdir = p('batch');
  fs.mkdirSync(bdir, { recursive: true });
  m.batch = [];
  for (let i = 0; i < 20; i++) {
    const src = i % 2 ? m.speech3 : m.music3;
    m.batch.push(once(path.join(bdir, `clip-${String(i + 1).padStart(2, '0')}.wav`),
      (t) => run('sox', [src, t, 'trim', String(i * 7), '30'])));
  }
  return m;
}

export { wavData };
