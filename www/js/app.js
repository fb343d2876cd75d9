// Offcut's page: opens files (picker, drop, paste), keeps the list of open
// sources, switches between the cutter and the joiner, and wires the
// engine, the jobs bar, the theme and the shortcuts together.

import { engine, Jobs, isAbort } from './engine.js';
import { PeakStore } from './peaks.js';
import { Player } from './player.js';
import { Cutter } from './cutter.js';
import { Joiner } from './joiner.js';
import { Converter } from './converter.js';
import { installShortcuts, shortcutSheet } from './shortcuts.js';
import { el, icon, formatTime } from './util.js';
import { setEditGuard, launchMode, notify } from './pwa.js';
import { Recorder } from './recorder.js';
import { SilenceTrim } from './trimsilence.js';
import { saveSession, loadSession, restoreFiles, clearSession, rememberDropped, canReopen, canKeepCopies, keepCopy, sameFile } from './persist.js';
import { Cloud } from './cloud.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {Map<number, {id: number, file: File, info: Object}>} */
const library = new Map();
let nextId = 1;
const overviews = new Map(); // source id -> 'loading' | 'done' | 'failed'

const jobs = new Jobs($('activity'));
const player = new Player();

// ---- messages ----------------------------------------------------------

/**
 * Shows an error in plain words until dismissed.
 * @param {string} msg
 */
function error(msg) {
  const close = el('button', { type: 'button', class: 'btn btn-icon btn-small', title: 'Dismiss', onclick: () => row.remove() }, icon('close'), el('span', { class: 'btn-text' }, 'Dismiss'));
  const row = el('div', { class: 'error', dataset: { testid: 'error' } }, icon('warning'), el('p', {}, msg), close);
  $('errors').append(row);
  while ($('errors').children.length > 5) $('errors').firstElementChild.remove();
}

let toastTimer = 0;
/**
 * Announces a result to screen readers and briefly on screen.
 * @param {string} msg
 */
function announce(msg) {
  $('announce').textContent = msg;
  const t = $('toast');
  t.textContent = msg;
  t.hidden = false;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.classList.remove('show');
    toastTimer = setTimeout(() => (t.hidden = true), 300);
  }, 2600);
}

// ---- editors ----------------------------------------------------------

const peaks = new PeakStore(
  async (source, { from, to, buckets }) => {
    const src = library.get(source);
    if (!src) throw new Error('closed');
    const oc = await engine();
    return jobs.run(`Drawing the waveform of ${src.file.name} in detail`, (signal, onProgress) => oc.peaks(src.file, { from, to, buckets, signal, onProgress }), { delay: 700 });
  },
  () => {
    cutter.wave.draw();
    joiner.drawThumbs();
  },
);

const cutter = new Cutter({ jobs, peaks, player, error, announce });
const joiner = new Joiner({
  jobs,
  player,
  error,
  announce,
  source: (id) => library.get(id),
  peaks,
  loadOverview: (id) => library.has(id) && loadOverview(library.get(id)),
  addFiles: () => pickFiles('joiner'),
  // A clip trimmed on the cutter's waveform, then back to the joiner.
  trim: (item, done) => {
    const src = library.get(item.src);
    if (!src) return;
    showTab('cutter');
    cutter.openTrim(src, item, (span, how) => {
      if (span) done(span);
      renderLibrary();
      if (how !== 'abandoned') showTab('joiner');
    });
    renderLibrary();
    loadOverview(src);
  },
});
const converter = new Converter({ jobs, error, announce, sources: () => [...library.values()], addFiles: () => pickFiles('convert') });
$('cutter-panel').append(cutter.root);
$('joiner-panel').append(joiner.root);
$('convert-panel').append(converter.root);
const recorder = new Recorder({ error, announce, notify, open: (file) => openFiles([file]) });
$('recorder-panel').append(recorder.root);
new SilenceTrim({ cutter, engine, jobs, error, announce }); // a row in the cutter
// The optional cloud save (js/cloud.js): silent until the user signs in.
const cloud = new Cloud({
  engine, jobs, error, announce, cutter, joiner,
  source: (id) => library.get(id),
  open: (file, state) => openCloudFile(file, state),
  openJoin: (files, state, keys) => openCloudJoin(files, state, keys),
});
joiner.history.subscribe((s) => {
  const b = $('join-count');
  b.hidden = !s.items.length;
  b.textContent = String(s.items.length);
});

