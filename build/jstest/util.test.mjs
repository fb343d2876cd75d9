import test from 'node:test';
import assert from 'node:assert/strict';
import { formatTime, formatDuration, parseTime, formatBytes, outputName, clamp } from '../../www/js/util.js';

test('formatTime rounds to the millisecond and shows hours only when needed', () => {
  assert.equal(formatTime(0, 44100), '0:00.000');
  assert.equal(formatTime(44100 * 62.25, 44100), '1:02.250');
  assert.equal(formatTime(48000 * 3723.5, 48000), '1:02:03.500');
  assert.equal(formatTime(-48000, 48000), '−0:01.000');
  assert.equal(formatTime(1, 0), '0:00.000');
  assert.equal(formatTime(NaN, 44100), '0:00.000');
});

test('formatDuration', () => {
  assert.equal(formatDuration(44100 * 3.25, 44100), '3.250 s');
  assert.equal(formatDuration(48000 * 3723.5, 48000), '1 h 2 min 3.500 s');
});

test('parseTime accepts seconds, m:ss and h:mm:ss with . or , and rounds to the frame', () => {
  assert.equal(parseTime('62.25', 44100), 2745225);
  assert.equal(parseTime('1:02.25', 44100), 2745225);
  assert.equal(parseTime(' 1:02,25 ', 44100), 2745225);
  assert.equal(parseTime('1:00:00', 8000), 28800000);
  assert.equal(parseTime('0.00001', 48000), 0);
  assert.equal(parseTime('0.00002', 48000), 1);
});

test('parseTime refuses what is not a time, in plain words', () => {
  for (const [text, msg] of [
    ['', /Type a time/],
    ['1:2:3:4', /too many colons/],
    ['abc', /is not a time/],
    ['1.5:00', /only the seconds may have a fraction/],
    ['1:75', /must be below 60/],
    ['-3', /is not a time/],
  ]) {
    assert.throws(() => parseTime(text, 44100), msg, text);
  }
});

test('formatBytes', () => {
  assert.equal(formatBytes(999), '999 bytes');
  assert.equal(formatBytes(1000), '1.00 kB');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatBytes(5e15), '5000.0 TB');
});

test('outputName keeps the base name and is never branded', () => {
  assert.equal(outputName('song.mp3', 'cut'), 'song (cut).mp3');
  assert.equal(outputName('song.mp3', 'part 2', 'wav'), 'song (part 2).wav');
  assert.equal(outputName('no-extension', ''), 'no-extension.audio');
  assert.equal(outputName('', 'cut', 'wav'), 'audio (cut).wav');
  assert.ok(!/offcut/i.test(outputName('a.wav', 'cut')));
});

test('clamp', () => {
  assert.equal(clamp(5, 0, 3), 3);
  assert.equal(clamp(-1, 0, 3), 0);
  assert.equal(clamp(2, 0, 3), 2);
});
