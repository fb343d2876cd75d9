// Pure helpers of the cloud save (js/cloud.js): share links, base64 and a
// device name. No DOM, no network: tested in Node (build/jstest).

/**
 * Standard base64 of bytes (the cloud API's encoding of []byte fields).
 * @param {Uint8Array} u8
 * @returns {string}
 */
export function toBase64(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Bytes of standard base64.
 * @param {string} b64
 * @returns {Uint8Array}
 */
export function fromBase64(b64) {
  const s = atob(b64 || '');
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}

const ID = /^[a-z2-7]{26}$/; // the API's ids: 26 lower-case base32 letters
const KEY = /^[A-Za-z0-9_-]{22}$/; // a share key: 16 bytes of base64url

/**
 * The URL fragment of a share link: the audio's share id and key and,
 * for an edit, the edit document's. The keys stay in the fragment, which
 * browsers never send to a server.
 * @param {{audio: {id: string, key: string}, edit?: {id: string, key: string}}} link
 * @returns {string} "#share=ID&k=KEY[&edit=ID&ek=KEY]"
 */
export function shareFragment({ audio, edit }) {
  let f = `#share=${audio.id}&k=${audio.key}`;
  if (edit) f += `&edit=${edit.id}&ek=${edit.key}`;
  return f;
}

/**
 * Reads a share link's fragment; null when it is not one (or malformed).
 * @param {string} hash location.hash
 * @returns {{audio: {id: string, key: string}, edit?: {id: string, key: string}}|null}
 */
export function parseShareFragment(hash) {
  if (typeof hash !== 'string' || hash.length > 512) return null;
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const id = p.get('share');
  const k = p.get('k');
  if (!id || !ID.test(id) || !k || !KEY.test(k)) return null;
  const out = { audio: { id, key: k } };
  const eid = p.get('edit');
  const ek = p.get('ek');
  if (eid || ek) {
    if (!eid || !ID.test(eid) || !ek || !KEY.test(ek)) return null;
    out.edit = { id: eid, key: ek };
  }
  return out;
}

/**
 * A short device name from a user agent ("Chrome on Linux").
 * @param {string} ua
 * @returns {string}
 */
export function deviceName(ua) {
  ua = String(ua || '');
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux|X11/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Which chunks of an upload are still to be sent, from GET /uploads/{id}.
 * @param {{chunks: number, received: number[]}} up
 * @returns {number[]}
 */
export function missingChunks(up) {
  const have = new Set(up.received || []);
  const out = [];
  for (let i = 0; i < (up.chunks || 0); i++) if (!have.has(i)) out.push(i);
  return out;
}
