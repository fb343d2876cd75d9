// The tool tabs (cutter, joiner, convert, record): which one is shown,
// switched by a click or, in the tab list, by the arrow keys, Home and End
// (the ARIA tabs pattern: only the selected tab is in the Tab order).

/** The tools, in tab order. */
export const TOOLS = /** @type {const} */ (['cutter', 'joiner', 'convert', 'recorder']);

/**
 * The tab a key moves to in the tab list: ← and → step round the ends,
 * Home and End go to the first and the last. Pure.
 * @param {readonly string[]} names the tabs, in order
 * @param {string} active the tab selected now
 * @param {string} key a KeyboardEvent's key
 * @returns {string|null} the tab to show, or null when the key is not a tab key
 */
export function tabAfter(names, active, key) {
  const step = { ArrowLeft: -1, ArrowRight: 1 }[key];
  const ends = { Home: 0, End: names.length - 1 }[key];
  if (step === undefined && ends === undefined) return null;
  const at = names.indexOf(active);
  return names[ends ?? (at + step + names.length) % names.length];
}

export class Tabs {
  /**
   * @param {Object} opts
   * @param {Array<[string, HTMLElement, HTMLElement]>} opts.tabs [name, tab, panel], in tab order
   * @param {HTMLElement} opts.list the tab list (for the keys)
   * @param {(name: string) => void} opts.onShow called after a tool is shown
   * @param {string} [opts.active] the tool shown at first (the markup's)
   */
  constructor({ tabs, list, onShow, active = tabs[0][0] }) {
    this.tabs = tabs;
    this.onShow = onShow;
    /** The tool in view. */
    this.active = active;
    for (const [name, tab] of tabs) tab.addEventListener('click', () => this.show(name));
    list.addEventListener('keydown', (e) => {
      const next = tabAfter(tabs.map(([n]) => n), this.active, e.key);
      if (next === null) return;
      e.preventDefault();
      this.show(next);
      tabs.find(([n]) => n === next)[1].focus();
    });
  }

  /**
   * Shows one tool.
   * @param {string} which
   */
  show(which) {
    this.active = which;
    for (const [name, tab, panel] of this.tabs) {
      const on = name === which;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
    this.onShow(which);
  }
}