let active = 'cutter';
/** The tools, in tab order: [name, tab, panel]. */
const TABS = [
  ['cutter', $('tab-cutter'), $('cutter-panel')],
  ['joiner', $('tab-joiner'), $('joiner-panel')],
  ['convert', $('tab-convert'), $('convert-panel')],
  ['recorder', $('tab-recorder'), $('recorder-panel')],
];
/**
 * Shows one tool.
 * @param {'cutter'|'joiner'|'convert'|'recorder'} which
 */
function showTab(which) {
  active = which;
  for (const [name, tab, panel] of TABS) {
    const on = name === which;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
  }
  cutter.stopPlayback();
  joiner.stopPreview();
  if (which === 'cutter') cutter.wave.resize();
  if (which === 'joiner') joiner.drawThumbs(); // peaks that came while it was hidden
  renderLibrary(); // the recorder shows the workspace even with no file open
  if (which === 'recorder') recorder.shown();
}
for (const [name, tab] of TABS) tab.addEventListener('click', () => showTab(name));
$('record-btn').addEventListener('click', () => showTab('recorder'));
$('tab-cutter').parentElement.addEventListener('keydown', (e) => {
  const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
  const ends = { Home: 0, End: TABS.length - 1 }[e.key];
  if (step === undefined && ends === undefined) return;
  e.preventDefault();
  const at = TABS.findIndex(([n]) => n === active);
  const next = TABS[ends ?? (at + step + TABS.length) % TABS.length][0];
  showTab(next);
  $(`tab-${next}`).focus();
});

// ---- the open files -----------------------------------------------------

/**
 * Shows a source in the cutter and loads its waveform overview.
 * @param {number} id
 */
function cut(id) {
  const src = library.get(id);
  if (!src) return;
  cutter.open(src);
  renderLibrary();
  showTab('cutter');
  loadOverview(src);
}

async function loadOverview(src, force = false) {
  const show = (text) => {
    if (cutter.src && cutter.src.id === src.id) cutter.wave.setLoading(text);
  };
  const state = overviews.get(src.id);
  if (state === 'done') show('');
  if (state === 'cancelled' && !force) showCancelled(src);
  if (state && !(state === 'cancelled' && force)) return;
  overviews.set(src.id, 'loading');
  peaks.add(src.id, src.info.frames);
  show('Reading the waveform…');
  try {
    const oc = await engine();
    const buckets = Math.max(1, Math.min(src.info.frames, 8192));
    // A quick overview first (a window of each of about a thousand buckets,
    // read at once from PCM files), drawn while the exact waveform is read.
    const quick = await jobs.run(`Reading the waveform of ${src.file.name} (overview)`, (signal) =>
      oc.peaks(src.file, { buckets: Math.min(buckets, 1024), sampled: true, signal }), { delay: 700 });
    if (quick.sampled && quick.min.length && overviews.get(src.id) === 'loading') {
      peaks.put(src.id, quick);
      cutter.wave.changed();
      joiner.drawThumbs();
      show('Refining the waveform…');
    }
    const p = await jobs.run(`Reading the waveform of ${src.file.name}`, (signal, onProgress) =>
      oc.peaks(src.file, {
        buckets,
        signal,
        onProgress: (pr) => {
          onProgress(pr);
          if (pr.total) show(`${peaks.best(src.id, 0, src.info.frames) ? 'Refining' : 'Reading'} the waveform… ${Math.floor((pr.done / pr.total) * 100)}%`);
        },
      }),
    );
    peaks.put(src.id, p);
    overviews.set(src.id, 'done');
    show('');
    cutter.wave.changed();
    joiner.drawThumbs();
  } catch (err) {
    overviews.set(src.id, isAbort(err) ? 'cancelled' : 'failed');
    if (isAbort(err)) {
      showCancelled(src);
    } else {
      show('The waveform could not be drawn.');
      error(`Could not draw the waveform of ${src.file.name}: ${err.message}`);
    }
  }
}

