// Unit tests of the editors' drafts (www/js/drafts.js): milliseconds to
// frames at the engine's rate, fades cut to their clips.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bare, hasTimes, inFrames, toDocument } from '../../www/js/drafts.js';

const draft = {
  version: 1,
  clips: [
    { source: 0, in: 0, out: 44100, fadeIn: { ms: 250, curve: 'linear' } },
    { source: 0, in: 88200, out: 88300, gain: -3, fadeOut: { ms: 5000, curve: '' } },
  ],
  joins: [{ type: 'crossfade', ms: 1, curve: 's-curve' }],
  output: { sampleRate: 48000 },
};

test('bare keeps clips and output, drops fades and joins', () => {
  assert.deepEqual(bare(draft), {
    version: 1,
    clips: [{ source: 0, in: 0, out: 44100 }, { source: 0, in: 88200, out: 88300, gain: -3 }],
    output: { sampleRate: 48000 },
  });
  assert.equal(draft.clips[0].fadeIn.ms, 250, 'the draft itself is left alone');
});

test('inFrames states times at the layout rate and cuts a fade to its clip', () => {
  const doc = inFrames(draft, { sampleRate: 48000, clips: [48000, 109] });
  assert.deepEqual(doc.clips[0].fadeIn, { length: 12000, curve: 'linear' });
  assert.deepEqual(doc.clips[1].fadeOut, { length: 109 }, 'a 5 s fade on a 109-frame clip is the clip; no curve named is the default');
  assert.deepEqual(doc.joins, [{ type: 'crossfade', length: 48, curve: 's-curve' }]);
  // Another rate (an output format that moves it) gives other frames.
  assert.equal(inFrames(draft, { sampleRate: 8000, clips: [8000, 19] }).clips[0].fadeIn.length, 2000);
});

test('nothing to state: no fade of no frame, no joins of straight cuts', () => {
  const d = { version: 1, clips: [{ source: 0, in: 0, out: 10, fadeIn: { ms: 0.01, curve: 'linear' } }, { source: 1, in: 0, out: 10 }], joins: [{ type: 'none' }], output: {} };
  assert.equal(hasTimes({ ...d, clips: [d.clips[1]] }), false);
  const doc = inFrames(d, { sampleRate: 44100, clips: [10, 10] });
  assert.equal(doc.clips[0].fadeIn, undefined);
  assert.equal(doc.joins, undefined);
  const gap = inFrames({ ...d, joins: [{ type: 'gap', ms: 500, curve: 'linear' }] }, { sampleRate: 44100, clips: [10, 10] });
  assert.deepEqual(gap.joins, [{ type: 'gap', length: 22050 }]);
});

test('toDocument asks the engine only when there are times to state', async () => {
  const asked = [];
  const oc = { lengths: async (doc, infos) => { asked.push([doc, infos]); return { sampleRate: 44100, clips: [44100, 100] }; } };
  const doc = await toDocument(oc, draft, ['info']);
  assert.equal(asked.length, 1);
  assert.deepEqual(asked[0], [bare(draft), ['info']]);
  assert.equal(doc.clips[0].fadeIn.length, 11025);
  const plain = await toDocument(oc, bare(draft), ['info']);
  assert.equal(asked.length, 1);
  assert.deepEqual(plain, bare(draft));
  const failing = { lengths: async () => { throw new Error('clips[1] is shorter than one output frame'); } };
  await assert.rejects(toDocument(failing, draft, []), /shorter than one output frame/);
});
