// Unit tests of the waveform's gesture machine (www/js/gesture.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { Gesture, LONG_PRESS_MS, TOUCH_SLOP } from '../../www/js/gesture.js';

const types = (acts) => acts.map((a) => a.type);
const finger = (id, x, t, y = 100) => ({ id, x, y, t, pointerType: 'touch' });
const mouse = (x, t, extra = {}) => ({ id: 1, x, y: 100, t, pointerType: 'mouse', button: 0, ...extra });

test('a one-finger drag scrolls and never selects', () => {
  const g = new Gesture();
  assert.deepEqual(g.down(finger(1, 100, 0)), []);
  assert.deepEqual(g.move(finger(1, 100 + TOUCH_SLOP - 1, 20)), [], 'inside the slop: nothing yet');
  assert.deepEqual(g.move(finger(1, 160, 40)), [{ type: 'pan-start' }, { type: 'pan', dx: 60 }]);
  assert.deepEqual(g.tick(LONG_PRESS_MS + 100), [], 'a long-press timer after a pan does nothing');
  assert.deepEqual(g.move(finger(1, 220, 600)), [{ type: 'pan', dx: 120 }]);
  assert.deepEqual(g.up(finger(1, 220, 700)), []);
  assert.equal(g.mode, 'idle');
});

test('a tap places the cursor where the finger went down', () => {
  const g = new Gesture();
  g.down(finger(1, 200, 0));
  g.move(finger(1, 203, 50));
  assert.deepEqual(g.up(finger(1, 203, 90)), [{ type: 'cursor', x: 200, clear: false }]);
});

test('a long press then a drag selects from the press to the finger', () => {
  const g = new Gesture();
  g.down(finger(1, 50, 1000));
  assert.deepEqual(g.tick(1000 + LONG_PRESS_MS - 1), [], 'too early');
  assert.deepEqual(g.tick(1000 + LONG_PRESS_MS), [{ type: 'long-press', x: 50 }, { type: 'select-start', x: 50, extend: false }]);
  assert.deepEqual(g.move(finger(1, 150, 1600)), [{ type: 'autoscroll', x: 150 }, { type: 'select-move', x: 150 }]);
  assert.deepEqual(g.up(finger(1, 180, 1700)), [{ type: 'select-end', x: 180 }]);
  assert.equal(g.mode, 'idle');
});

test('a rested finger that moves late selects even if the timer came late', () => {
  const g = new Gesture();
  g.down(finger(1, 50, 0));
  assert.deepEqual(types(g.move(finger(1, 90, LONG_PRESS_MS + 10))), ['long-press', 'select-start', 'select-move']);
});

test('two fingers pinch and pan; a selection in progress is cancelled', () => {
  const g = new Gesture();
  g.down(finger(1, 100, 0));
  g.tick(LONG_PRESS_MS);
  assert.deepEqual(g.down(finger(2, 200, 600)), [{ type: 'select-cancel' }, { type: 'pinch-start', mid: 150, dist: 100 }]);
  assert.deepEqual(g.move(finger(2, 300, 650)), [{ type: 'pinch', mid: 200, dist: 200 }]);
  assert.deepEqual(g.move(finger(1, 140, 660)), [{ type: 'pinch', mid: 220, dist: 160 }]);
  assert.deepEqual(g.up(finger(1, 140, 700)), []);
  assert.equal(g.mode, 'spent', 'the finger left over does nothing');
  assert.deepEqual(g.move(finger(2, 100, 720)), []);
  assert.deepEqual(g.up(finger(2, 100, 740)), []);
  assert.equal(g.mode, 'idle');
});

test('a handle drags with a finger or the mouse, without a long press', () => {
  const g = new Gesture();
  g.down({ ...finger(1, 10, 0), handle: 'start' });
  assert.deepEqual(g.move(finger(1, 80, 10)), [{ type: 'autoscroll', x: 80 }, { type: 'handle-move', which: 'start', x: 80 }]);
  assert.deepEqual(g.up(finger(1, 80, 20)), [{ type: 'handle-end' }]);
  g.down({ ...mouse(300, 30), handle: 'end' });
  assert.deepEqual(types(g.move(mouse(280, 40))), ['autoscroll', 'handle-move']);
  assert.deepEqual(types(g.up(mouse(280, 50))), ['handle-end']);
});

test('the mouse drags to select, clicks to place the cursor, Shift extends', () => {
  const g = new Gesture();
  g.down(mouse(100, 0));
  assert.deepEqual(g.move(mouse(102, 5)), [], 'a tremble is a click');
  assert.deepEqual(g.up(mouse(102, 10)), [{ type: 'cursor', x: 102, clear: true }]);
  g.down(mouse(100, 20));
  assert.deepEqual(g.move(mouse(140, 25)), [{ type: 'select-start', x: 100, extend: false }, { type: 'select-move', x: 140 }]);
  assert.deepEqual(g.up(mouse(150, 30)), [{ type: 'select-end', x: 150 }]);
  assert.deepEqual(g.down(mouse(50, 40, { shift: true })), [{ type: 'select-start', x: 50, extend: true }]);
  assert.deepEqual(types(g.up(mouse(50, 45))), ['select-end']);
  assert.deepEqual(g.down(mouse(50, 50, { button: 2 })), [], 'the right button is not ours');
  assert.equal(g.mode, 'idle');
});

test('a cancelled pointer (the page scrolled) ends its gesture', () => {
  const g = new Gesture();
  g.down(finger(1, 100, 0));
  g.tick(LONG_PRESS_MS);
  assert.deepEqual(g.cancel(finger(1, 100, 600)), [{ type: 'select-cancel' }]);
  assert.equal(g.mode, 'idle');
  g.down(finger(1, 100, 700));
  assert.deepEqual(g.cancel(finger(1, 100, 710)), []);
  assert.equal(g.mode, 'idle');
  assert.deepEqual(g.up(finger(1, 100, 720)), [], 'an unknown pointer is ignored');
});