function showCancelled(src) {
  if (cutter.src && cutter.src.id === src.id) {
    cutter.wave.setLoading('Waveform not drawn (cancelled). You can still select, play and export.', { label: 'Draw it', run: () => loadOverview(src, true) });
  }
}

function renderLibrary() {
  const ul = $('library');
  ul.replaceChildren(
    ...[...library.values()].map((src) => {
      const current = cutter.src && cutter.src.id === src.id;
      return el(
        'li',
        { class: `lib-item${current ? ' current' : ''}`, dataset: { testid: 'lib-item' } },
        el(
          'button',
          { type: 'button', class: 'lib-open', 'aria-current': current ? 'true' : false, title: `Open ${src.file.name} in the cutter`, onclick: () => cut(src.id) },
          el('span', { class: 'lib-name' }, src.file.name),
          el('span', { class: 'lib-dur muted' }, formatTime(src.info.frames, src.info.format.sampleRate)),
        ),
        // A visible word beside the icon: ⤮ alone says nothing to a new user.
        el('button', { type: 'button', class: 'btn btn-small lib-join', title: `Add ${src.file.name} to the joiner`, dataset: { testid: 'lib-join' }, onclick: () => { joiner.add([src]); showTab('joiner'); } }, icon('join'), el('span', { class: 'btn-text' }, 'Join')),
        el('button', { type: 'button', class: 'btn btn-icon btn-small', title: `Close ${src.file.name}`, onclick: () => closeSource(src.id) }, icon('close'), el('span', { class: 'btn-text' }, `Close ${src.file.name}`)),
      );
    }),
  );
  converter.update();
  cloud.render();
  const any = library.size > 0;
  $('welcome').hidden = any || active === 'recorder';
  $('workspace').hidden = !any && active !== 'recorder';
  scheduleSave();
}

function closeSource(id) {
  cutter.stopPlayback();
  joiner.stopPreview();
  library.delete(id);
  overviews.delete(id);
  cutter.forget(id);
  joiner.forget(id);
  if (!cutter.src && library.size) cut([...library.keys()][0]);
  renderLibrary();
}

/**
 * Opens files: probes each one; an undecodable file is reported in plain
 * words and the others open anyway.
 * @param {File[]} files
 * @param {'auto'|'joiner'|'convert'} [where]
 */
async function openFiles(files, where = 'auto') {
  files = files.filter((f) => f instanceof File);
  if (!files.length) return;
  const opened = [];
  let oc;
  try {
    oc = await engine();
  } catch (err) {
    error(`The audio engine could not start: ${err.message}. Reload the page to try again.`);
    return;
  }
  for (const file of files) {
    try {
      const info = await jobs.run(`Opening ${file.name}`, (signal) => oc.probe(file, { signal }));
      if (!info || !info.frames) throw Object.assign(new Error(`${file.name} has no audio in it.`), { code: 'no_audio' });
      const src = { id: nextId++, file, info };
      library.set(src.id, src);
      opened.push(src);
    } catch (err) {
      if (isAbort(err)) continue;
      // The engine's message is plain words naming the file (see API.md).
      error(err.message);
    }
  }
  if (!opened.length) {
    renderLibrary();
    return;
  }
  if (!restoring) await reapplySaved(opened);
  if (where === 'convert' || (where === 'auto' && active === 'convert')) {
    // Files opened on the Convert tab join the batch and stay there.
    if (!cutter.src) cutter.open(opened[0]);
    renderLibrary();
    return;
  }
  const toJoiner = where === 'joiner' || opened.length > 1 || (active === 'joiner' && joiner.state.items.length > 0);
  if (toJoiner) {
    // Opening more files while a file is in the cutter (and the joiner is
    // still empty) joins the cutter's file first, then the new ones.
    const first = active === 'cutter' && cutter.src && !joiner.state.items.length && !opened.includes(cutter.src) ? [cutter.src] : [];
    joiner.add([...first, ...opened]);
    if (!cutter.src) cutter.open(opened[0]);
    renderLibrary();
    showTab('joiner');
    loadOverview(cutter.src);
  } else {
    cut(opened[0].id);
  }
}

