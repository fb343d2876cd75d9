// Offcut's page: a thin controller. It makes the widgets (the editors, the
// messages, the tabs, the open files, the intake of files, the theme, the
// session), hands each what it needs and wires their callbacks together.

import { engine, Jobs } from './engine.js';
import { PeakStore } from './peaks.js';
import { Player } from './player.js';
import { Cutter } from './cutter.js';
import { Joiner } from './joiner.js';
import { Converter } from './converter.js';
import { Recorder } from './recorder.js';
import { SilenceTrim } from './trimsilence.js';
import { Cloud } from './cloud.js';
import { installShortcutsWithSheet } from './shortcuts.js';
import { setEditGuard, launchMode, notify } from './pwa.js';
import { Messages } from './messages.js';
import { TOOLS, Tabs } from './tabs.js';
import { Library } from './library.js';
import { Overviews, detailPeaks } from './overviews.js';
import { Opener } from './opener.js';
import { Intake } from './intake.js';
import { Theme } from './theme.js';
import { Session } from './session.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const storage = () => localStorage;

const { error, announce } = new Messages({ errors: $('errors'), live: $('announce'), toast: $('toast') });
const jobs = new Jobs($('activity'));
const player = new Player();
const library = new Library({
  list: $('library'), welcome: $('welcome'), workspace: $('workspace'),
  current: () => (cutter.src ? cutter.src.id : undefined),
  open: (id) => cut(id),
  join: (src) => {
    joiner.add([src]);
    tabs.show('joiner');
  },
  close: (id) => closeSource(id),
});

// ---- the editors --------------------------------------------------------

const peaks = new PeakStore(detailPeaks({ engine, jobs, source: (id) => library.get(id) }), () => {
  cutter.wave.draw();
  joiner.drawThumbs();
});
const cutter = new Cutter({ jobs, peaks, player, error, announce, onHistory: (h) => session.watchHistory(h) });
const joiner = new Joiner({
  jobs, player, error, announce, peaks,
  source: (id) => library.get(id),
  loadOverview: (id) => library.has(id) && overviews.load(library.get(id)),
  addFiles: () => intake.pick('joiner'),
  // A clip trimmed on the cutter's waveform, then back to the joiner.
  trim: (item, done) => {
    const src = library.get(item.src);
    if (!src) return;
    tabs.show('cutter');
    cutter.openTrim(src, item, (span, how) => {
      if (span) done(span);
      refresh();
      if (how !== 'abandoned') tabs.show('joiner');
    });
    refresh();
    overviews.load(src);
  },
});
const overviews = new Overviews({ engine, jobs, peaks, cutter, joiner, error });
const converter = new Converter({ jobs, error, announce, sources: () => library.all(), addFiles: () => intake.pick('convert') });
$('cutter-panel').append(cutter.root);
$('joiner-panel').append(joiner.root);
$('convert-panel').append(converter.root);
const recorder = new Recorder({ error, announce, notify, open: (file) => opener.open([file]) });
$('recorder-panel').append(recorder.root);
new SilenceTrim({ cutter, engine, jobs, error, announce }); // a row in the cutter
// The optional cloud save (js/cloud.js): silent until the user signs in.
const cloud = new Cloud({
  engine, jobs, error, announce, cutter, joiner,
  source: (id) => library.get(id),
  open: (file, state) => opener.openCloudFile(file, state),
  openJoin: (files, state, keys) => opener.openCloudJoin(files, state, keys),
});
joiner.history.subscribe(() => {
  const b = $('join-count');
  const n = joiner.state.items.length;
  b.hidden = !n;
  b.textContent = String(n);
});

const tabs = new Tabs({
  tabs: TOOLS.map((name) => [name, $(`tab-${name}`), $(`${name}-panel`)]),
  list: $('tab-cutter').parentElement,
  onShow: (which) => {
    cutter.stopPlayback();
    joiner.stopPreview();
    if (which === 'cutter') cutter.wave.resize();
    if (which === 'joiner') joiner.drawThumbs(); // peaks that came while it was hidden
    refresh(); // the recorder shows the workspace even with no file open
    if (which === 'recorder') recorder.shown();
  },
});
$('record-btn').addEventListener('click', () => tabs.show('recorder'));

// ---- the open files -----------------------------------------------------

/** Shows a source in the cutter and loads its waveform overview. */
function cut(id) {
  const src = library.get(id);
  if (!src) return;
  cutter.open(src);
  refresh();
  tabs.show('cutter');
  overviews.load(src);
}

function closeSource(id) {
  cutter.stopPlayback();
  joiner.stopPreview();
  library.delete(id);
  overviews.forget(id);
  cutter.forget(id);
  joiner.forget(id);
  if (!cutter.src && library.size) cut(library.all()[0].id);
  refresh();
}

/** Redraws what shows the open files, and saves the session. */
function refresh() {
  library.render(tabs.active);
  converter.update();
  cloud.render();
  session.scheduleSave();
}

const opener = new Opener({
  engine, jobs, library, cutter, joiner, error, cut, refresh,
  active: () => tabs.active,
  show: (tool) => tabs.show(tool),
  overview: (src) => overviews.load(src),
  reapply: (opened) => session.reapply(opened),
});
const intake = new Intake({ input: /** @type {HTMLInputElement} */ ($('file-input')), overlay: $('drop-overlay'), page: document, open: (files, where) => opener.open(files, where) });
$('open-btn').addEventListener('click', () => intake.pick(launchMode() === 'join' ? 'joiner' : 'auto'));
$('add-btn').addEventListener('click', () => intake.pick('auto'));

// ---- theme and shortcuts ------------------------------------------------

new Theme({ root: document.documentElement, button: $('theme-btn'), system: matchMedia('(prefers-color-scheme: dark)'), storage, onChange: () => cutter.wave.draw() });

installShortcutsWithSheet($('help-btn'), () => (library.size === 0 ? null : tabs.active === 'cutter' ? cutter : tabs.active === 'joiner' ? joiner : null));

// ---- offline app: files from the system, sessions that survive -------------

const session = new Session({
  library, cutter, joiner, notify, error, announce, storage, cut,
  root: document.documentElement,
  active: () => tabs.active,
  open: (files) => opener.open(files),
  show: (tool) => tabs.show(tool),
});
intake.listen(window);
setEditGuard(() => library.size > 0 || recorder.state !== 'idle');
session.watch();
session.offerRestore();

// An unfinished recording (a crash, a closed tab) is offered back.
recorder.recoverAll().catch((err) => console.warn(`Looking for unfinished recordings failed: ${err.message}`));

// Start the engine early so the first file opens at once.
// The root gets 'engine-ready' once it has loaded (tests wait for it).
engine().then(
  () => document.documentElement.classList.add('engine-ready'),
  (err) => error(`The audio engine could not start: ${err.message}. Reload the page to try again.`),
);
refresh();
document.documentElement.classList.add('ready');
