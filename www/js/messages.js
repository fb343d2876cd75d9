// The page's messages: errors in plain words, kept until dismissed (the
// newest few), and announcements of results, read out by screen readers
// and shown briefly on screen as a toast.

import { el, icon } from './util.js';

/** How many errors stay on screen at most; older ones go first. */
export const MAX_ERRORS = 5;

export class Messages {
  /**
   * @param {Object} opts
   * @param {HTMLElement} opts.errors where the errors go
   * @param {HTMLElement} opts.live the polite live region
   * @param {HTMLElement} opts.toast the on-screen toast
   */
  constructor({ errors, live, toast }) {
    this.errors = errors;
    this.live = live;
    this.toast = toast;
    this.toastTimer = 0;
    this.error = this.error.bind(this);
    this.announce = this.announce.bind(this);
  }

  /**
   * Shows an error in plain words until dismissed.
   * @param {string} msg
   */
  error(msg) {
    const close = el('button', { type: 'button', class: 'btn btn-icon btn-small', title: 'Dismiss', onclick: () => row.remove() }, icon('close'), el('span', { class: 'btn-text' }, 'Dismiss'));
    const row = el('div', { class: 'error', dataset: { testid: 'error' } }, icon('warning'), el('p', {}, msg), close);
    this.errors.append(row);
    while (this.errors.children.length > MAX_ERRORS) this.errors.firstElementChild.remove();
  }

  /**
   * Announces a result to screen readers and briefly on screen.
   * @param {string} msg
   */
  announce(msg) {
    this.live.textContent = msg;
    const t = this.toast;
    t.textContent = msg;
    t.hidden = false;
    t.classList.add('show');
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      t.classList.remove('show');
      this.toastTimer = setTimeout(() => (t.hidden = true), 300);
    }, 2600);
  }
}