/**
 * Opens a cloud file (js/cloud.js: read by range from the cloud, decrypted
 * in the engine) in the cutter, with an edit state if one was saved.
 * @param {object} file
 * @param {object|null} state the cutter's saved edit
 */
async function openCloudFile(file, state) {
  const oc = await engine();
  const info = await jobs.run(`Opening ${file.name} from the cloud`, (signal) => oc.probe(file, { signal }), { delay: 0 });
  if (!info || !info.frames) throw new Error(`${file.name} has no audio in it.`);
  const src = { id: nextId++, file, info };
  library.set(src.id, src);
  cut(src.id);
  if (state && cutter.history) cutter.history.replace(state);
  return src;
}

/**
 * Opens a saved join (js/cloud.js): its cloud files in the library, its
 * edit in the joiner, the saved source keys mapped to the new ids.
 * @param {object[]} files
 * @param {object} state the joiner's saved edit
 * @param {number[]} keys the source id each file had when saved
 * @returns {Promise<object[]>} the sources, in the order of files
 */
async function openCloudJoin(files, state, keys) {
  const oc = await engine();
  const srcs = [];
  const ids = new Map();
  for (const [i, file] of files.entries()) {
    const info = await jobs.run(`Opening ${file.name} from the cloud`, (signal) => oc.probe(file, { signal }), { delay: 0 });
    if (!info || !info.frames) throw new Error(`${file.name} has no audio in it.`);
    const src = { id: nextId++, file, info };
    library.set(src.id, src);
    srcs.push(src);
    ids.set(keys[i], src.id);
  }
  if (state.items.some((it) => !ids.has(it.src))) throw new Error('the saved join names a file it does not hold');
  joiner.history.past = [];
  joiner.history.future = [];
  joiner.history.replace({ ...state, items: state.items.map((it) => ({ ...it, key: 2e6 + it.key, src: ids.get(it.src) })) });
  if (!cutter.src) cutter.open(srcs[0]);
  renderLibrary();
  showTab('joiner');
  return srcs;
}

let pickTarget = 'auto';
/**
 * Opens the file picker.
 * @param {'auto'|'joiner'|'convert'} where
 */
function pickFiles(where) {
  pickTarget = where;
  $('file-input').click();
}
$('file-input').addEventListener('change', (e) => {
  const input = /** @type {HTMLInputElement} */ (e.target);
  const files = [...(input.files || [])];
  input.value = '';
  openFiles(files, pickTarget);
  pickTarget = 'auto';
});
$('open-btn').addEventListener('click', () => pickFiles(launchMode() === 'join' ? 'joiner' : 'auto'));
$('add-btn').addEventListener('click', () => pickFiles('auto'));

// Drag and drop anywhere on the page.
let dragDepth = 0;
const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
document.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth++;
  $('drop-overlay').hidden = false;
});
document.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('dragleave', (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) $('drop-overlay').hidden = true;
});
document.addEventListener('drop', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  rememberDropped(e.dataTransfer); // handles, so the session can reopen the files
  openFiles([...e.dataTransfer.files]);
});

// Paste files (e.g. copied in a file manager).
document.addEventListener('paste', (e) => {
  const files = [...((e.clipboardData && e.clipboardData.files) || [])];
  if (!files.length) return;
  e.preventDefault();
  openFiles(files);
});

// ---- theme --------------------------------------------------------------

const THEME_KEY = 'offcut.theme';
const dark = matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  let stored = null;
  try {
    stored = localStorage.getItem(THEME_KEY);
  } catch {
    /* storage off: follow the system */
  }
  const theme = stored === 'dark' || stored === 'light' ? stored : dark.matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = theme;
  const btn = $('theme-btn');
  btn.setAttribute('aria-pressed', String(theme === 'dark'));
  btn.querySelector('.btn-text').textContent = 'Dark theme';
  cutter.wave.draw();
}
$('theme-btn').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(THEME_KEY, next);
  } catch {
    /* storage off: for this page only */
  }
  applyTheme();
  document.documentElement.dataset.theme = next; // also when storage is off
  $('theme-btn').setAttribute('aria-pressed', String(next === 'dark'));
});
dark.addEventListener('change', applyTheme);
applyTheme();

