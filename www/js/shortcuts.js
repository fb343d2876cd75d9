// Keyboard shortcuts for the active editor, and the sheet that lists them
// (opened with ?).

import { el, isMac, primary } from './util.js';

const MOD = isMac ? '⌘' : 'Ctrl';

/** The sheet's rows: keys and what they do. */
export const SHORTCUTS = [
  ['Playback', [
    ['Space', 'Play or pause (the selection if there is one)'],
  ]],
  ['Selection and cursor', [
    ['← →', 'Move the cursor, or the focused handle, by one pixel'],
    ['Shift + ← →', 'Extend the selection; on a handle, move it 20 pixels'],
    ['Page Down / Page Up', 'Move one second later / earlier'],
    ['Home / End', 'Go to the start or the end'],
    ['[  ]', 'Set the selection start / end at the cursor'],
    [`${MOD} + A`, 'Select all'],
    ['Esc', 'Clear the selection'],
  ]],
  ['Editing', [
    ['Delete  or  ' + `${MOD} + K`, 'Remove the selection (joiner: the focused clip)'],
    [`${MOD} + T`, 'Keep only the selection (trim)'],
    [`${MOD} + I`, 'Split into parts at the cursor'],
    [`${MOD} + Z`, 'Undo'],
    [`${MOD} + Y  or  ${MOD} + Shift + Z`, 'Redo'],
    ['Alt + ↑ ↓', 'Joiner: move the focused clip up or down'],
    [`${MOD} + S`, 'Export'],
  ]],
  ['View', [
    ['+  −', 'Zoom in / out'],
    [`${MOD} + wheel  or  pinch`, 'Zoom around the pointer'],
    ['Wheel  or  one-finger drag', 'Scroll'],
    ['Touch and hold, then drag', 'Select on a touch screen'],
    ['Two fingers', 'Pan and zoom on a touch screen'],
    ['?', 'Show this sheet'],
  ]],
  ['Record tab', [
    ['R', 'Record, and stop'],
    ['P', 'Pause and resume'],
  ]],
];

/**
 * Builds the shortcuts <dialog>.
 * @returns {HTMLDialogElement}
 */
export function shortcutSheet() {
  const close = el('button', { type: 'button', class: 'btn btn-icon', autofocus: true, title: 'Close (Esc)', onclick: () => dlg.close() }, el('span', { class: 'icon icon-close', 'aria-hidden': 'true' }), el('span', { class: 'btn-text' }, 'Close'));
  const keys = (k) => k.split('  ').map((part) => (part.trim() === 'or' ? el('span', { class: 'muted' }, 'or') : el('kbd', {}, part.trim())));
  const dlg = /** @type {HTMLDialogElement} */ (
    el(
      'dialog',
      { class: 'sheet', 'aria-labelledby': 'sheet-title', dataset: { testid: 'shortcuts' } },
      el('div', { class: 'sheet-head' }, el('h2', { id: 'sheet-title' }, 'Keyboard shortcuts'), close),
      el(
        'div',
        { class: 'sheet-groups' },
        ...SHORTCUTS.map(([title, rows]) => el('section', {}, el('h3', {}, title), el('dl', {}, ...rows.flatMap(([k, what]) => [el('dt', {}, ...keys(k)), el('dd', {}, what)])))),
      ),
      el('p', { class: 'muted small sheet-note' }, `Some browsers keep ${MOD}+T and ${MOD}+K for themselves; the Keep and Remove buttons do the same.`),
    )
  );
  dlg.addEventListener('click', (e) => {
    if (e.target === dlg) dlg.close(); // a click on the backdrop
  });
  return dlg;
}

function typing(t) {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button', 'submit'].includes(t.type);
}

/**
 * Listens for the shortcuts and sends them to the active editor.
 * @param {Object} opts
 * @param {() => (Object|null)} opts.active the editor (cutter or joiner) in view
 * @param {() => void} opts.help opens the sheet
 * @param {() => boolean} opts.blocked true while a dialog is open
 */
export function installShortcuts(opts) {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || opts.blocked()) return;
    const ed = opts.active();
    const t = e.target;
    const mod = primary(e);
    const key = e.key;
    // Ctrl+S exports from anywhere (instead of saving the page).
    if (mod && !e.altKey && !e.shiftKey && key.toLowerCase() === 's') {
      e.preventDefault();
      if (ed && ed.exportNow) ed.exportNow();
      return;
    }
    // Undo/redo work everywhere but in text fields (where they edit text).
    if (mod && !e.altKey && !typing(t)) {
      const k = key.toLowerCase();
      const run = (fn) => {
        e.preventDefault();
        if (ed && ed[fn]) ed[fn]();
      };
      if (k === 'z' && !e.shiftKey) return run('undo');
      if ((k === 'z' && e.shiftKey) || k === 'y') return run('redo');
      if (k === 'k') return run('deleteSel');
      if (k === 't') return run('trim');
      if (k === 'i') return run('split');
      if (k === 'a') return run('selectAll');
      return;
    }
    if (typing(t) || e.altKey || mod) return;
    const onControl = t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || (t instanceof HTMLInputElement && t.type !== 'range');
    switch (key) {
      case ' ':
        if (onControl) return; // Space presses a focused button
        e.preventDefault();
        if (ed && ed.playPause) ed.playPause();
        return;
      case '?':
        e.preventDefault();
        opts.help();
        return;
      case '[':
        if (ed && ed.markIn) {
          e.preventDefault();
          ed.markIn();
        }
        return;
      case ']':
        if (ed && ed.markOut) {
          e.preventDefault();
          ed.markOut();
        }
        return;
      case '+':
      case '=':
        if (ed && ed.zoomInKey) {
          e.preventDefault();
          ed.zoomInKey();
        }
        return;
      case '-':
      case '_':
        if (ed && ed.zoomOutKey) {
          e.preventDefault();
          ed.zoomOutKey();
        }
        return;
      case 'Delete':
      case 'Backspace':
        if (ed && ed.deleteSel) {
          e.preventDefault();
          ed.deleteSel();
        }
        return;
      case 'Escape':
        if (ed && ed.clearSel) ed.clearSel();
        return;
      default:
    }
  });
}

/**
 * Puts the shortcuts sheet on the page, opened by a button and by ?, and
 * installs the shortcuts (not while the sheet is open).
 * @param {HTMLElement} button the Shortcuts button
 * @param {() => (Object|null)} active the editor (cutter or joiner) in view
 */
export function installShortcutsWithSheet(button, active) {
  const sheet = shortcutSheet();
  document.body.append(sheet);
  const openSheet = () => {
    if (!sheet.open) sheet.showModal();
  };
  button.addEventListener('click', openSheet);
  installShortcuts({ active, help: openSheet, blocked: () => sheet.open });
}
