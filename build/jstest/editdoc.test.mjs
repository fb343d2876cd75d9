// Unit tests of the editors' states (www/js/editdoc.js): engine documents
// with a view beside them, read flat and changed by patches.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cutNew, cutFlat, cutWith, cutMigrate, joinNew, joinFlat, joinWith, joinMigrate, joinIds, joinRemap, withGaps, DEFAULT_JOIN_MS } from '../../www/js/editdoc.js';

const file = { name: 'talk.wav', size: 1000044 };

test('a new cutter state is the whole source, as a document the engine reads', () => {
  const s = cutNew(file, 250000);
  assert.deepEqual(s.doc, { version: 1, sources: [{ name: 'talk.wav', size: 1000044 }], clips: [{ source: 0, in: 0, out: 250000 }] });
  assert.deepEqual(cutFlat(s), { clips: [{ in: 0, out: 250000 }], fadeIn: { ms: 0, curve: '' }, fadeOut: { ms: 0, curve: '' }, sel: null, cursor: 0, splits: [] });
  assert.equal(cutFlat(s), cutFlat(s), 'read once per state');
  assert.deepEqual(cutNew(file, 10, { sel: { from: 2, to: 5 }, cursor: 2 }).view, { sel: { from: 2, to: 5 }, cursor: 2, splits: [] });
});

test('cutWith keeps the fades on the first and last clip, whichever they are', () => {
  let s = cutNew(file, 100000);
  s = cutWith(s, { fadeIn: { ms: 500, curve: 's-curve' }, fadeOut: { ms: 250, curve: '' } });
  assert.deepEqual(s.doc.clips, [{ source: 0, in: 0, out: 100000, fadeIn: { ms: 500, curve: 's-curve' }, fadeOut: { ms: 250 } }]);
  const before = s;
  s = cutWith(s, { clips: [{ in: 0, out: 1000 }, { in: 5000, out: 9000, gain: -3 }, { in: 20000, out: 100000 }], sel: null, cursor: 1000 });
  assert.deepEqual(s.doc.clips, [
    { source: 0, in: 0, out: 1000, fadeIn: { ms: 500, curve: 's-curve' } },
    { source: 0, in: 5000, out: 9000, gain: -3 },
    { source: 0, in: 20000, out: 100000, fadeOut: { ms: 250 } },
  ]);
  assert.equal(before.doc.clips.length, 1, 'the earlier state is left alone');
  s = cutWith(s, { clips: [{ in: 5000, out: 9000, gain: -3 }] });
  assert.deepEqual(s.doc.clips, [{ source: 0, in: 5000, out: 9000, gain: -3, fadeIn: { ms: 500, curve: 's-curve' }, fadeOut: { ms: 250 } }]);
  assert.deepEqual(cutFlat(s).fadeIn, { ms: 500, curve: 's-curve' });
  // A curve chosen before its length is kept; no fade at all leaves nothing.
  s = cutWith(s, { fadeIn: { ms: 0, curve: 'linear' }, fadeOut: { ms: 0, curve: '' } });
  assert.deepEqual(s.doc.clips, [{ source: 0, in: 5000, out: 9000, gain: -3, fadeIn: { curve: 'linear' } }]);
  assert.deepEqual(cutFlat(s).fadeIn, { ms: 0, curve: 'linear' });
});

test('cutWith changes the view without touching the document', () => {
  const s = cutNew(file, 100);
  const t = cutWith(s, { sel: { from: 1, to: 9 }, cursor: 1 });
  assert.equal(t.doc, s.doc);
  assert.deepEqual(t.view, { sel: { from: 1, to: 9 }, cursor: 1, splits: [] });
});

