import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64, fromBase64, shareFragment, parseShareFragment, deviceName, missingChunks } from '../../www/js/cloudlink.js';

test('base64 round trip, large and empty', () => {
  const u8 = new Uint8Array(100000).map((_, i) => (i * 7) & 255);
  assert.deepEqual(fromBase64(toBase64(u8)), u8);
  assert.equal(toBase64(new Uint8Array()), '');
  assert.equal(toBase64(new Uint8Array([0, 255, 1])), 'AP8B');
});

const id = 'abcdefghijklmnopqrstuvwxyz';
const id2 = 'zz234567abcdefghijklmnopqr';
const key = 'AAAAAAAAAAAAAAAAAAAAAA';

test('share fragments round trip', () => {
  const l = { audio: { id, key } };
  assert.deepEqual(parseShareFragment(shareFragment(l)), l);
  const e = { audio: { id, key }, edit: { id: id2, key: 'abc-_ABCDEFGHIJKLMNOPQ' } };
  assert.equal(shareFragment(e), `#share=${id}&k=${key}&edit=${id2}&ek=abc-_ABCDEFGHIJKLMNOPQ`);
  assert.deepEqual(parseShareFragment(shareFragment(e)), e);
});

test('hostile share fragments are refused', () => {
  for (const h of ['', '#', '#share=', `#share=${id}`, `#share=../../x&k=${key}`, `#share=${id.toUpperCase()}&k=${key}`, `#share=${id}&k=short`,
    `#share=${id}&k=${key}&edit=${id2}`, `#share=${id}&k=${key}&ek=${key}`, '#share=' + 'a'.repeat(600), null, 42]) {
    assert.equal(parseShareFragment(h), null, String(h));
  }
});

test('device names', () => {
  assert.equal(deviceName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36'), 'Chrome on Linux');
  assert.equal(deviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1'), 'Safari on iOS');
  assert.equal(deviceName('Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0'), 'Firefox on Windows');
  assert.equal(deviceName(''), 'A browser');
});

test('missing chunks', () => {
  assert.deepEqual(missingChunks({ chunks: 4, received: [0, 2] }), [1, 3]);
  assert.deepEqual(missingChunks({ chunks: 0, received: [] }), []);
  assert.deepEqual(missingChunks({ chunks: 2 }), [0, 1]);
});
