// The light and dark themes: the system's choice until the user presses
// the theme button, then the user's, remembered in this browser (for this
// page only when storage is off).

/** Where the user's choice is kept. */
export const THEME_KEY = 'offcut.theme';

/**
 * The theme to show: the stored choice if there is one, else the system's.
 * Pure.
 * @param {string|null} stored what was stored under THEME_KEY
 * @param {boolean} systemDark whether the system prefers dark
 * @returns {'dark'|'light'}
 */
export function pickTheme(stored, systemDark) {
  return stored === 'dark' || stored === 'light' ? stored : systemDark ? 'dark' : 'light';
}

export class Theme {
  /**
   * Follows the system and the button from now on, and applies the theme.
   * @param {Object} opts
   * @param {HTMLElement} opts.root the element whose data-theme is set
   * @param {HTMLElement} opts.button the theme button (aria-pressed when dark)
   * @param {MediaQueryList} opts.system (prefers-color-scheme: dark)
   * @param {() => Storage} opts.storage the browser's storage (it may throw)
   * @param {() => void} opts.onChange redraws what the CSS cannot
   */
  constructor({ root, button, system, storage, onChange }) {
    this.root = root;
    this.button = button;
    this.system = system;
    this.storage = storage;
    this.onChange = onChange;
    this.apply = this.apply.bind(this);
    button.addEventListener('click', () => this.toggle());
    system.addEventListener('change', this.apply);
    this.apply();
  }

  /** Shows the stored theme, or the system's. */
  apply() {
    let stored = null;
    try {
      stored = this.storage().getItem(THEME_KEY);
    } catch {
      /* storage off: follow the system */
    }
    const theme = pickTheme(stored, this.system.matches);
    this.root.dataset.theme = theme;
    this.button.setAttribute('aria-pressed', String(theme === 'dark'));
    this.button.querySelector('.btn-text').textContent = 'Dark theme';
    this.onChange();
  }

  /** Switches to the other theme and remembers the choice. */
  toggle() {
    const next = this.root.dataset.theme === 'dark' ? 'light' : 'dark';
    try {
      this.storage().setItem(THEME_KEY, next);
    } catch {
      /* storage off: for this page only */
    }
    this.apply();
    this.root.dataset.theme = next; // also when storage is off
    this.button.setAttribute('aria-pressed', String(next === 'dark'));
  }
}