test('cutMigrate turns a state saved by the earlier version into a document, and leaves a document as it is', () => {
  const old = { clips: [{ in: 0, out: 10 }, { in: 20, out: 30, gain: 2 }], fadeIn: { ms: 5, curve: '' }, fadeOut: { ms: 0, curve: '' }, splits: [4], sel: null, cursor: 3 };
  const s = cutMigrate(old, file, 40);
  assert.deepEqual(s.doc, { version: 1, sources: [{ name: 'talk.wav', size: 1000044 }], clips: [{ source: 0, in: 0, out: 10, fadeIn: { ms: 5 } }, { source: 0, in: 20, out: 30, gain: 2 }] });
  assert.deepEqual(s.view, { sel: null, cursor: 3, splits: [4] });
  assert.equal(cutMigrate(s, file, 40), s);
});

const names = new Map([[7, { name: 'a.wav', size: 10 }], [8, { name: 'b.flac', size: 20 }]]);
const describe = (id) => names.get(id);

test('joinWith makes the document: each source once in play order, a join per junction', () => {
  let s = joinNew();
  assert.deepEqual(joinFlat(s), { items: [], joins: [] });
  s = joinWith(s, {
    items: [{ key: 1, src: 8, in: 0, out: 100 }, { key: 2, src: 7, in: 10, out: 50, gain: -6 }, { key: 3, src: 8, in: 100, out: 200 }],
    joins: [{ type: 'crossfade', ms: 250, curve: 'linear' }, { type: 'none', ms: 1000, curve: '' }, { type: 'gap', ms: 3, curve: '' }],
  }, describe);
  assert.deepEqual(s.doc, {
    version: 1,
    sources: [{ name: 'b.flac', size: 20 }, { name: 'a.wav', size: 10 }],
    clips: [{ source: 0, in: 0, out: 100 }, { source: 1, in: 10, out: 50, gain: -6 }, { source: 0, in: 100, out: 200 }],
    joins: [{ type: 'crossfade', ms: 250, curve: 'linear' }, { type: 'none' }],
  });
  assert.deepEqual(s.view, { keys: [1, 2, 3], ids: [8, 7] });
  assert.deepEqual(joinIds(s), [8, 7]);
  const f = joinFlat(s);
  assert.deepEqual(f.items, [{ key: 1, src: 8, in: 0, out: 100 }, { key: 2, src: 7, in: 10, out: 50, gain: -6 }, { key: 3, src: 8, in: 100, out: 200 }]);
  assert.deepEqual(f.joins, [{ type: 'crossfade', ms: 250, curve: 'linear' }, { type: 'none', ms: DEFAULT_JOIN_MS, curve: '' }]);
  // Reordering keeps the junctions in place and renumbers the sources.
  const moved = joinWith(s, { items: [f.items[1], f.items[0], f.items[2]] }, describe);
  assert.deepEqual(moved.doc.sources, [{ name: 'a.wav', size: 10 }, { name: 'b.flac', size: 20 }]);
  assert.deepEqual(moved.doc.clips.map((c) => c.source), [0, 1, 1]);
  assert.deepEqual(moved.doc.joins, s.doc.joins);
});

test('joinMigrate and joinRemap carry a join across a reload', () => {
  const old = { items: [{ key: 4, src: 7, in: 0, out: 9 }], joins: [] };
  const s = joinMigrate(old, describe);
  assert.deepEqual(s.doc.sources, [{ name: 'a.wav', size: 10 }]);
  assert.equal(joinMigrate(s), s);
  assert.deepEqual(joinRemap(s, new Map([[7, 70]]), 100).view, { keys: [104], ids: [70] });
  assert.equal(joinRemap(s, new Map(), 100), null);
});

test('withGaps lays crossfades out as gaps of the same length', () => {
  const doc = { version: 1, clips: [{}, {}, {}], joins: [{ type: 'crossfade', ms: 9, curve: 'linear' }, { type: 'gap', ms: 2 }] };
  assert.deepEqual(withGaps(doc).joins, [{ type: 'gap', ms: 9 }, { type: 'gap', ms: 2 }]);
  assert.equal(withGaps({ version: 1, clips: [] }).joins, undefined);
});
