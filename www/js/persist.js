// Work in progress that survives a reload or a crash.
//
// The edit documents (small JSON) and a way back to each source file are
// kept in IndexedDB, on this device only. The way back is the file's
// FileSystemFileHandle when the file came with one (a launched file, a
// dropped file, a file picked with showOpenFilePicker), or else a private
// copy in the origin private file system (OPFS), made only when the user
// agreed (keepCopy). Files that have neither are remembered by name, size
// and a fingerprint (SHA-256 of their first and last MiB), so that when the
// user opens the same file again its edit can be re-applied (savedMatch).
//
//   saveSession({docs, sources: [{key, file}]})   after every edit
//   loadSession()  -> null | {savedAt, docs, sources: [{key, name, size,
//                     type, lastModified, fp, file, needs}]}
//   sameFile(file, source)  -> whether a file opened again is that source
//   restoreFiles(session)  -> the same, after asking for permissions (call
//                     it from a click)
//   clearSession()

const DB_NAME = 'offcut';
const STORE = 'session';
const KEY = 'last';
const COPIES = 'offcut-copies'; // OPFS directory of consented copies

/** @type {Promise<IDBDatabase>|null} */
let dbp = null;

/** @returns {Promise<IDBDatabase>} */
function db() {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('the session store is blocked by another tab'));
    }).catch((err) => {
      dbp = null;
      throw err;
    });
  }
  return dbp;
}

/**
 * Runs one request in a transaction and resolves when it is committed.
 * @param {IDBTransactionMode} mode
 * @param {(s: IDBObjectStore) => IDBRequest} fn
 */
async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result);
    t.onerror = t.onabort = () => reject(t.error || req.error);
  });
}

/**
 * A file's identity across reloads: what a handle or copy must match.
 * @param {File} f
 * @returns {string}
 */
export function fileKey(f) {
  return `${f.name}|${f.size}|${f.lastModified}`;
}

const MIB = 1 << 20;
/** @type {WeakMap<File, Promise<string>>} */
const prints = new WeakMap();

/**
 * A file's fingerprint: the hex SHA-256 of its first MiB followed by its
 * last MiB (the whole file once when it is 2 MiB or less). Reads at most
 * 2 MiB, whatever the file's size; computed once per File.
 * @param {Blob} f
 * @returns {Promise<string>}
 */
export function fingerprint(f) {
  let p = prints.get(/** @type {File} */ (f));
  if (!p) {
    p = (async () => {
      const parts = f.size <= 2 * MIB ? [f] : [f.slice(0, MIB), f.slice(f.size - MIB)];
      const buf = await new Blob(parts).arrayBuffer();
      const d = await crypto.subtle.digest('SHA-256', buf);
      return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
    })();
    prints.set(/** @type {File} */ (f), p);
  }
  return p;
}

/**
 * Whether a file is the one a saved source was made from: same name, same
 * size and same fingerprint (its modification time may differ: a copy, a
 * download again).
 * @param {File} f
 * @param {{name: string, size: number, fp?: string}} s a saved source
 * @returns {Promise<boolean>}
 */
export async function sameFile(f, s) {
  if (!s.fp || f.name !== s.name || f.size !== s.size) return false;
  try {
    return (await fingerprint(f)) === s.fp;
  } catch {
    return false; // unreadable: not the same
  }
}

/** handles and OPFS copies known for files, by fileKey */
const handles = new Map();
const copies = new Map();
/** OPFS copies being written (not to be pruned) */
const writing = new Set();

/**
 * Remembers the handle a file came with, so that sessions can reopen it.
 * @param {FileSystemFileHandle} handle
 * @param {File} [file] the file read from it, if already read
 * @returns {Promise<File|null>} the file
 */
export async function rememberHandle(handle, file) {
  if (!handle || handle.kind !== 'file') return null;
  const f = file || (await handle.getFile());
  handles.set(fileKey(f), handle);
  return f;
}

/**
 * Starts reading the handles of dropped files. Call it inside the drop
 * event (the data transfer empties afterwards); it resolves once the
 * handles are remembered.
 * @param {DataTransfer} dt
 * @returns {Promise<void>}
 */
export function rememberDropped(dt) {
  const items = [...((dt && dt.items) || [])].filter((it) => it.kind === 'file' && typeof it.getAsFileSystemHandle === 'function');
  const pending = items.map((it) => it.getAsFileSystemHandle());
  return Promise.allSettled(pending.map(async (p) => rememberHandle(await p))).then(() => {});
}

/**
 * Whether a file can come back after a reload without asking the user to
 * open it again.
 * @param {File} f
 * @returns {boolean}
 */
export function canReopen(f) {
  return handles.has(fileKey(f)) || copies.has(fileKey(f));
}

/** @returns {boolean} whether private copies can be made here */
export function canKeepCopies() {
  return !!(navigator.storage && navigator.storage.getDirectory);
}

/**
 * Keeps a private copy of the file in this browser's origin private file
 * system, so the session can be restored without the original. Only call
 * this after the user agreed.
 * @param {File} file
 * @returns {Promise<void>}
 */
