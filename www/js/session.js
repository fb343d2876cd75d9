// The session: every edit is saved (js/persist.js), so a reload or a crash
// loses nothing. Saves after each change; offers the last session back
// when the page opens; offers once to keep private copies of files that
// cannot be reopened otherwise; and gives a file opened again its saved
// edit, undo history and all, when it is one of the last session's files
// (same name, size, and first and last MiB).
//
// The pure parts (what is saved, how saved ids map to new ones, which
// saved edit a reopened file takes) are exported for the unit tests.

import { saveSession, loadSession, restoreFiles, clearSession, canReopen, canKeepCopies, keepCopy, sameFile } from './persist.js';
import { cutMigrate, joinMigrate, joinRemap, joinIds, joinNew } from './editdoc.js';

/** Where the user's answer to the private copies offer is kept. */
export const COPIES_KEY = 'offcut.keep-copies';

/**
 * @typedef {{past: Object[], present: Object, future: Object[]}} SavedHistory
 */

/**
 * The documents saved for a session. Pure.
 * @param {Object} at
 * @param {string} at.active the tool in view
 * @param {{id: number}|null} at.current the source in the cutter
 * @param {Array<{id: number}>} at.sources the sources saved
 * @param {Map<number, SavedHistory>} at.histories the cutter's edit of each source
 * @param {SavedHistory} at.joined the joiner's edit
 * @returns {{active: string, current: number|null, cutter: Array<Object>, joiner: SavedHistory}}
 */
export function sessionDocs({ active, current, sources, histories, joined }) {
  const hist = (h) => ({ past: h.past, present: h.present, future: h.future });
  return {
    active,
    current: current ? current.id : null,
    cutter: sources.filter((s) => histories.has(s.id)).map((s) => ({ source: s.id, ...hist(histories.get(s.id)) })),
    joiner: hist(joined),
  };
}

/**
 * A saved joiner state (a document and its view, or the earlier flat
 * shape) with its sources renamed to the ids they have now, its clip keys
 * moved by offset (clear of the keys in use). Pure.
 * @param {Object} state
 * @param {Map<number, number>} ids saved source id -> new one
 * @param {number} offset
 * @returns {import('./editdoc.js').JoinState|null} null when a clip's source is not open
 */
export function remapJoin(state, ids, offset) {
  return joinRemap(joinMigrate(state), ids, offset);
}

/**
 * The joiner's saved history on the restored sources, or null when its
 * present state names a source that did not come back (then the steps
 * that do are dropped from its past and future). Pure.
 * @param {SavedHistory} saved
 * @param {Map<number, number>} ids saved source id -> new one
 * @returns {SavedHistory|null}
 */
export function restoredJoin(saved, ids) {
  const remap = (st) => remapJoin(st, ids, 1e6);
  const present = remap(saved.present);
  if (!present) return null;
  return { past: saved.past.map(remap).filter(Boolean), present, future: saved.future.map(remap).filter(Boolean) };
}

/**
 * The new id of each restored source. Pure.
 * @param {Array<{key: number, file: Object}>} here the saved sources that came back
 * @param {Array<{id: number, file: Object}>} open the open sources
 * @returns {Map<number, number>} saved source id -> new one
 */
export function restoredIds(here, open) {
  const ids = new Map();
  for (const s of here) {
    const src = open.find((x) => x.file === s.file);
    if (src) ids.set(s.key, src.id);
  }
  return ids;
}

/**
 * What the user is told about saved files that did not come back. Pure.
 * @param {string[]} names
 * @returns {string}
 */
export function missingMessage(names) {
  const them = names.length === 1 ? 'it' : 'them';
  return `Could not reopen ${names.join(', ')} by itself: open ${them} again and your edit is applied to ${them}.`;
}

/**
 * The saved join still to bring back when some of its files did not come
 * back with the session, or null when there is none to wait for. Pure.
 * @param {Object} docs the saved documents
 * @returns {SavedHistory|null}
 */
export function pendingJoin(docs) {
  const j = docs && docs.joiner;
  return j && j.present && joinIds(joinMigrate(j.present)).length ? j : null;
}

/**
 * Matches reopened files to the last session's sources not open yet: for
 * each opened source, the first saved source that has a cutter edit or is
 * in the join still to come back (saved.join), and that same(file, saved)
 * says it is. A matched source is taken out of saved.sources (each edit
 * goes to one file only). Pure but for its callbacks.
 * @param {{docs: Object, sources: Array<{key: number}>, join?: SavedHistory|null}} saved
 * @param {Array<{file: File}>} opened
 * @param {(file: File, s: Object) => Promise<boolean>} same
 * @param {(src: Object, edit: SavedHistory|undefined, s: {key: number}) => void} apply
 *   gets the source, its saved cutter edit if it has one, and the saved source
 */