// ---- shortcuts ----------------------------------------------------------

const sheet = shortcutSheet();
document.body.append(sheet);
const openSheet = () => {
  if (!sheet.open) sheet.showModal();
};
$('help-btn').addEventListener('click', openSheet);
installShortcuts({
  active: () => (library.size === 0 ? null : active === 'cutter' ? cutter : active === 'joiner' ? joiner : null),
  help: openSheet,
  blocked: () => sheet.open,
});

// Files handed over by the system (opened with Offcut, or shared to it):
// see js/pwa.js, which sends them as an event once the app listens.
window.addEventListener('offcut:open-files', (e) => {
  const d = /** @type {CustomEvent} */ (e).detail || {};
  e.preventDefault();
  openFiles([...(d.files || [])], d.mode === 'join' ? 'joiner' : 'auto');
});
window.dispatchEvent(new Event('offcut:ready'));

// ---- offline app: files from the system, sessions that survive -------------

setEditGuard(() => library.size > 0 || recorder.state !== 'idle');

// Every edit is saved (js/persist.js), so a reload or a crash loses nothing.
const watched = new WeakSet();
const openInCutter = cutter.open.bind(cutter);
cutter.open = (src) => {
  openInCutter(src);
  if (cutter.history && !watched.has(cutter.history)) {
    watched.add(cutter.history);
    cutter.history.subscribe(scheduleSave);
  }
};
joiner.history.subscribe(scheduleSave);

let saveTimer = 0;
let restoring = false;
let hadFiles = false; // the session is only cleared by closing the last file
let restoreOffer = null;
function scheduleSave() {
  if (restoring || (!library.size && !hadFiles)) return;
  hadFiles = true;
  if (library.size && restoreOffer) restoreOffer.close(); // a new edit replaces the old one
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const srcs = [...library.values()].filter((s) => s.file instanceof Blob); // not cloud files
    const hist = (h) => ({ past: h.past, present: h.present, future: h.future });
    saveSession({
      docs: {
        active,
        current: cutter.src ? cutter.src.id : null,
        cutter: srcs.filter((s) => cutter.histories.has(s.id)).map((s) => ({ source: s.id, ...hist(cutter.histories.get(s.id)) })),
        joiner: hist(joiner.history),
      },
      sources: srcs.map((s) => ({ key: s.id, file: s.file })),
    })
      .then(() => document.documentElement.setAttribute('data-saved', String(Date.now())))
      .catch((err) => console.warn(`The session could not be saved: ${err.message}`));
    if (copiesChoice() === 'yes') keepCopies(srcs.filter((s) => !canReopen(s.file)));
  }, 400);
  offerCopies(); // at once, so the page does not move later
}

// Files without a handle come back after a reload only from a private
// copy in this browser, made only if the user says yes.
const COPIES_KEY = 'offcut.keep-copies';
function copiesChoice() {
  try {
    return localStorage.getItem(COPIES_KEY) || '';
  } catch {
    return 'no';
  }
}
let askedCopies = false;
let copying = false;
function offerCopies() {
  if (askedCopies || copiesChoice() || !canKeepCopies()) return;
  if (![...library.values()].some((s) => s.file instanceof Blob && !canReopen(s.file))) return;
  askedCopies = true;
  notify('keep', 'Keep a private copy of your files in this browser, so this edit can be restored after a crash? It stays on this device.', [
    {
      label: 'Keep a copy',
      primary: true,
      testid: 'pwa-keep-copies',
      run: () => {
        try {
          localStorage.setItem(COPIES_KEY, 'yes');
        } catch {
          /* this time only */
        }
        return keepCopies([...library.values()].filter((s) => s.file instanceof Blob && !canReopen(s.file)));
      },
    },
    { label: 'Not now', testid: 'pwa-no-copies' },
  ]);
}
async function keepCopies(srcs) {
  if (copying || !srcs.length) return;
  copying = true;
  try {
    for (const s of srcs) {
      try {
        await keepCopy(s.file);
      } catch (err) {
        error(`Could not keep a copy of ${s.file.name} for restoring: ${err.message}`);
      }
    }
  } finally {
    copying = false;
  }
  scheduleSave();
}

