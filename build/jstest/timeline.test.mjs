// Unit tests of the app's pure modules (run by `make test` with node --test).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as tl from '../../www/js/timeline.js';
import { History } from '../../www/js/history.js';

const clips = [{ in: 0, out: 100 }, { in: 300, out: 400 }, { in: 150, out: 200 }];

test('totalFrames and segments', () => {
  assert.equal(tl.totalFrames(clips), 250);
  assert.deepEqual(tl.segments(clips).map((s) => [s.start, s.len]), [[0, 100], [100, 100], [200, 50]]);
  assert.equal(tl.totalFrames([]), 0);
});

test('slice maps timeline ranges to source spans across clips', () => {
  assert.deepEqual(tl.slice(clips, 50, 220), [{ in: 50, out: 100 }, { in: 300, out: 400 }, { in: 150, out: 170 }]);
  assert.deepEqual(tl.slice(clips, 100, 100), []);
  assert.deepEqual(tl.slice(clips, -10, 5), [{ in: 0, out: 5 }]);
  assert.deepEqual(tl.slice(clips, 240, 1000), [{ in: 190, out: 200 }]);
});

test('remove cuts a range out and merges spans that meet again', () => {
  const one = [{ in: 0, out: 1000 }];
  const r = tl.remove(one, 200, 300);
  assert.deepEqual(r, [{ in: 0, out: 200 }, { in: 300, out: 1000 }]);
  assert.equal(tl.totalFrames(r), 900);
  // Removing nothing, or everything.
  assert.deepEqual(tl.remove(one, 500, 500), one);
  assert.deepEqual(tl.remove(one, 0, 1000), []);
  // Two removes in a row equal one remove of both ranges.
  assert.deepEqual(tl.remove(tl.remove(one, 600, 700), 200, 300), [{ in: 0, out: 200 }, { in: 300, out: 600 }, { in: 700, out: 1000 }]);
});

test('merge joins only spans contiguous in the source', () => {
  assert.deepEqual(tl.merge([{ in: 0, out: 10 }, { in: 10, out: 20 }, { in: 25, out: 30 }]), [{ in: 0, out: 20 }, { in: 25, out: 30 }]);
  assert.deepEqual(tl.merge([]), []);
});

test('toSource and edits', () => {
  assert.equal(tl.toSource(clips, 0), 0);
  assert.equal(tl.toSource(clips, 99), 99);
  assert.equal(tl.toSource(clips, 100), 300);
  assert.equal(tl.toSource(clips, 249), 199);
  assert.equal(tl.toSource(clips, 250), 200); // the end: the last clip's out
  assert.equal(tl.toSource([], 5), 0);
  assert.deepEqual(tl.edits(clips), [100, 200]);
});

test('History: push, undo, redo, replace, reset and listeners', () => {
  const h = new History({ n: 0 });
  const seen = [];
  const off = h.subscribe((s) => seen.push(s.n));
  const a = { n: 1 };
  h.push(a);
  h.push(a); // the same state twice is one step
  h.push({ n: 2 });
  assert.equal(h.present.n, 2);
  assert.ok(h.undo());
  assert.equal(h.present.n, 1);
  assert.ok(h.undo());
  assert.ok(!h.undo());
  assert.equal(h.present.n, 0);
  assert.ok(h.redo());
  h.push({ n: 5 }); // a new edit clears the redo list
  assert.ok(!h.canRedo());
  h.replace({ n: 6 }); // no step recorded: undo goes back past it
  assert.ok(h.undo());
  assert.equal(h.present.n, 1);
  h.reset({ n: 9 });
  assert.ok(!h.canUndo() && !h.canRedo());
  off();
  h.push({ n: 10 });
  assert.deepEqual(seen, [1, 2, 1, 0, 1, 5, 6, 1, 9]);
});

test('setGain splits at the range and merges equal neighbours back', () => {
  const whole = [{ in: 0, out: 1000 }];
  const g = tl.setGain(whole, 100, 300, -6);
  assert.deepEqual(g, [{ in: 0, out: 100 }, { in: 100, out: 300, gain: -6 }, { in: 300, out: 1000 }]);
  assert.equal(tl.gainOf(g, 100, 300), -6);
  assert.equal(tl.gainOf(g, 0, 300), null);
  assert.equal(tl.gainOf(g, 300, 1000), 0);
  assert.deepEqual(tl.setGain(g, 0, 1000, 0), whole, 'back to unity: one clip again');
  assert.deepEqual(tl.edits(g), [], 'a gain change is no edit point');
  // Gain survives a remove and a slice.
  assert.deepEqual(tl.remove(g, 0, 150), [{ in: 150, out: 300, gain: -6 }, { in: 300, out: 1000 }]);
  assert.deepEqual(tl.slice(g, 200, 400), [{ in: 200, out: 300, gain: -6 }, { in: 300, out: 400 }]);
  assert.deepEqual(tl.edits(tl.remove(g, 0, 150)), []);
  assert.deepEqual(tl.edits(tl.remove(whole, 100, 200)), [100]);
});
