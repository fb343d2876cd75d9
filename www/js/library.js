// The open files: the sources the page holds (each a file and what the
// engine said of it, under an id of its own), and the list that shows
// them with buttons to open one in the cutter, add it to the joiner or
// close it. The welcome screen shows while it is empty.

import { el, icon, formatTime } from './util.js';

/**
 * @typedef {{id: number, file: File, info: Object}} Source
 */

/**
 * What the page shows: the welcome screen while no file is open, the
 * workspace once one is; the recorder needs no file, so it always shows
 * the workspace. Pure.
 * @param {number} open how many files are open
 * @param {string} active the tool in view
 * @returns {{welcome: boolean, workspace: boolean}}
 */
export function pageShows(open, active) {
  return { welcome: !open && active !== 'recorder', workspace: open > 0 || active === 'recorder' };
}

export class Library {
  /**
   * @param {Object} opts
   * @param {HTMLElement} opts.list the <ul> of open files
   * @param {HTMLElement} opts.welcome the welcome screen
   * @param {HTMLElement} opts.workspace the tools
   * @param {() => (number|undefined)} opts.current the id of the source in the cutter
   * @param {(id: number) => void} opts.open opens a source in the cutter
   * @param {(src: Source) => void} opts.join adds a source to the joiner
   * @param {(id: number) => void} opts.close closes a source
   */
  constructor({ list, welcome, workspace, current, open, join, close }) {
    Object.assign(this, { list, welcome, workspace, current, open, join, close });
    /** @type {Map<number, Source>} */
    this.sources = new Map();
    this.nextId = 1;
  }

  /**
   * Holds a newly opened file.
   * @param {File|Object} file a File, or a cloud file
   * @param {Object} info the engine's probe
   * @returns {Source}
   */
  add(file, info) {
    const src = { id: this.nextId++, file, info };
    this.sources.set(src.id, src);
    return src;
  }

  /** @param {number} id @returns {Source|undefined} */
  get(id) {
    return this.sources.get(id);
  }

  /** @param {number} id */
  has(id) {
    return this.sources.has(id);
  }

  /** @param {number} id */
  delete(id) {
    this.sources.delete(id);
  }

  /** How many files are open. */
  get size() {
    return this.sources.size;
  }

  /** @returns {Source[]} the open sources, in the order they were opened */
  all() {
    return [...this.sources.values()];
  }

  /**
   * Draws the list, and the welcome screen or the workspace.
   * @param {string} active the tool in view
   */
  render(active) {
    const current = this.current();
    this.list.replaceChildren(...this.all().map((src) => this.item(src, src.id === current)));
    const shows = pageShows(this.size, active);
    this.welcome.hidden = !shows.welcome;
    this.workspace.hidden = !shows.workspace;
  }

  /**
   * @param {Source} src
   * @param {boolean} current whether it is in the cutter
   */
  item(src, current) {
    const name = src.file.name;
    return el(
      'li',
      { class: `lib-item${current ? ' current' : ''}`, dataset: { testid: 'lib-item' } },
      el(
        'button',
        { type: 'button', class: 'lib-open', 'aria-current': current ? 'true' : false, title: `Open ${name} in the cutter`, onclick: () => this.open(src.id) },
        el('span', { class: 'lib-name' }, name),
        el('span', { class: 'lib-dur muted' }, formatTime(src.info.frames, src.info.format.sampleRate)),
      ),
      // A visible word beside the icon: ⤮ alone says nothing to a new user.
      el('button', { type: 'button', class: 'btn btn-small lib-join', title: `Add ${name} to the joiner`, dataset: { testid: 'lib-join' }, onclick: () => this.join(src) }, icon('join'), el('span', { class: 'btn-text' }, 'Join')),
      el('button', { type: 'button', class: 'btn btn-icon btn-small', title: `Close ${name}`, onclick: () => this.close(src.id) }, icon('close'), el('span', { class: 'btn-text' }, `Close ${name}`)),
    );
  }
}