export async function reapplyMatches(saved, opened, same, apply) {
  const cut = (saved.docs && saved.docs.cutter) || [];
  const joined = new Set(saved.join ? joinIds(joinMigrate(saved.join.present)) : []);
  for (const src of opened) {
    for (const s of saved.sources) {
      const c = cut.find((x) => x.source === s.key);
      if ((!c && !joined.has(s.key)) || !(await same(src.file, s))) continue;
      saved.sources = saved.sources.filter((x) => x !== s);
      apply(src, c, s);
      break;
    }
  }
}

export class Session {
  /**
   * @param {Object} opts
   * @param {import('./library.js').Library} opts.library the open files
   * @param {Object} opts.cutter
   * @param {Object} opts.joiner
   * @param {() => string} opts.active the tool in view
   * @param {(files: File[]) => Promise<void>} opts.open opens files
   * @param {(id: number) => void} opts.cut opens a source in the cutter
   * @param {(tool: string) => void} opts.show shows a tool
   * @param {typeof import('./pwa.js').notify} opts.notify shows a banner
   * @param {(msg: string) => void} opts.error
   * @param {(msg: string) => void} opts.announce
   * @param {() => Storage} opts.storage the browser's storage (it may throw)
   * @param {HTMLElement} opts.root gets data-saved after each save (for tests)
   */
  constructor(opts) {
    Object.assign(this, opts);
    this.saveTimer = 0;
    this.restoring = false;
    this.hadFiles = false; // the session is only cleared by closing the last file
    this.restoreOffer = null;
    this.askedCopies = false;
    this.copying = false;
    /** The last session's sources that are not open yet, and its join if
     * that waits for them (see reapply). */
    this.saved = null;
    /** The last session's source keys -> the ids of those open now. */
    this.savedIds = new Map();
    this.scheduleSave = this.scheduleSave.bind(this);
  }

  /** Saves after every edit in the joiner from now on (the cutter's
   * histories come through watchHistory). */
  watch() {
    this.joiner.history.subscribe(this.scheduleSave);
  }

  /**
   * Saves after every edit in a cutter history from now on.
   * @param {{subscribe: (fn: Function) => void}} h
   */
  watchHistory(h) {
    h.subscribe(this.scheduleSave);
  }

