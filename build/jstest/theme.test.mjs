// Unit tests of the theme choice (www/js/theme.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { pickTheme } from '../../www/js/theme.js';

test('pickTheme: the stored choice wins over the system', () => {
  assert.equal(pickTheme('dark', false), 'dark');
  assert.equal(pickTheme('light', true), 'light');
});

test('pickTheme: nothing stored, or something unknown, follows the system', () => {
  for (const stored of [null, '', 'auto', 'DARK', 'sepia']) {
    assert.equal(pickTheme(stored, true), 'dark', String(stored));
    assert.equal(pickTheme(stored, false), 'light', String(stored));
  }
});
