// Unit tests of where newly opened files go (www/js/opener.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { placeOpened } from '../../www/js/opener.js';

const a = { id: 1 };
const b = { id: 2 };
const c = { id: 3 };

test('one file opens in the cutter', () => {
  assert.deepEqual(placeOpened({ where: 'auto', active: 'cutter', opened: [b], current: null, joining: 0 }), { to: 'cutter', lead: [] });
  assert.deepEqual(placeOpened({ where: 'auto', active: 'joiner', opened: [b], current: a, joining: 0 }), { to: 'cutter', lead: [] }, 'an empty joiner does not take one file');
  assert.deepEqual(placeOpened({ where: 'auto', active: 'recorder', opened: [b], current: a, joining: 3 }), { to: 'cutter', lead: [] });
});

test('files opened on the Convert tab, or for it, join the batch', () => {
  assert.deepEqual(placeOpened({ where: 'auto', active: 'convert', opened: [b, c], current: a, joining: 0 }), { to: 'convert', lead: [] });
  assert.deepEqual(placeOpened({ where: 'convert', active: 'cutter', opened: [b], current: a, joining: 0 }), { to: 'convert', lead: [] });
  assert.deepEqual(placeOpened({ where: 'joiner', active: 'convert', opened: [b], current: null, joining: 0 }), { to: 'joiner', lead: [] }, 'asked for the joiner from the Convert tab');
});

test('several files, or files for the joiner, go to the joiner', () => {
  assert.deepEqual(placeOpened({ where: 'auto', active: 'cutter', opened: [b, c], current: null, joining: 0 }), { to: 'joiner', lead: [] });
  assert.deepEqual(placeOpened({ where: 'joiner', active: 'joiner', opened: [b], current: a, joining: 0 }), { to: 'joiner', lead: [] });
  assert.deepEqual(placeOpened({ where: 'auto', active: 'joiner', opened: [b], current: a, joining: 2 }), { to: 'joiner', lead: [] }, 'a joiner holding clips takes one more');
});

test("more files opened from the cutter join after the cutter's file", () => {
  assert.deepEqual(placeOpened({ where: 'auto', active: 'cutter', opened: [b, c], current: a, joining: 0 }), { to: 'joiner', lead: [a] });
  assert.deepEqual(placeOpened({ where: 'joiner', active: 'cutter', opened: [b], current: a, joining: 0 }), { to: 'joiner', lead: [a] });
  assert.deepEqual(placeOpened({ where: 'auto', active: 'cutter', opened: [a, b], current: a, joining: 0 }), { to: 'joiner', lead: [] }, 'not twice when it is among them');
  assert.deepEqual(placeOpened({ where: 'joiner', active: 'cutter', opened: [b], current: a, joining: 1 }), { to: 'joiner', lead: [] }, 'not when the joiner already holds clips');
});
