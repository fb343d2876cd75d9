// Keyboard shortcuts for the active editor, and the sheet that lists them
// (opened with ?).

import { el, isMac, primary } from './util.js';

const MOD = isMac ? '⌘' : 'Ctrl';

/**
 * A key press that runs a shortcut. key: KeyboardEvent.key values (letters
 * in lower case when mod is set); mod: with Ctrl (⌘ on Apple); shift:
 * true or false when it matters; anywhere: in text fields too;
 * notOnControl: not while a button or link has the focus (Space presses
 * it); prevent: when the browser's own action is stopped: 'always' (the
 * default with mod), 'handled' (when the editor has the command: the
 * default without), 'never'; call: the command when not the row's.
 * @typedef {{key: string[], mod?: boolean, shift?: boolean, anywhere?: boolean, notOnControl?: boolean, prevent?: string, call?: string}} Binding
 */

/**
 * One shortcut: the keys as the sheet shows them, what they do, and, for
 * the keys handled here, the editor's command (or 'help', the sheet) and
 * the key presses that run it. Rows without bindings are handled where
 * the focus is (the waveform, the joiner's list, the Record tab) and are
 * listed for the sheet.
 * @typedef {{keys: string, what: string, call?: string, bind?: Binding[]}} Shortcut
 */

/**
 * The one table of shortcuts: the sheet lists it and the handler below
 * runs it.
 * @type {Array<[string, Shortcut[]]>}
 */
export const SHORTCUTS = [
  ['Playback', [
    { keys: 'Space', what: 'Play or pause (the selection if there is one)', call: 'playPause', bind: [{ key: [' '], notOnControl: true, prevent: 'always' }] },
  ]],
  ['Selection and cursor', [
    { keys: '← →', what: 'Move the cursor, or the focused handle, by one pixel' },
    { keys: 'Shift + ← →', what: 'Extend the selection; on a handle, move it 20 pixels' },
    { keys: 'Page Down / Page Up', what: 'Move one second later / earlier' },
    { keys: 'Home / End', what: 'Go to the start or the end' },
    { keys: '[  ]', what: 'Set the selection start / end at the cursor', bind: [{ key: ['['], call: 'markIn' }, { key: [']'], call: 'markOut' }] },
    { keys: `${MOD} + A`, what: 'Select all', call: 'selectAll', bind: [{ key: ['a'], mod: true }] },
    { keys: 'Esc', what: 'Clear the selection', call: 'clearSel', bind: [{ key: ['Escape'], prevent: 'never' }] },
  ]],
  ['Editing', [
    { keys: 'Delete  or  ' + `${MOD} + K`, what: 'Remove the selection (joiner: the focused clip)', call: 'deleteSel', bind: [{ key: ['Delete', 'Backspace'] }, { key: ['k'], mod: true }] },
    { keys: `${MOD} + T`, what: 'Keep only the selection (trim)', call: 'trim', bind: [{ key: ['t'], mod: true }] },
    { keys: `${MOD} + I`, what: 'Split into parts at the cursor', call: 'split', bind: [{ key: ['i'], mod: true }] },
    { keys: `${MOD} + Z`, what: 'Undo', call: 'undo', bind: [{ key: ['z'], mod: true, shift: false }] },
    { keys: `${MOD} + Y  or  ${MOD} + Shift + Z`, what: 'Redo', call: 'redo', bind: [{ key: ['y'], mod: true }, { key: ['z'], mod: true, shift: true }] },
    { keys: 'Alt + ↑ ↓', what: 'Joiner: move the focused clip up or down' },
    { keys: `${MOD} + S`, what: 'Export', call: 'exportNow', bind: [{ key: ['s'], mod: true, shift: false, anywhere: true }] },
  ]],
  ['View', [
    { keys: '+  −', what: 'Zoom in / out', bind: [{ key: ['+', '='], call: 'zoomInKey' }, { key: ['-', '_'], call: 'zoomOutKey' }] },
    { keys: `${MOD} + wheel  or  pinch`, what: 'Zoom around the pointer' },
    { keys: 'Wheel  or  one-finger drag', what: 'Scroll' },
    { keys: 'Touch and hold, then drag', what: 'Select on a touch screen' },
    { keys: 'Two fingers', what: 'Pan and zoom on a touch screen' },
    { keys: '?', what: 'Show this sheet', call: 'help', bind: [{ key: ['?'], prevent: 'always' }] },
  ]],
  ['Record tab', [
    { keys: 'R', what: 'Record, and stop' },
    { keys: 'P', what: 'Pause and resume' },
  ]],
];

/**
 * The shortcut a key press runs, if any: the row and the binding that
 * matched. Pure (tested with node --test).
 * @param {{key: string, altKey: boolean, shiftKey: boolean, ctrlKey: boolean, metaKey: boolean}} e
 * @param {{typing: boolean, onControl: boolean}} where typing: the focus is a text field; onControl: a button or link
 * @returns {{row: Shortcut, bind: Binding}|null} (the command is bind.call || row.call)
 */
export function shortcutFor(e, { typing, onControl }) {
  if (e.altKey) return null;
  const mod = primary(/** @type {KeyboardEvent} */ (e));
  const key = mod ? e.key.toLowerCase() : e.key;
  for (const [, rows] of SHORTCUTS) {
    for (const row of rows) {
      for (const b of row.bind || []) {
        if (!!b.mod !== mod || !b.key.includes(key)) continue;
        if (b.shift !== undefined && b.shift !== e.shiftKey) continue;
        if (typing && !b.anywhere) continue;
        if (onControl && b.notOnControl) continue;
        return { row, bind: b };
      }
    }
  }
  return null;
}

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
        ...SHORTCUTS.map(([title, rows]) => el('section', {}, el('h3', {}, title), el('dl', {}, ...rows.flatMap((r) => [el('dt', {}, ...keys(r.keys)), el('dd', {}, r.what)])))),
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
    const t = e.target;
    const onControl = t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || (t instanceof HTMLInputElement && t.type !== 'range');
    const hit = shortcutFor(e, { typing: typing(t), onControl });
    if (!hit) return;
    const { row, bind } = hit;
    const call = bind.call || row.call;
    if (call === 'help') {
      e.preventDefault();
      opts.help();
      return;
    }
    const ed = opts.active();
    const has = !!(ed && ed[call]);
    const prevent = bind.prevent || (bind.mod ? 'always' : 'handled');
    if (prevent === 'always' || (prevent === 'handled' && has)) e.preventDefault();
    if (has) ed[call]();
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