// The last session, offered back.
async function restore(session) {
  const found = await restoreFiles(session);
  const missing = found.filter((s) => !s.file).map((s) => s.name);
  // The files not kept here come back when the user opens them again
  // (reapplySaved): say so.
  saved = missing.length ? { docs: session.docs, sources: found.filter((s) => !s.file) } : null;
  if (missing.length) error(`Could not reopen ${missing.join(', ')} by itself: open ${missing.length === 1 ? 'it' : 'them'} again and your edit is applied to ${missing.length === 1 ? 'it' : 'them'}.`);
  const here = found.filter((s) => s.file);
  if (!here.length) return;
  restoring = true;
  try {
    await openFiles(here.map((s) => s.file));
    const ids = new Map(); // saved source id -> new one
    for (const s of here) {
      const src = [...library.values()].find((x) => x.file === s.file);
      if (src) ids.set(s.key, src.id);
    }
    const docs = session.docs || {};
    for (const c of docs.cutter || []) {
      const src = library.get(ids.get(c.source));
      if (src) applySaved(src, c);
    }
    if (docs.joiner) {
      const remap = (st) => {
        const keep = st.items.map((it) => ids.has(it.src));
        if (keep.some((k) => !k)) return null;
        return { ...st, items: st.items.map((it) => ({ ...it, key: 1e6 + it.key, src: ids.get(it.src) })) };
      };
      const present = remap(docs.joiner.present);
      if (present) {
        joiner.history.past = docs.joiner.past.map(remap).filter(Boolean);
        joiner.history.future = docs.joiner.future.map(remap).filter(Boolean);
        joiner.history.replace(present);
      }
    }
    const current = library.get(ids.get(docs.current));
    if (current) cut(current.id);
    showTab(docs.active === 'joiner' ? 'joiner' : 'cutter');
    announce('Your last edit is back.');
  } finally {
    restoring = false;
    scheduleSave();
  }
}
/**
 * Puts a saved cutter history (past, present, future) on a source.
 * @param {{id: number}} src
 * @param {{past: Array<Object>, present: Object, future: Array<Object>}} c
 */
function applySaved(src, c) {
  cutter.open(src);
  cutter.history.past = c.past;
  cutter.history.future = c.future;
  cutter.history.replace(c.present);
}

// The last session's sources that are not open yet: a file opened again
// that is one of them (same name, size, and first and last MiB) gets its
// edit back, undo history and all.
let saved = null;
async function reapplySaved(opened) {
  if (!saved) return;
  const cut = (saved.docs && saved.docs.cutter) || [];
  for (const src of opened) {
    for (const s of saved.sources) {
      const c = cut.find((x) => x.source === s.key);
      if (!c || !(await sameFile(src.file, s))) continue;
      saved.sources = saved.sources.filter((x) => x !== s);
      applySaved(src, c);
      announce(`Your last edit of ${src.file.name} is back.`);
      break;
    }
  }
  if (!saved.sources.length) saved = null;
}

loadSession().then((session) => {
  if (!session || library.size) return;
  saved = { docs: session.docs, sources: session.sources };
  const names = session.sources.map((s) => s.name).join(', ');
  restoreOffer = notify('restore', `Restore your last edit? (${names})`, [
    {
      label: 'Restore',
      primary: true,
      testid: 'pwa-restore-btn',
      run: () => {
        restoreOffer = null;
        return restore(session).catch((err) => error(`Could not restore the last edit: ${err.message}`));
      },
    },
    {
      label: 'Discard',
      testid: 'pwa-discard',
      run: () => {
        saved = null;
        return clearSession();
      },
    },
  ]);
});

// An unfinished recording (a crash, a closed tab) is offered back.
recorder.recoverAll().catch((err) => console.warn(`Looking for unfinished recordings failed: ${err.message}`));

// Start the engine early so the first file opens at once.
engine().catch((err) => error(`The audio engine could not start: ${err.message}. Reload the page to try again.`));
renderLibrary();
document.documentElement.classList.add('ready');
