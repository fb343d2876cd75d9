// Unit tests of the tool tabs' keys (www/js/tabs.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { TOOLS, tabAfter } from '../../www/js/tabs.js';

test('the tools in tab order', () => {
  assert.deepEqual(TOOLS, ['cutter', 'joiner', 'convert', 'recorder']);
});

test('tabAfter steps with the arrows, round the ends', () => {
  assert.equal(tabAfter(TOOLS, 'cutter', 'ArrowRight'), 'joiner');
  assert.equal(tabAfter(TOOLS, 'convert', 'ArrowRight'), 'recorder');
  assert.equal(tabAfter(TOOLS, 'recorder', 'ArrowRight'), 'cutter', '→ on the last goes to the first');
  assert.equal(tabAfter(TOOLS, 'joiner', 'ArrowLeft'), 'cutter');
  assert.equal(tabAfter(TOOLS, 'cutter', 'ArrowLeft'), 'recorder', '← on the first goes to the last');
});

test('tabAfter goes to the ends with Home and End', () => {
  for (const at of TOOLS) {
    assert.equal(tabAfter(TOOLS, at, 'Home'), 'cutter', `Home from ${at}`);
    assert.equal(tabAfter(TOOLS, at, 'End'), 'recorder', `End from ${at}`);
  }
});

test('tabAfter ignores the other keys', () => {
  for (const key of ['ArrowUp', 'ArrowDown', 'Enter', ' ', 'Tab', 'a', 'PageDown']) {
    assert.equal(tabAfter(TOOLS, 'joiner', key), null, key);
  }
});
