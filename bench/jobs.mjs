// The jobs make bench runs: each in the browser through /offcut.js and
// through ffmpeg.wasm, and natively through the offcut CLI and the
// reference tools, on the same files. See bench.mjs for how they run.
//
// A job:
//   id, title, quick (part of make bench-quick)
//   inputs: paths; the page gets them as File objects on #files
//   offcut: {renders: [{project, inputs}]} or {peaks: {buckets}}
//   ffmpeg: {cmds: [{args, out, write}], peaks}; {N} in args is input N's
//     name in ffmpeg's file system; memfs: false when MEMFS cannot hold it
//   ext: the output's extension; saved: which outputs to check
//   ref(dir): makes the reference file natively (or names the source)
//   check: 'exact' (bit-exact PCM), 'snr' (lossy or another decoder),
//     'peaks' (against the CLI's peaks)
//   native: {offcut: argv, peers: {name: argv}}; {out} is the output path,
//     {outdir} a fresh folder

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const R = 44100;

function sh(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** An edit document of one clip [in, out) of source 0. */
function clipDoc(from, to, output = {}) {
  return { version: 1, clips: [{ source: 0, in: from, out: to }], output };
}

export function makeJobs(m, info, { full, opusWriter, mp3Options, dir }) {
  const joinList = path.join(dir, 'join-list.txt');
  fs.writeFileSync(joinList, m.join.map((p) => `file '${p}'\n`).join(''));
  const frames = (p) => info[p].frames;
  const ff1 = ['-threads', '1'];
  const jobs = [];

  jobs.push({
    id: 'cut500', title: 'cut 60 s of a 500 MB WAV', quick: true,
    inputs: [m.wav500], ext: 'wav', check: 'exact',
    offcut: { renders: [{ project: clipDoc(600 * R, 660 * R), inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-ss', '600', '-t', '60', '-i', '{0}', '-c', 'copy', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
    ref: (d) => once(path.join(d, 'cut500.wav'), (o) => sh('sox', [m.wav500, o, 'trim', `${600 * R}s`, `${60 * R}s`])),
    native: {
      offcut: ['cut', m.wav500, '--from', `${600 * R}s`, '--to', `${660 * R}s`, '-o', '{out}'],
      peers: {
        ffmpeg: ['ffmpeg', '-v', 'error', '-y', '-ss', '600', '-t', '60', '-i', m.wav500, '-c', 'copy', '{out}'],
        sox: ['sox', m.wav500, '{out}', 'trim', `${600 * R}s`, `${60 * R}s`],
      },
    },
  });

  if (full && m.wav2500) {
    const at = Math.floor((frames(m.wav2500) * 0.9) / R) * R;
    jobs.push({
      id: 'cut2500', title: 'cut 60 s from the end of a 2.5 GB WAV', quick: false,
      inputs: [m.wav2500], ext: 'wav', check: 'exact', memfs: false,
      memfsNote: 'MEMFS cannot hold a file over 2 GiB (the copy into wasm memory fails)',
      offcut: { renders: [{ project: clipDoc(at, at + 60 * R), inputs: [0] }] },
      ffmpeg: { cmds: [{ args: ['-v', 'error', '-ss', String(at / R), '-t', '60', '-i', '{0}', '-c', 'copy', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
      ref: (d) => once(path.join(d, 'cut2500.wav'), (o) => sh('sox', [m.wav2500, o, 'trim', `${at}s`, `${60 * R}s`])),
      native: {
        offcut: ['cut', m.wav2500, '--from', `${at}s`, '--to', `${at + 60 * R}s`, '-o', '{out}'],
        peers: {
          ffmpeg: ['ffmpeg', '-v', 'error', '-y', '-ss', String(at / R), '-t', '60', '-i', m.wav2500, '-c', 'copy', '{out}'],
          sox: ['sox', m.wav2500, '{out}', 'trim', `${at}s`, `${60 * R}s`],
        },
      },
    });
  }

  jobs.push({
    id: 'join', title: 'join three 5-min WAVs', quick: false,
    inputs: m.join, ext: 'wav', check: 'exact',
    offcut: { renders: [{ project: { version: 1, clips: m.join.map((p, i) => ({ source: i, in: 0, out: frames(p) })) }, inputs: [0, 1, 2] }] },
    ffmpeg: { cmds: [{ write: { name: 'list.txt', text: "file '{0}'\nfile '{1}'\nfile '{2}'\n" }, args: ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', 'list.txt', '-c', 'copy', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
    ref: (d) => once(path.join(d, 'join.wav'), (o) => sh('sox', [...m.join, o])),
    native: {
      offcut: ['join', ...m.join, '-o', '{out}'],
      peers: {
        sox: ['sox', ...m.join, '{out}'],
        ffmpeg: ['ffmpeg', '-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', joinList, '-c', 'copy', '{out}'],
      },
    },
  });

  jobs.push({
    id: 'mp3wav', title: '10-min MP3 → WAV', quick: true,
    inputs: [m.mp3_10], ext: 'wav', check: 'snr',
    // Decoded in segments on every core's worker; offcut-one is the same
    // render in one piece on one worker.
    offcutOne: true,
    offcut: { renders: [{ project: { version: 1, clips: [{ source: 0, in: 0, out: frames(m.mp3_10) }], output: { container: 'wav', sampleFormat: 's16' } }, inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'pcm_s16le', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
    ref: (d) => once(path.join(d, 'mp3wav.wav'), (o) => sh('ffmpeg', ['-v', 'error', '-y', '-i', m.mp3_10, '-c:a', 'pcm_s16le', o])),
    native: {
      offcut: ['convert', m.mp3_10, '-o', '{out}', '--bits', '16'],
      peers: {
        ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.mp3_10, '-c:a', 'pcm_s16le', '{out}'],
        lame: ['lame', '--quiet', '--decode', m.mp3_10, '{out}'],
      },
    },
  });

  jobs.push({
    id: 'mp3cut', title: 'lossless MP3 cut 60–180 s', quick: true,
    inputs: [m.mp3_10], ext: 'mp3', check: 'snr',
    offcut: { renders: [{ project: clipDoc(60 * R, 180 * R, { container: 'mp3' }), inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-ss', '60', '-to', '180', '-i', '{0}', '-c', 'copy', 'out.mp3'], out: 'out.mp3', mime: 'audio/mpeg' }] },
    ref: (d) => once(path.join(d, 'mp3cut.wav'), (o) => {
      const whole = path.join(d, 'mp3cut-whole.wav');
      sh('ffmpeg', ['-v', 'error', '-y', '-i', m.mp3_10, '-c:a', 'pcm_s16le', whole]);
      sh('sox', [whole, o, 'trim', `${60 * R}s`, `${120 * R}s`]);
      fs.rmSync(whole);
    }),
    native: {
      offcut: ['cut', m.mp3_10, '--from', '60', '--to', '180', '-o', '{out}'],
      peers: { ffmpeg: ['ffmpeg', '-v', 'error', '-y', '-ss', '60', '-to', '180', '-i', m.mp3_10, '-c', 'copy', '{out}'] },
    },
  });

  const xf = 'acrossfade=d=2:c1=qsin:c2=qsin';
  jobs.push({
    id: 'xfade', title: '2 s crossfade of two 3-min MP3s → WAV', quick: false,
    inputs: [m.mp3a, m.mp3b], ext: 'wav', check: 'snr',
    offcutOne: true,
    offcut: {
      renders: [{
        project: {
          version: 1, clips: [{ source: 0, in: 0, out: frames(m.mp3a) }, { source: 1, in: 0, out: frames(m.mp3b) }],
          joins: [{ type: 'crossfade', length: 2 * R, curve: 'equal-power' }], output: { container: 'wav', sampleFormat: 's16' },
        },
        inputs: [0, 1],
      }],
    },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-i', '{1}', '-filter_complex', xf, '-c:a', 'pcm_s16le', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
    ref: (d) => once(path.join(d, 'xfade.wav'), (o) => sh('ffmpeg', ['-v', 'error', '-y', '-i', m.mp3a, '-i', m.mp3b, '-filter_complex', xf, '-c:a', 'pcm_s16le', o])),
    native: {
      offcut: ['join', m.mp3a, m.mp3b, '--crossfade', '2', '--curve', 'equal-power', '--bits', '16', '-o', '{out}'],
      peers: { ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.mp3a, '-i', m.mp3b, '-filter_complex', xf, '-c:a', 'pcm_s16le', '{out}'] },
    },
  });

  // refTool decodes src to the reference; a string instead names the
  // file src was made from (the reference when the only native decoder,
  // ffmpeg's, does not trim the end as the container says).
  const decodeJob = (id, title, src, check, refTool, peers, quick) => ({
    id, title, quick, inputs: [src], ext: 'wav', check,
    offcut: { renders: [{ project: { version: 1, clips: [{ source: 0, in: 0, out: frames(src) }], output: { container: 'wav', sampleFormat: 's16' } }, inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'pcm_s16le', 'out.wav'], out: 'out.wav', mime: 'audio/wav' }] },
    ref: typeof refTool === 'string' ? () => refTool : (d) => once(path.join(d, id + '.wav'), (o) => sh(refTool[0], refTool.slice(1).map((a) => a === '{out}' ? o : a))),
    native: {
      offcut: ['convert', src, '-o', '{out}', '--bits', '16'],
      peers: { ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', src, '-c:a', 'pcm_s16le', '{out}'], ...peers },
    },
  });
  jobs.push(decodeJob('flacwav', 'FLAC → WAV (3 min)', m.flac, 'exact', ['flac', '-s', '-d', '-f', '-o', '{out}', m.flac],
    { flac: ['flac', '-s', '-d', '-f', '-o', '{out}', m.flac] }, false));
  jobs.push(decodeJob('opuswav', 'Opus → WAV (3 min)', m.opus, 'snr', ['opusdec', '--quiet', '--rate', '48000', m.opus, '{out}'],
    { opusdec: ['opusdec', '--quiet', '--rate', '48000', m.opus, '{out}'] }, false));
  // The reference is the WAV the M4A was encoded from: ffmpeg 5.1 plays
  // the last AAC frame whole (48 samples past the length the MP4 says).
  jobs.push(decodeJob('m4awav', 'M4A (AAC) → WAV (3 min)', m.m4a, 'snr', m.music3, {}, false));

  jobs.push({
    id: 'wavmp3', title: 'WAV → MP3 128k (3 min)', quick: true,
    inputs: [m.music3], ext: 'mp3', check: 'snr', refIsSource: true,
    // Also timed in one piece on one worker (the default encodes the
    // engine's segments on a worker per core, at most 4).
    offcutOne: true,
    offcut: { renders: [{ project: clipDoc(0, frames(m.music3), { container: 'mp3', options: mp3Options }), inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'libmp3lame', '-b:a', '128k', 'out.mp3'], out: 'out.mp3', mime: 'audio/mpeg' }] },
    ref: () => m.music3,
    native: {
      offcut: ['convert', m.music3, '-o', '{out}', ...Object.entries(mp3Options).flatMap(([k, v]) => ['--option', `${k}=${v}`])],
      peers: {
        lame: ['lame', '--quiet', '-b', '128', m.music3, '{out}'],
        ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.music3, '-c:a', 'libmp3lame', '-b:a', '128k', '{out}'],
      },
    },
  });

  jobs.push({
    id: 'wavflac', title: 'WAV → FLAC level 5 (3 min)', quick: false,
    inputs: [m.music3], ext: 'flac', check: 'exact', refIsSource: true,
    offcut: { renders: [{ project: clipDoc(0, frames(m.music3), { container: 'flac', options: { level: '5' } }), inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'flac', '-compression_level', '5', 'out.flac'], out: 'out.flac', mime: 'audio/flac' }] },
    ref: () => m.music3,
    native: {
      offcut: ['convert', m.music3, '-o', '{out}', '--option', 'level=5'],
      peers: {
        flac: ['flac', '-s', '-f', '-5', '-o', '{out}', m.music3],
        ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.music3, '-c:a', 'flac', '-compression_level', '5', '{out}'],
      },
    },
  });

  const opusJob = {
    id: 'wavopus', title: 'WAV → Opus 96k (3 min)', quick: false,
    inputs: [m.music3], ext: 'opus', check: 'snr', refIsSource: true,
    ref: () => m.music3,
  };
  if (opusWriter) {
    Object.assign(opusJob, {
      offcut: { renders: [{ project: clipDoc(0, frames(m.music3), { container: 'opus', options: opusWriter }), inputs: [0] }] },
      ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'libopus', '-b:a', '96k', 'out.opus'], out: 'out.opus', mime: 'audio/ogg' }] },
      native: {
        offcut: ['convert', m.music3, '-o', '{out}', ...Object.entries(opusWriter).flatMap(([k, v]) => ['--option', `${k}=${v}`])],
        peers: {
          opusenc: ['opusenc', '--quiet', '--bitrate', '96', m.music3, '{out}'],
          ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.music3, '-c:a', 'libopus', '-b:a', '96k', '{out}'],
        },
      },
    });
  } else {
    opusJob.skip = 'the engine has no Opus writer yet (oc.formats() lists none that writes opus)';
  }
  jobs.push(opusJob);

  jobs.push({
    id: 'wavaac', title: 'WAV → M4A (AAC-LC 128k, 3 min)', quick: false,
    inputs: [m.music3], ext: 'm4a', check: 'snr', refIsSource: true,
    offcut: { renders: [{ project: clipDoc(0, frames(m.music3), { container: 'mp4', options: { bitrate: '128' } }), inputs: [0] }] },
    ffmpeg: { cmds: [{ args: ['-v', 'error', '-i', '{0}', '-c:a', 'aac', '-b:a', '128k', 'out.m4a'], out: 'out.m4a', mime: 'audio/mp4' }] },
    ref: () => m.music3,
    native: {
      offcut: ['convert', m.music3, '-o', '{out}', '--option', 'bitrate=128'],
      peers: {
        ffmpeg: ['ffmpeg', ...ff1, '-v', 'error', '-y', '-i', m.music3, '-c:a', 'aac', '-b:a', '128k', '{out}'],
      },
    },
  });

  const peaksSrc = full ? m.wav60 : m.music3;
  jobs.push({
    id: 'peaks', title: `waveform peaks, 2000 buckets (${full ? '60-min' : '3-min'} WAV)`, quick: true,
    inputs: [peaksSrc], check: 'peaks',
    offcut: { peaks: { buckets: 2000 } },
    ffmpeg: {
      peaks: { buckets: 2000, channels: 2 },
      cmds: [{ args: ['-v', 'error', '-i', '{0}', '-f', 's16le', '-c:a', 'pcm_s16le', 'out.raw'], out: 'out.raw' }],
    },
    native: {
      offcut: ['peaks', peaksSrc, '--buckets', '2000', '--json'],
      peers: { sox: ['sox', peaksSrc, '-n', 'stat'] },
    },
    nativeNote: 'natively the peer is `sox -n stat` (one pass for the extremes; no per-bucket output)',
  });

  jobs.push({
    id: 'batch', title: '20-file batch, 30-s WAVs → FLAC', quick: false,
    offcutOne: true, oneTitle: 'one file after another on one worker',
    inputs: m.batch, ext: 'flac', check: 'exact', refIsSource: true, saved: [0, 19],
    offcut: { renders: m.batch.map((p, i) => ({ project: clipDoc(0, frames(p), { container: 'flac', options: { level: '5' } }), inputs: [i] })) },
    ffmpeg: { cmds: m.batch.map((p, i) => ({ args: ['-v', 'error', '-i', `{${i}}`, '-c:a', 'flac', `out${i}.flac`], out: `out${i}.flac`, mime: 'audio/flac' })) },
    ref: (_, i) => m.batch[i],
    native: {
      offcut: ['convert', ...m.batch, '--format', 'flac', '--option', 'level=5', '-o', '{outdir}'],
      peers: { flac: ['flac', '-s', '-f', '-5', '--output-prefix={outdir}/', ...m.batch] },
    },
  });
  return jobs;
}

export function once(file, make) {
  if (fs.existsSync(file)) return file;
  const tmp = file + '.tmp' + path.extname(file);
  fs.rmSync(tmp, { force: true });
  make(tmp);
  fs.renameSync(tmp, file);
  return file;
}