  /** Saves the session soon (edits come in bursts). */
  scheduleSave() {
    const { library, cutter, joiner } = this;
    if (this.restoring || (!library.size && !this.hadFiles)) return;
    this.hadFiles = true;
    if (library.size && this.restoreOffer) this.restoreOffer.close(); // a new edit replaces the old one
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const srcs = library.all().filter((s) => s.file instanceof Blob); // not cloud files
      saveSession({
        docs: sessionDocs({ active: this.active(), current: cutter.src, sources: srcs, histories: cutter.histories, joined: joiner.history }),
        sources: srcs.map((s) => ({ key: s.id, file: s.file })),
      })
        .then(() => this.root.setAttribute('data-saved', String(Date.now())))
        .catch((err) => console.warn(`The session could not be saved: ${err.message}`));
      if (this.copiesChoice() === 'yes') this.keepCopies(srcs.filter((s) => !canReopen(s.file)));
    }, 400);
    this.offerCopies(); // at once, so the page does not move later
  }

  // Files without a handle come back after a reload only from a private
  // copy in this browser, made only if the user says yes.

  /** @returns {string} 'yes', 'no' or '' (not asked yet) */
  copiesChoice() {
    try {
      return this.storage().getItem(COPIES_KEY) || '';
    } catch {
      return 'no';
    }
  }

  /** @returns {Object[]} the open files that could not come back by themselves */
  uncopied() {
    return this.library.all().filter((s) => s.file instanceof Blob && !canReopen(s.file));
  }

  offerCopies() {
    if (this.askedCopies || this.copiesChoice() || !canKeepCopies()) return;
    if (!this.uncopied().length) return;
    this.askedCopies = true;
    this.notify('keep', 'Keep a private copy of your files in this browser, so this edit can be restored after a crash? It stays on this device.', [
      {
        label: 'Keep a copy',
        primary: true,
        testid: 'pwa-keep-copies',
        run: () => {
          try {
            this.storage().setItem(COPIES_KEY, 'yes');
          } catch {
            /* this time only */
          }
          return this.keepCopies(this.uncopied());
        },
      },
      { label: 'Not now', testid: 'pwa-no-copies' },
    ]);
  }

  async keepCopies(srcs) {
    if (this.copying || !srcs.length) return;
    this.copying = true;
    try {
      for (const s of srcs) {
        try {
          await keepCopy(s.file);
        } catch (err) {
          this.error(`Could not keep a copy of ${s.file.name} for restoring: ${err.message}`);
        }
      }
    } finally {
      this.copying = false;
    }
    this.scheduleSave();
  }

  /** Offers the last session back, if there is one and no file is open yet. */
  offerRestore() {
    return loadSession().then((session) => {
      if (!session || this.library.size) return;
      this.saved = { docs: session.docs, sources: session.sources, join: pendingJoin(session.docs) };
      this.savedIds = new Map();
      const names = session.sources.map((s) => s.name).join(', ');
      this.restoreOffer = this.notify('restore', `Restore your last edit? (${names})`, [
        {
          label: 'Restore',
          primary: true,
          testid: 'pwa-restore-btn',
          run: () => {
            this.restoreOffer = null;
            return this.restore(session).catch((err) => this.error(`Could not restore the last edit: ${err.message}`));
          },
        },
        {
          label: 'Discard',
          testid: 'pwa-discard',
          run: () => {
            this.saved = null;
            return clearSession();
          },
        },
      ]);
    });
  }

  /** Brings the last session back (from a click: it may ask for permissions). */
  async restore(session) {
    const { library, joiner } = this;
    const found = await restoreFiles(session);
    const missing = found.filter((s) => !s.file).map((s) => s.name);
    // The files not kept here come back when the user opens them again
    // (reapply): say so.
    const docs = session.docs || {};
    this.saved = missing.length ? { docs, sources: found.filter((s) => !s.file), join: pendingJoin(docs) } : null;
    if (missing.length) this.error(missingMessage(missing));
    const here = found.filter((s) => s.file);
    if (!here.length) return;
    this.restoring = true;
    try {
      await this.open(here.map((s) => s.file));
      const ids = restoredIds(here, library.all());
      this.savedIds = new Map(ids);
      for (const c of docs.cutter || []) {
        const src = library.get(ids.get(c.source));
        if (src) this.applySaved(src, c);
      }
      const join = docs.joiner && restoredJoin(docs.joiner, ids);
      if (join) {
        this.setJoin(join);
        if (this.saved) this.saved.join = null;
      } else if (this.saved && this.saved.join) {
        // Opening the missing files brings the join back (reapply): until
        // then the files that did come back are in the joiner as opened,
        // not as joined.
        joiner.history.replace(joinNew());
      }
      const current = library.get(ids.get(docs.current));
      if (current) this.cut(current.id);
      this.show(docs.active === 'joiner' && join ? 'joiner' : 'cutter');
      this.announce('Your last edit is back.');
    } finally {
      this.restoring = false;
      this.scheduleSave();
    }
  }

  /**
   * Puts a saved cutter history (past, present, future) on a source.
   * @param {{id: number}} src
   * @param {SavedHistory} c
   */
  applySaved(src, c) {
    const { cutter } = this;
    cutter.open(src);
    // States saved by an earlier version become documents.
    const m = (st) => cutMigrate(st, src.file, src.info.frames);
    cutter.history.past = c.past.map(m);
    cutter.history.future = c.future.map(m);
    cutter.history.replace(m(c.present));
  }

  /**
   * Puts a saved joiner history (its sources already renamed) in the joiner.
   * @param {SavedHistory} join
   */
  setJoin(join) {
    const { history } = this.joiner;
    history.past = join.past;
    history.future = join.future;
    history.replace(join.present);
  }

  /**
   * Gives files just opened their edit from the last session, if they are
   * among its files that are not open yet (not while restoring it), and
   * brings its join back once every file in it is open again (if the
   * joiner is still empty).
   * @param {Array<{id: number, file: File}>} opened
   * @returns {Promise<Object[]>} the opened sources now in the restored join
   */
  async reapply(opened) {
    if (this.restoring || !this.saved) return [];
    const saved = this.saved;
    await reapplyMatches(saved, opened, sameFile, (src, c, s) => {
      this.savedIds.set(s.key, src.id);
      if (!c) return;
      this.applySaved(src, c);
      this.announce(`Your last edit of ${src.file.name} is back.`);
    });
    let placed = [];
    const join = saved.join && !this.joiner.state.items.length && restoredJoin(saved.join, this.savedIds);
    if (join) {
      saved.join = null;
      this.setJoin(join);
      const inJoin = new Set(joinIds(join.present));
      placed = opened.filter((s) => inJoin.has(s.id));
      this.announce('Your last join is back.');
    }
    if (!saved.sources.length) this.saved = null;
    return placed;
  }
}
