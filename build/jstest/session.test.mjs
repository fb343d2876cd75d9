// Unit tests of the session's pure parts (www/js/session.js): what is
// saved, how saved source ids map to the new ones on restore, and which
// saved edit a file opened again takes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sessionDocs, remapJoin, restoredJoin, restoredIds, missingMessage, reapplyMatches, pendingJoin } from '../../www/js/session.js';

const hist = (present, past = [], future = []) => ({ past, present, future, subscribe() {} });

test('sessionDocs saves the cutter edit of each saved source, the joiner and what is in view', () => {
  const histories = new Map([
    [1, hist({ sel: 1 }, [{ sel: 0 }])],
    [3, hist({ sel: 3 })], // a cloud file: not among the saved sources
  ]);
  const docs = sessionDocs({ active: 'joiner', current: { id: 1 }, sources: [{ id: 1 }, { id: 2 }], histories, joined: hist({ items: [] }, [], [{ items: [1] }]) });
  assert.deepEqual(docs, {
    active: 'joiner',
    current: 1,
    cutter: [{ source: 1, past: [{ sel: 0 }], present: { sel: 1 }, future: [] }],
    joiner: { past: [], present: { items: [] }, future: [{ items: [1] }] },
  });
  assert.equal(sessionDocs({ active: 'cutter', current: null, sources: [], histories, joined: hist({ items: [] }) }).current, null);
});

test('remapJoin renames sources and moves keys, or gives null for a source not open', () => {
  const state = {
    doc: { version: 1, sources: [{ name: 'a.wav', size: 9 }, { name: 'b.wav' }], clips: [{ source: 0, in: 5, out: 9 }, { source: 1, in: 0, out: 4 }], joins: [{ type: 'none' }] },
    view: { keys: [1, 2], ids: [10, 11] },
  };
  const ids = new Map([[10, 1], [11, 2]]);
  assert.deepEqual(remapJoin(state, ids, 1e6), { doc: state.doc, view: { keys: [1e6 + 1, 1e6 + 2], ids: [1, 2] } });
  assert.deepEqual(state.view, { keys: [1, 2], ids: [10, 11] }, 'the saved state is left alone');
  assert.equal(remapJoin(state, new Map([[10, 1]]), 2e6), null);
  assert.deepEqual(remapJoin({ items: [] }, new Map(), 1e6).view, { keys: [], ids: [] });
});

test('remapJoin takes a state saved by the earlier version ({items, joins}) as a document', () => {
  const old = { items: [{ key: 1, src: 10, in: 5, out: 9, gain: -2 }, { key: 2, src: 11, in: 0, out: 4 }, { key: 3, src: 10, in: 0, out: 3 }], joins: [{ type: 'crossfade', ms: 250, curve: 's-curve' }, { type: 'none', ms: 1000, curve: '' }] };
  const got = remapJoin(old, new Map([[10, 1], [11, 2]]), 1e6);
  assert.deepEqual(got.doc.clips, [{ source: 0, in: 5, out: 9, gain: -2 }, { source: 1, in: 0, out: 4 }, { source: 0, in: 0, out: 3 }]);
  assert.deepEqual(got.doc.joins, [{ type: 'crossfade', ms: 250, curve: 's-curve' }, { type: 'none' }]);
  assert.deepEqual(got.view, { keys: [1e6 + 1, 1e6 + 2, 1e6 + 3], ids: [1, 2] });
});

test('restoredJoin keeps the steps whose sources came back, or nothing when the present lost one', () => {
  const ids = new Map([[10, 1]]);
  const one = { items: [{ key: 1, src: 10, in: 0, out: 5 }] };
  const two = { items: [{ key: 1, src: 10, in: 0, out: 5 }, { key: 2, src: 11, in: 0, out: 5 }], joins: [{ type: 'none' }] };
  const got = restoredJoin({ past: [two, one], present: one, future: [two] }, ids);
  const want = { doc: { version: 1, sources: [{ name: '' }], clips: [{ source: 0, in: 0, out: 5 }], joins: [] }, view: { keys: [1e6 + 1], ids: [1] } };
  assert.deepEqual(got, { past: [want], present: want, future: [] });
  assert.equal(restoredJoin({ past: [one], present: two, future: [] }, ids), null);
});

