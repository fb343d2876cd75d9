// Unit tests of the shortcuts table (www/js/shortcuts.js): the sheet and
// the key handler read the same rows; shortcutFor is the handler's choice.
import test from 'node:test';
import assert from 'node:assert/strict';
import { SHORTCUTS, shortcutFor } from '../../www/js/shortcuts.js';

const press = (key, mods = {}) => ({ key, altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, ...mods });
const call = (e, where = {}) => {
  const hit = shortcutFor(e, { typing: false, onControl: false, ...where });
  return hit && (hit.bind.call || hit.row.call);
};

test('each key press runs the command its row names', () => {
  assert.equal(call(press(' ')), 'playPause');
  assert.equal(call(press('?', { shiftKey: true })), 'help');
  assert.equal(call(press('[')), 'markIn');
  assert.equal(call(press(']')), 'markOut');
  assert.equal(call(press('=')), 'zoomInKey');
  assert.equal(call(press('_', { shiftKey: true })), 'zoomOutKey');
  assert.equal(call(press('Delete')), 'deleteSel');
  assert.equal(call(press('Backspace')), 'deleteSel');
  assert.equal(call(press('Escape')), 'clearSel');
  assert.equal(call(press('k', { ctrlKey: true })), 'deleteSel');
  assert.equal(call(press('t', { ctrlKey: true })), 'trim');
  assert.equal(call(press('i', { ctrlKey: true })), 'split');
  assert.equal(call(press('a', { ctrlKey: true })), 'selectAll');
  assert.equal(call(press('z', { ctrlKey: true })), 'undo');
  assert.equal(call(press('Z', { ctrlKey: true, shiftKey: true })), 'redo');
  assert.equal(call(press('y', { ctrlKey: true })), 'redo');
  assert.equal(call(press('s', { ctrlKey: true })), 'exportNow');
});

test('where the focus is decides', () => {
  // In a text field only Ctrl+S counts (undo there edits the text).
  assert.equal(call(press('s', { ctrlKey: true }), { typing: true }), 'exportNow');
  assert.equal(call(press('z', { ctrlKey: true }), { typing: true }), null);
  assert.equal(call(press('Delete'), { typing: true }), null);
  assert.equal(call(press(' '), { typing: true }), null);
  // Space presses a focused button; the other keys still work there.
  assert.equal(call(press(' '), { onControl: true }), null);
  assert.equal(call(press('['), { onControl: true }), 'markIn');
});

test('modifiers must match', () => {
  assert.equal(call(press('s', { ctrlKey: true, shiftKey: true })), null, 'Ctrl+Shift+S is not Export');
  assert.equal(call(press('z', { ctrlKey: true, altKey: true })), null, 'nothing with Alt');
  assert.equal(call(press('[', { altKey: true })), null);
  assert.equal(call(press('c', { ctrlKey: true })), null, 'Ctrl+C stays the browser\'s');
  assert.equal(call(press('k')), null, 'K alone is no shortcut here');
  assert.equal(call(press('a')), null);
});

test('the sheet lists every row, and every binding has a command', () => {
  const rows = SHORTCUTS.flatMap(([, r]) => r);
  assert.ok(rows.length >= 20);
  for (const r of rows) {
    assert.ok(r.keys && r.what, `a row without keys or words: ${JSON.stringify(r)}`);
    for (const b of r.bind || []) assert.ok(b.call || r.call, `${r.keys}: a binding without a command`);
  }
  // No key press is bound twice.
  const seen = new Set();
  for (const r of rows) {
    for (const b of r.bind || []) {
      for (const k of b.key) {
        const id = `${b.mod ? 'mod+' : ''}${b.shift === undefined ? '' : b.shift ? 'shift+' : 'noshift+'}${k}`;
        assert.ok(!seen.has(id), `${id} is bound twice`);
        seen.add(id);
      }
    }
  }
});
