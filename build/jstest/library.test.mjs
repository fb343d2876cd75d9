// Unit tests of what the page shows with and without open files
// (www/js/library.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { pageShows } from '../../www/js/library.js';

test('pageShows the welcome screen until a file is open, but not on the recorder', () => {
  assert.deepEqual(pageShows(0, 'cutter'), { welcome: true, workspace: false });
  assert.deepEqual(pageShows(0, 'joiner'), { welcome: true, workspace: false });
  assert.deepEqual(pageShows(0, 'recorder'), { welcome: false, workspace: true });
  assert.deepEqual(pageShows(2, 'cutter'), { welcome: false, workspace: true });
  assert.deepEqual(pageShows(1, 'recorder'), { welcome: false, workspace: true });
});
