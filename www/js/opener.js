// Opening files: each is probed by the engine (an undecodable one is
// reported in plain words and the others open anyway), held in the
// library, and put where the user meant: the cutter, the joiner or the
// convert batch (placeOpened). Cloud files and saved cloud joins open here
// too (js/cloud.js reads them by range and decrypts them in the engine).

import { isAbort } from './util.js';
import { remapJoin } from './session.js';
import { cutMigrate } from './editdoc.js';

/**
 * Where newly opened files go. Pure.
 *
 * On the Convert tab (or when asked) they join the batch; several files,
 * or files opened for the joiner (or while the joiner holds clips), go to
 * the joiner, led by the cutter's file when the joiner is still empty and
 * the cutter is in view; one file otherwise opens in the cutter.
 * @template S
 * @param {Object} at
 * @param {'auto'|'joiner'|'convert'} at.where what the user asked for
 * @param {string} at.active the tool in view
 * @param {S[]} at.opened the sources just opened
 * @param {S|null|undefined} at.current the source in the cutter
 * @param {number} at.joining how many clips the joiner holds
 * @returns {{to: 'convert'|'joiner'|'cutter', lead: S[]}} lead: the sources to join before the opened ones
 */
export function placeOpened({ where, active, opened, current, joining }) {
  if (where === 'convert' || (where === 'auto' && active === 'convert')) return { to: 'convert', lead: [] };
  if (where === 'joiner' || opened.length > 1 || (active === 'joiner' && joining > 0)) {
    // Opening more files while a file is in the cutter (and the joiner is
    // still empty) joins the cutter's file first, then the new ones.
    const lead = active === 'cutter' && current && !joining && !opened.includes(current) ? [current] : [];
    return { to: 'joiner', lead };
  }
  return { to: 'cutter', lead: [] };
}

export class Opener {
  /**
   * @param {Object} opts
   * @param {() => Promise<Object>} opts.engine the engine
   * @param {import('./engine.js').Jobs} opts.jobs
   * @param {import('./library.js').Library} opts.library where opened files are held
   * @param {Object} opts.cutter
   * @param {Object} opts.joiner
   * @param {(msg: string) => void} opts.error
   * @param {() => string} opts.active the tool in view
   * @param {(tool: string) => void} opts.show shows a tool
   * @param {(id: number) => void} opts.cut opens a source in the cutter
   * @param {() => void} opts.refresh redraws the list of open files
   * @param {(src: Object) => void} opts.overview reads a source's waveform
   * @param {(opened: Object[]) => Promise<Object[]>} opts.reapply gives reopened files their saved edit; returns those it put in a restored join
   */
  constructor(opts) {
    Object.assign(this, opts);
  }

  /**
   * Opens files (from the picker, a drop, a paste, the system).
   * @param {File[]} files
   * @param {'auto'|'joiner'|'convert'} [where]
   */
  async open(files, where = 'auto') {
    const { cutter, joiner } = this;
    files = files.filter((f) => f instanceof File);
    if (!files.length) return;
    let opened = [];
    let oc;
    try {
      oc = await this.engine();
    } catch (err) {
      this.error(`The audio engine could not start: ${err.message}. Reload the page to try again.`);
      return;
    }
    for (const file of files) {
      try {
        const info = await this.jobs.run(`Opening ${file.name}`, (signal) => oc.probe(file, { signal }));
        if (!info || !info.frames) throw Object.assign(new Error(`${file.name} has no audio in it.`), { code: 'no_audio' });
        opened.push(this.library.add(file, info));
      } catch (err) {
        if (isAbort(err)) continue;
        // The engine's message is plain words naming the file (see API.md).
        this.error(err.message);
      }
    }
    if (!opened.length) {
      this.refresh();
      return;
    }
    // Files that bring the last session's join back are in the joiner.
    const placed = await this.reapply(opened);
    if (placed.length) {
      if (!cutter.src) cutter.open(placed[0]);
      this.show('joiner');
      opened = opened.filter((s) => !placed.includes(s));
      if (!opened.length) {
        this.refresh();
        this.overview(cutter.src);
        return;
      }
    }
    const place = placeOpened({ where, active: this.active(), opened, current: cutter.src, joining: joiner.state.items.length });
    if (place.to === 'convert') {
      // Files opened on the Convert tab join the batch and stay there.
      if (!cutter.src) cutter.open(opened[0]);
      this.refresh();
      return;
    }
    if (place.to === 'joiner') {
      joiner.add([...place.lead, ...opened]);
      if (!cutter.src) cutter.open(opened[0]);
      this.refresh();
      this.show('joiner');
      this.overview(cutter.src);
    } else {
      this.cut(opened[0].id);
    }
  }

  /**
   * Probes a cloud file and holds it.
   * @param {Object} oc the engine
   * @param {Object} file
   */
  async probeCloud(oc, file) {
    const info = await this.jobs.run(`Opening ${file.name} from the cloud`, (signal) => oc.probe(file, { signal }), { delay: 0 });
    if (!info || !info.frames) throw new Error(`${file.name} has no audio in it.`);
    return this.library.add(file, info);
  }

  /**
   * Opens a cloud file in the cutter, with an edit state if one was saved.
   * @param {object} file
   * @param {object|null} state the cutter's saved edit
   */
  async openCloudFile(file, state) {
    const { cutter } = this;
    const src = await this.probeCloud(await this.engine(), file);
    this.cut(src.id);
    if (state && cutter.history) cutter.history.replace(cutMigrate(state, src.file, src.info.frames));
    return src;
  }

  /**
   * Opens a saved join: its cloud files in the library, its edit in the
   * joiner, the saved source keys mapped to the new ids.
   * @param {object[]} files
   * @param {object} state the joiner's saved edit
   * @param {number[]} keys the source id each file had when saved
   * @returns {Promise<object[]>} the sources, in the order of files
   */
  async openCloudJoin(files, state, keys) {
    const { cutter, joiner } = this;
    const oc = await this.engine();
    const srcs = [];
    const ids = new Map();
    for (const [i, file] of files.entries()) {
      const src = await this.probeCloud(oc, file);
      srcs.push(src);
      ids.set(keys[i], src.id);
    }
    const present = remapJoin(state, ids, 2e6);
    if (!present) throw new Error('the saved join names a file it does not hold');
    joiner.history.past = [];
    joiner.history.future = [];
    joiner.history.replace(present);
    if (!cutter.src) cutter.open(srcs[0]);
    this.refresh();
    this.show('joiner');
    return srcs;
  }
}