export async function keepCopy(file) {
  const key = fileKey(file);
  if (copies.has(key)) return;
  const dir = await copiesDir();
  const name = `${Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 32)}`;
  // The user asked to keep things here: ask the browser not to evict them.
  if (navigator.storage.persist) navigator.storage.persist().catch(() => {});
  writing.add(name);
  try {
    const fh = await dir.getFileHandle(name, { create: true });
    const w = await fh.createWritable();
    try {
      await file.stream().pipeTo(w);
    } catch (err) {
      await dir.removeEntry(name).catch(() => {});
      throw err;
    }
    copies.set(key, name);
  } finally {
    writing.delete(name);
  }
}

/**
 * Deletes the private copies that the saved session no longer needs.
 * Exported for the unit tests.
 * @param {Set<string>} used names of the copies the session just saved names
 * @param {Set<string>} [known] names of the copies there were when the save
 *   began (a copy finished since is not this save's to delete)
 */
export async function pruneCopies(used, known) {
  if (!canKeepCopies()) return;
  // A copy finished after the session was read (not in known) is the
  // next save's: deleting it would leave that save naming a lost copy.
  for (const [k, n] of copies) if (!used.has(n) && (!known || known.has(n))) copies.delete(k);
  // Asked at each name, not once before the walk: a copy can finish while
  // the walk awaits (it then leaves writing for copies between two names).
  const kept = (name) => used.has(name) || writing.has(name) || [...copies.values()].includes(name);
  try {
    const dir = await copiesDir();
    for await (const name of dir.keys()) {
      if (!kept(name)) await dir.removeEntry(name).catch(() => {});
    }
  } catch {
    /* no copies */
  }
}

async function copiesDir() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(COPIES, { create: true });
}

/**
 * Saves the session: the app's documents (JSON-able) and its sources.
 * Later saves replace earlier ones.
 * @param {{docs: *, sources: Array<{key: *, file: File}>}} state
 * @returns {Promise<void>}
 */
export async function saveSession(state) {
  const known = new Set(copies.values());
  const sources = await Promise.all(
    (state.sources || []).map(async ({ key, file }) => {
      const k = fileKey(file);
      const fp = await fingerprint(file).catch(() => null);
      return { key, name: file.name, size: file.size, type: file.type, lastModified: file.lastModified, fp, handle: handles.get(k) || null, copy: copies.get(k) || null };
    }),
  );
  if (!sources.length) return clearSession();
  const rec = { v: 1, savedAt: Date.now(), docs: state.docs === undefined ? null : state.docs, sources };
  await tx('readwrite', (s) => s.put(rec, KEY));
  await pruneCopies(new Set(sources.map((s) => s.copy).filter(Boolean)), known);
}

/**
 * Loads the saved session, reading every file that can be read without
 * asking (a granted handle, a private copy). A source's needs is '' when
 * its file is here, 'permission' when its handle needs the user's yes
 * (restoreFiles), 'file' when the user must open it again, and 'changed'
 * when the file on disk is no longer the one edited.
 * @returns {Promise<null|{savedAt: number, docs: *, sources: Array<Object>}>}
 */
export async function loadSession() {
  let rec;
  try {
    rec = await tx('readonly', (s) => s.get(KEY));
  } catch {
    return null; // no IndexedDB (private mode in some browsers): nothing to restore
  }
  if (!rec || rec.v !== 1 || !rec.sources || !rec.sources.length) return null;
  const sources = await Promise.all(rec.sources.map((s) => reopen(s, false)));
  return { savedAt: rec.savedAt, docs: rec.docs, sources };
}

/**
 * Reads the files of a loaded session, asking for permission where a
 * handle needs it. Call it from a user's click.
 * @param {{sources: Array<Object>}} session
 * @returns {Promise<Array<Object>>} the sources, as loadSession gives them
 */
export async function restoreFiles(session) {
  const out = [];
  for (const s of session.sources) out.push(s.file ? s : await reopen(s, true)); // one permission prompt at a time
  return out;
}

async function reopen(s, ask) {
  const out = { ...s, file: null, needs: 'file' };
  if (s.handle) {
    try {
      let p = await s.handle.queryPermission({ mode: 'read' });
      if (p === 'prompt' && ask) p = await s.handle.requestPermission({ mode: 'read' });
      if (p === 'granted') {
        const f = await s.handle.getFile();
        handles.set(fileKey(f), s.handle);
        return same(f, s) ? { ...out, file: f, needs: '' } : { ...out, needs: 'changed' };
      }
      out.needs = 'permission';
    } catch {
      out.needs = 'file'; // moved or deleted
    }
  }
  if (s.copy) {
    try {
      const dir = await copiesDir();
      const blob = await (await dir.getFileHandle(s.copy)).getFile();
      const f = new File([blob], s.name, { type: s.type, lastModified: s.lastModified });
      copies.set(fileKey(f), s.copy);
      return { ...out, file: f, needs: '' };
    } catch (err) {
      console.warn(`The private copy of ${s.name} could not be read: ${err.message}`); // gone (storage cleared)
    }
  }
  return out;
}

function same(f, s) {
  return f.size === s.size && f.lastModified === s.lastModified;
}

/**
 * Forgets the session and deletes the private copies.
 * @returns {Promise<void>}
 */
export async function clearSession() {
  copies.clear();
  try {
    await tx('readwrite', (s) => s.delete(KEY));
  } catch {
    /* nothing stored */
  }
  if (canKeepCopies()) {
    try {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(COPIES, { recursive: true });
    } catch {
      /* no copies */
    }
  }
}