test('restoredIds maps each saved key to the source opened from its file', () => {
  const f1 = { name: 'a.wav' };
  const f2 = { name: 'b.wav' };
  const f3 = { name: 'c.wav' };
  const ids = restoredIds([{ key: 7, file: f1 }, { key: 8, file: f2 }, { key: 9, file: f3 }], [{ id: 1, file: f2 }, { id: 2, file: f1 }]);
  assert.deepEqual([...ids], [[7, 2], [8, 1]], 'a file that did not open is left out');
});

test('missingMessage says it or them', () => {
  assert.equal(missingMessage(['a.wav']), 'Could not reopen a.wav by itself: open it again and your edit is applied to it.');
  assert.equal(missingMessage(['a.wav', 'b.mp3']), 'Could not reopen a.wav, b.mp3 by itself: open them again and your edit is applied to them.');
});

test('reapplyMatches gives a reopened file the edit of the saved source it is, once', async () => {
  const editA = { source: 1, past: [], present: { a: 1 }, future: [] };
  const editB = { source: 2, past: [], present: { b: 1 }, future: [] };
  const saved = {
    docs: { cutter: [editA, editB] },
    sources: [
      { key: 1, name: 'a.wav' },
      { key: 2, name: 'b.wav' },
      { key: 3, name: 'c.wav' }, // no cutter edit: nothing to give back
    ],
  };
  const asked = [];
  const same = async (file, s) => {
    asked.push(`${file.name}~${s.name}`);
    return file.name === s.name;
  };
  const applied = [];
  const b1 = { file: { name: 'b.wav' } };
  const x = { file: { name: 'x.wav' } };
  const b2 = { file: { name: 'b.wav' } };
  await reapplyMatches(saved, [b1, x, b2], same, (src, c) => applied.push([src, c]));
  assert.deepEqual(applied, [[b1, editB]], 'the second b.wav gets nothing: the edit went to the first');
  assert.deepEqual(saved.sources.map((s) => s.key), [1, 3]);
  assert.ok(!asked.some((q) => q.endsWith('~c.wav')), 'a source without an edit is not compared');

  await reapplyMatches(saved, [{ file: { name: 'a.wav' } }], same, (src, c) => applied.push([src, c]));
  assert.equal(applied.length, 2);
  assert.equal(applied[1][1], editA);
  assert.deepEqual(saved.sources.map((s) => s.key), [3]);
});

test('reapplyMatches without saved docs applies nothing', async () => {
  const saved = { docs: null, sources: [{ key: 1, name: 'a.wav' }] };
  await reapplyMatches(saved, [{ file: { name: 'a.wav' } }], async () => true, () => assert.fail('applied'));
  assert.equal(saved.sources.length, 1);
});

test('reapplyMatches also matches the files of a join still to come back, and names the saved source', async () => {
  const join = { past: [], present: { items: [{ key: 1, src: 1 }, { key: 2, src: 3 }] }, future: [] };
  const saved = { docs: { cutter: [], joiner: join }, sources: [{ key: 3, name: 'c.wav' }, { key: 4, name: 'd.wav' }], join };
  const applied = [];
  const c = { file: { name: 'c.wav' } };
  const d = { file: { name: 'd.wav' } };
  await reapplyMatches(saved, [d, c], async (f, s) => f.name === s.name, (src, edit, s) => applied.push([src, edit, s.key]));
  assert.deepEqual(applied, [[c, undefined, 3]], 'd.wav has no edit and is not in the join');
  assert.deepEqual(saved.sources.map((s) => s.key), [4]);
});

test('pendingJoin is the saved join when it holds clips', () => {
  const j = { past: [], present: { items: [{ key: 1, src: 1 }] }, future: [] };
  assert.equal(pendingJoin({ joiner: j }), j);
  assert.equal(pendingJoin({ joiner: { past: [], present: { items: [] }, future: [] } }), null);
  assert.equal(pendingJoin(null), null);
  assert.equal(pendingJoin({}), null);
});
