// Unit tests of gain parsing and display (www/js/gain.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseDb, formatDb, dbToLinear } from '../../www/js/gain.js';

test('parseDb reads typed gains', () => {
  assert.equal(parseDb('-6'), -6);
  assert.equal(parseDb(' +3.5 dB '), 3.5);
  assert.equal(parseDb('\u22126'), -6);
  assert.equal(parseDb('0.04'), 0);
  assert.equal(Object.is(parseDb('-0'), -0), false);
  assert.equal(parseDb('.5'), 0.5);
  assert.equal(parseDb('2.26'), 2.3);
});

test('parseDb refuses what is not a gain, in plain words', () => {
  assert.throws(() => parseDb('loud'), /"loud" is not a gain in dB/);
  assert.throws(() => parseDb(''), /not a gain/);
  assert.throws(() => parseDb('1e3'), /not a gain/);
  assert.throws(() => parseDb('+30'), /30 dB is out of range/);
  assert.throws(() => parseDb('-61'), /out of range/);
});

test('formatDb and dbToLinear', () => {
  assert.equal(formatDb(0), '0 dB');
  assert.equal(formatDb(3.5), '+3.5 dB');
  assert.equal(formatDb(-6), '\u22126 dB');
  assert.equal(dbToLinear(0), 1);
  assert.ok(Math.abs(dbToLinear(-6.0206) - 0.5) < 1e-4);
  assert.ok(Math.abs(dbToLinear(20) - 10) < 1e-12);
});
