// Where files come in: the file picker, a drop anywhere on the page, a
// paste (files copied in a file manager), and files handed over by the
// system (opened with Offcut or shared to it: js/pwa.js sends them as an
// offcut:open-files event once the app says offcut:ready).

import { rememberDropped } from './persist.js';

/**
 * Whether a drag carries files (not text or a link).
 * @param {DragEvent} e
 * @returns {boolean}
 */
export function hasFiles(e) {
  return !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

export class Intake {
  /**
   * Listens for drops and pastes on the page from now on.
   * @param {Object} opts
   * @param {HTMLInputElement} opts.input the hidden file input
   * @param {HTMLElement} opts.overlay shown while files are dragged over the page
   * @param {Document} opts.page where drops and pastes are taken
   * @param {(files: File[], where?: 'auto'|'joiner'|'convert') => void} opts.open opens files
   */
  constructor({ input, overlay, page, open }) {
    this.input = input;
    this.open = open;
    this.pickTarget = 'auto';
    input.addEventListener('change', () => {
      const files = [...(input.files || [])];
      input.value = '';
      open(files, /** @type {'auto'|'joiner'|'convert'} */ (this.pickTarget));
      this.pickTarget = 'auto';
    });

    // Drag and drop anywhere on the page.
    let dragDepth = 0;
    page.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth++;
      overlay.hidden = false;
    });
    page.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    page.addEventListener('dragleave', (e) => {
      if (!hasFiles(e)) return;
      dragDepth = Math.max(0, dragDepth - 1);
      if (!dragDepth) overlay.hidden = true;
    });
    page.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth = 0;
      overlay.hidden = true;
      rememberDropped(e.dataTransfer); // handles, so the session can reopen the files
      open([...e.dataTransfer.files]);
    });

    // Paste files (e.g. copied in a file manager).
    page.addEventListener('paste', (e) => {
      const files = [...((e.clipboardData && e.clipboardData.files) || [])];
      if (!files.length) return;
      e.preventDefault();
      open(files);
    });
  }

  /**
   * Opens the file picker.
   * @param {'auto'|'joiner'|'convert'} where
   */
  pick(where) {
    this.pickTarget = where;
    this.input.click();
  }

  /**
   * Takes the files the system hands over (js/pwa.js), and says the app
   * listens now.
   * @param {Window} win
   */
  listen(win) {
    win.addEventListener('offcut:open-files', (e) => {
      const d = /** @type {CustomEvent} */ (e).detail || {};
      e.preventDefault();
      this.open([...(d.files || [])], d.mode === 'join' ? 'joiner' : 'auto');
    });
    win.dispatchEvent(new Event('offcut:ready'));
  }
}
