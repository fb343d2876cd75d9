// Export: output settings, the exact result announced before rendering
// (oc.plan), a progress bar with Cancel, download via <a download> and,
// where the File System Access API exists, "Save as…".

import { engine, isAbort } from './engine.js';
import { el, formatTime, formatBytes, describeFormat, outputName } from './util.js';

/** How stored sample formats read (the engine names them). */
const SAMPLE_FORMAT_LABELS = { u8: '8-bit', s16: '16-bit', s24: '24-bit', s32: '32-bit', f32: '32-bit float', f64: '64-bit float' };

/**
 * Output formats, from the engine's registry (oc.formats()): filled once the
 * engine has loaded; until then the menu offers "Same as source" only.
 * Each: {id, label, ext, mime, converts, lossless, available(containers), sampleFormats: [[value, label]], rates, maxChannels, options}.
 * A format that only writes its sources' own coded frames (MP3 without an
 * encoder) is offered only when every source is in it.
 * @type {Array<Object>}
 */
export let FORMATS = [];
/** Every extension the engine knows, for renaming outputs. */
let KNOWN_EXT = ['wav', 'mp3'];

/** Ready-made settings from the engine (oc.presets()). */
let PRESETS = [];
engine()
  .then((oc) => oc.presets())
  .then((list) => {
    PRESETS = list;
    for (const p of panels) p.syncForm();
  })
  .catch(() => {});

export const formatsReady = engine()
  .then((oc) => oc.formats())
  .then((list) => {
    KNOWN_EXT = list.flatMap((f) => f.extensions);
    FORMATS = list
      .filter((f) => f.writes)
      .map((f) => ({
        id: f.name,
        label: f.sourcesOnly ? `${f.label}, frames copied` : f.label,
        ext: f.extensions[0],
        mime: f.mime[0],
        converts: !f.sourcesOnly,
        lossless: f.lossless,
        available: (containers) => !f.sourcesOnly || (containers.length > 0 && containers.every((c) => c === f.name)),
        sampleFormats: (f.sampleFormats || []).map((v) => [v, SAMPLE_FORMAT_LABELS[v] || v]),
        rates: f.rates || null,
        maxChannels: f.maxChannels || 2,
        options: f.options || [],
        tags: !!f.tags,
      }));
    for (const p of panels) p.syncForm();
    return FORMATS;
  })
  .catch(() => FORMATS);

/**
 * name with any audio extension the engine knows replaced by ext.
 * @param {string} name
 * @param {string} ext
 */
export function withExt(name, ext) {
  const m = /\.([^./\\]{1,5})$/.exec(name);
  const base = m && KNOWN_EXT.includes(m[1].toLowerCase()) ? name.slice(0, m.index) : name;
  return `${base}.${ext}`;
}

const byId = (id) => FORMATS.find((f) => f.id === id);

/**
 * The chosen values of a format's settings for joins (Option.joins), which
 * presets keep.
 * @param {string} id a format id
 */
function joinSettings(id) {
  const f = byId(id);
  const chosen = (settings.options || {})[id] || {};
  const out = {};
  for (const o of f ? f.options : []) if (o.joins && chosen[o.name] !== undefined) out[o.name] = chosen[o.name];
  return out;
}

const RATES = [8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000];
const SETTINGS_KEY = 'offcut.output';

/**
 * The output settings shared by the cutter and the joiner (kept in
 * localStorage; 0 and '' mean "same as the source").
 * @returns {{container: string, sampleRate: number, channels: number, sampleFormat: string, normalize: number|null}}
 */
export function loadSettings() {
  // options: the output formats' own settings (bitrate, compression...),
  // by format name, then option name.
  const d = { container: 'auto', sampleRate: 0, channels: 0, sampleFormat: '', normalize: null, options: {} };
  try {
    return { ...d, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}') };
  } catch {
    return d;
  }
}

/** @type {Set<ExportPanel>} */
const panels = new Set();
let settings = loadSettings();

/**
 * The output object of an edit document for the current settings.
 * @returns {Object}
 */
export function outputSettings() {
  // 'auto' leaves the container to the engine: the sources' own format when
  // it can carry the edit, else WAV (the plan's summary says which, and why).
  const o = {};
  if (settings.container !== 'auto') o.container = settings.container;
  if (settings.sampleRate) o.sampleRate = settings.sampleRate;
  if (settings.channels) o.channels = settings.channels;
  if (settings.sampleFormat) o.sampleFormat = settings.sampleFormat;
  if (settings.normalize !== null && settings.normalize !== undefined) o.normalize = settings.normalize;
  return o;
}

function saveSettings(next) {
  settings = next;
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    /* private mode: settings last for this page only */
  }
  for (const p of panels) p.syncForm();
  for (const p of panels) p.refresh();
}

/**
 * @typedef {{doc: Object, name: string, files?: Blob[], infos?: Object[]}} Output (doc: the engine's document, fades and joins in milliseconds; files and infos: its own inputs and their probe results, else the job's)
 * @typedef {{files: Blob[], infos?: Object[], outputs: Output[], source: {name: string, format: Object}, containers?: string[]}} Job
 */

export class ExportPanel {
  /**
   * @param {Object} opts
   * @param {() => (Job|null)} opts.getJob the documents to export now, or null when there is nothing to export
   * @param {import('./engine.js').Jobs} opts.jobs
   * @param {string} opts.id a prefix for element ids
   * @param {(msg: string) => void} opts.onError
   * @param {boolean} [opts.noJoins] leave out the formats' settings for joins (the engine marks them), for whole-file conversions
   * @param {(seconds: number) => void} [opts.fitLength] selects a part of at most seconds to export, offered when the output is longer than its format holds (an M4R ringtone)
   */
  constructor(opts) {
    this.getJob = opts.getJob;
    this.fitLength = opts.fitLength;
    this.noJoins = !!opts.noJoins;
    this.onError = opts.onError;
    this.id = opts.id;
    this.ctl = null;
    this.urls = [];
    this.planSeq = 0;
    this.nameEdited = false;
    panels.add(this);

    const id = (s) => `${this.id}-${s}`;
    const field = (label, control) => el('label', { class: 'field' }, el('span', { class: 'field-label' }, label), control);
    // Presets fill in the settings below; changing one of those makes it
    // "Custom" again.
    this.preset = el('select', {
      id: id('preset'),
      dataset: { testid: 'preset' },
      onchange: () => {
        const p = PRESETS.find((x) => x.name === this.preset.value);
        if (!p) return;
        this.set({
          container: p.format,
          sampleRate: p.sampleRate || 0,
          channels: p.channels || 0,
          sampleFormat: p.sampleFormat || '',
          // A preset sets the format's settings, except those for joins
          // (such as MP3 junctions), which it says nothing about.
          options: { ...settings.options, [p.format]: { ...joinSettings(p.format), ...(p.options || {}) } },
        });
      },
    });
    this.container = el('select', { id: id('container'), dataset: { testid: 'container' }, onchange: () => this.set({ container: this.container.value }) });
    this.rate = el('select', { id: id('rate'), onchange: () => this.set({ sampleRate: Number(this.rate.value) }) });
    this.channels = el('select', { id: id('channels'), onchange: () => this.set({ channels: Number(this.channels.value) }) });
    this.bits = el('select', { id: id('bits'), onchange: () => this.set({ sampleFormat: this.bits.value }), dataset: { testid: 'bit-depth' } });
    // The chosen format's own settings, as the engine declares them.
    this.optionFields = el('div', { class: 'export-options', dataset: { testid: 'format-options' } });
    this.normOn = el('input', { type: 'checkbox', id: id('norm'), onchange: () => this.set({ normalize: this.normOn.checked ? Number(this.normDb.value) || -1 : null }) });
    this.normDb = el('input', {
      type: 'number',
      class: 'num',
      min: '-100',
      max: '0',
      step: '0.1',
      value: '-1',
      'aria-label': 'Normalise peak level in dBFS',
      onchange: () => this.normOn.checked && this.set({ normalize: Math.min(0, Math.max(-100, Number(this.normDb.value) || -1)) }),
    });
    this.name = el('input', {
      type: 'text',
      class: 'name',
      id: id('name'),
      spellcheck: 'false',
      autocomplete: 'off',
      dataset: { testid: 'file-name' },
      oninput: () => (this.nameEdited = true),
    });
    this.summary = el('p', { class: 'summary', 'aria-live': 'polite', dataset: { testid: 'result' } }, 'Open a file to see the result.');
    this.exportBtn = el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'export' }, onclick: () => this.export(false) }, 'Export');
    this.saveBtn = el('button', { type: 'button', class: 'btn', hidden: !('showSaveFilePicker' in window), onclick: () => this.export(true) }, 'Save as…');
    this.bar = el('progress', { max: '1', value: '0', 'aria-label': 'Export progress', dataset: { testid: 'export-progress' } });
    this.pct = el('span', { class: 'job-pct' }, '0%');
    this.cancelBtn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'export-cancel' }, onclick: () => this.ctl && this.ctl.abort() }, 'Cancel');
    this.progress = el('div', { class: 'export-progress', hidden: true, role: 'status' }, this.bar, this.pct, this.cancelBtn);
    this.results = el('ul', { class: 'export-results', 'aria-live': 'polite', dataset: { testid: 'export-results' } });
    this.buildTags(id);

    this.root = el(
      'section',
      { class: 'export', 'aria-labelledby': id('title') },
      el('h3', { id: id('title') }, 'Export'),
      el(
        'div',
        { class: 'export-grid' },
        field('Preset', this.preset),
        field('Format', this.container),
        field('Sample rate', this.rate),
        field('Channels', this.channels),
        field('Bit depth', this.bits),
        this.optionFields,
        el('div', { class: 'field field-inline' }, el('label', { for: id('norm') }, this.normOn, ' Normalise peak to'), this.normDb, el('span', { class: 'unit' }, 'dBFS')),
      ),
      this.tagBox,
      this.summary,
      el('div', { class: 'export-row' }, field('File name', this.name), el('div', { class: 'export-actions' }, this.exportBtn, this.saveBtn)),
      this.progress,
      this.results,
    );
    this.syncForm();
  }

  /**
   * The tag editor: title, artist, album, year, track and the front cover,
   * filled from the first source's tags; what people change goes into the
   * document's output.tags (only for formats that write tags).
   * @private
   */
  buildTags(id) {
    /** Edited values by key ('' removes a tag); the cover edit: undefined (keep), {mime, data, url} or {remove: true}. */
    this.tagEdits = {};
    this.coverEdit = undefined;
    this.tagInputs = {};
    const fields = [['title', 'Title'], ['artist', 'Artist'], ['album', 'Album'], ['year', 'Year'], ['track', 'Track']];
    const grid = el('div', { class: 'tag-grid' });
    for (const [k, label] of fields) {
      const input = el('input', {
        type: 'text',
        id: id(`tag-${k}`),
        autocomplete: 'off',
        spellcheck: k === 'title' || k === 'album' ? 'true' : 'false',
        inputmode: k === 'year' || k === 'track' ? 'numeric' : 'text',
        maxlength: '1024',
        dataset: { testid: `tag-${k}` },
        oninput: () => {
          this.tagEdits[k] = input.value;
          this.refreshSoon();
        },
      });
      this.tagInputs[k] = input;
      grid.append(el('label', { class: 'field' }, el('span', { class: 'field-label' }, label), input));
    }
    this.coverImg = el('img', { class: 'cover-img', alt: 'Front cover', hidden: true, width: '64', height: '64' });
    this.coverText = el('span', { class: 'muted small', dataset: { testid: 'cover-text' } }, 'No cover');
    this.coverFile = el('input', {
      type: 'file',
      accept: 'image/jpeg,image/png',
      class: 'visually-hidden',
      tabindex: '-1',
      'aria-hidden': 'true',
      dataset: { testid: 'cover-input' },
      onchange: () => this.pickCover(this.coverFile.files && this.coverFile.files[0]),
    });
    this.coverPick = el('button', { type: 'button', class: 'btn btn-small', onclick: () => this.coverFile.click() }, 'Choose image…');
    this.coverRemove = el('button', {
      type: 'button',
      class: 'btn btn-small',
      dataset: { testid: 'cover-remove' },
      onclick: () => {
        this.setCover({ remove: true });
      },
    }, 'No cover');
    this.tagNote = el('p', { class: 'muted small' }, '');
    this.tagBox = el(
      'details',
      { class: 'tags', dataset: { testid: 'tags' } },
      el('summary', {}, 'Tags and cover'),
      grid,
      el('div', { class: 'cover-row' }, this.coverImg, this.coverText, this.coverPick, this.coverRemove, this.coverFile),
      this.tagNote,
    );
    this.refreshSoon = () => {
      clearTimeout(this.tagTimer);
      this.tagTimer = setTimeout(() => this.refresh(), 250);
    };
  }

  /** @private reads a chosen image into the cover edit */
  async pickCover(file) {
    if (!file) return;
    try {
      const buf = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      this.setCover({ mime: file.type, data: btoa(bin), url: URL.createObjectURL(file), name: file.name, size: file.size });
    } catch (err) {
      this.onError(`Could not read ${file.name}: ${err.message}`);
    } finally {
      this.coverFile.value = '';
    }
  }

  /** @private */
  setCover(edit) {
    if (this.coverEdit && this.coverEdit.url) URL.revokeObjectURL(this.coverEdit.url);
    this.coverEdit = edit;
    this.syncTags();
    this.refresh();
  }

  /** @private fills the tag fields from the source and the edits */
  syncTags(job = this.safeJob()) {
    const src = (job && job.source.tags) || {};
    for (const [k, input] of Object.entries(this.tagInputs)) {
      const v = k in this.tagEdits ? this.tagEdits[k] : src[k] || '';
      if (input.value !== v && document.activeElement !== input) input.value = v;
    }
    const pics = (job && job.source.pictures) || [];
    const own = pics.find((p) => p.type === 3) || pics[0];
    const c = this.coverEdit;
    this.coverImg.hidden = !(c && c.url);
    if (c && c.url) this.coverImg.src = c.url;
    this.coverText.textContent = c && c.remove ? 'No cover (removed)' : c ? `${c.name}, ${formatBytes(c.size)}` : own ? `The source's cover (${(own.mime || 'image').replace('image/', '').toUpperCase()}, ${formatBytes(own.size)})` : 'No cover';
    this.coverRemove.disabled = !!(c && c.remove) || (!c && !own);
  }

  /**
   * The document's output.tags for the edits, or null when nothing changed.
   * @private
   */
  tagsOutput() {
    const t = {};
    for (const [k, v] of Object.entries(this.tagEdits)) t[k] = v.trim();
    const c = this.coverEdit;
    if (c && c.remove) t.cover = { mime: 'image/png', data: '' };
    else if (c) t.cover = { mime: c.mime, data: c.data };
    return Object.keys(t).length ? t : null;
  }

  /**
   * The format's settings this panel offers (and sends to the engine).
   * @private
   * @param {{options: Object[]}} fmt
   */
  shownOptions(fmt) {
    return fmt.options.filter((o) => !(this.noJoins && o.joins));
  }

  /** @private */
  set(patch) {
    saveSettings({ ...settings, ...patch });
  }

  /** Fills the form from the settings and the current source. */
  syncForm() {
    const job = this.safeJob();
    const f = job && job.source.format;
    const containers = (job && job.containers) || [];
    const avail = FORMATS.filter((x) => x.available(containers));
    const srcName = containers.length && containers.every((c) => c === containers[0]) ? containers[0].toUpperCase() : '';
    this.container.replaceChildren(
      el('option', { value: 'auto', title: 'The sources\' own format when the edit can be written in it without re-encoding, else WAV' }, srcName ? `Same as source (${srcName})` : 'Same as source'),
      ...avail.map((x) => el('option', { value: x.id }, x.label)),
    );
    this.container.value = settings.container === 'auto' || avail.some((x) => x.id === settings.container) ? settings.container : 'auto';
    // "Same as source" keeps the sources' layout; a chosen format offers
    // what it stores.
    // "Same as source": the format the engine picks for these sources
    // (known after its first answer, see autoTarget).
    const fmt = this.container.value === 'auto' ? byId(this.auto || '') : byId(this.container.value);
    for (const c of [this.rate, this.channels, this.bits]) c.disabled = !fmt || !fmt.converts;
    this.tagBox.hidden = this.noTags || !fmt || !fmt.tags;
    this.syncTags(job);
    // Lossy formats have no stored sample format.
    if (fmt && !fmt.sampleFormats.length) this.bits.disabled = true;
    const same = (text) => (f ? `Original (${text})` : 'Original');
    const khz = (r) => `${(r / 1000).toLocaleString('en', { maximumFractionDigits: 3 })} kHz`;
    const rates = fmt && fmt.rates ? fmt.rates : RATES;
    this.rate.replaceChildren(el('option', { value: '0' }, same(f ? khz(f.sampleRate) : '')), ...rates.map((r) => el('option', { value: String(r) }, khz(r))));
    this.rate.value = String(settings.sampleRate || 0);
    const chName = (n) => (n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} channels`);
    this.channels.replaceChildren(el('option', { value: '0' }, same(f ? chName(f.channels) : '')), el('option', { value: '1' }, 'Mono'), el('option', { value: '2' }, 'Stereo'));
    this.channels.value = String(settings.channels || 0);
    const bitsName = f ? (f.float ? `${f.bitDepth}-bit float` : `${f.bitDepth}-bit`) : '';
    this.bits.replaceChildren(el('option', { value: '' }, same(bitsName)), ...(fmt ? fmt.sampleFormats : []).map(([v, t]) => el('option', { value: v }, t)));
    this.bits.value = settings.sampleFormat || '';
    this.optionFields.replaceChildren(
      ...(fmt ? this.shownOptions(fmt) : []).map((o) => {
        const sel = el(
          'select',
          {
            id: `${this.id}-opt-${o.name}`,
            dataset: { testid: `option-${o.name}` },
            onchange: () => this.set({ options: { ...settings.options, [fmt.id]: { ...(settings.options[fmt.id] || {}), [o.name]: sel.value } } }),
          },
          ...o.values.map((v, i) => el('option', { value: v }, (o.labels && o.labels[i]) || v)),
        );
        sel.value = (settings.options[fmt.id] || {})[o.name] || o.default;
        return el('label', { class: 'field' }, el('span', { class: 'field-label' }, o.label), sel);
      }),
    );
    // The preset that matches the settings, if any.
    const match = PRESETS.find((p) => p.format === settings.container && (p.sampleRate || 0) === (settings.sampleRate || 0) &&
      (p.channels || 0) === (settings.channels || 0) && (p.sampleFormat || '') === (settings.sampleFormat || '') &&
      Object.entries(p.options || {}).every(([k, v]) => ((settings.options || {})[p.format] || {})[k] === v));
    this.preset.replaceChildren(el('option', { value: '' }, 'Custom'), ...PRESETS.map((p) => el('option', { value: p.name }, p.label)));
    this.preset.value = match ? match.name : '';
    this.normOn.checked = settings.normalize !== null && settings.normalize !== undefined;
    if (this.normOn.checked) this.normDb.value = String(settings.normalize);
    this.normDb.disabled = !this.normOn.checked;
  }

  /**
   * Plans every output with the chosen format (or, for "same as source",
   * the engine's choice). Returns the documents to render, their plans and
   * the format the engine chose (from the first plan), with its reason
   * when it fell back to WAV.
   * @private
   * @param {Job} job
   * @param {*} oc
   */
  async resolve(job, oc, onLengths) {
    const containers = job.containers || [];
    const want = byId(settings.container) && byId(settings.container).available(containers) ? settings.container : '';
    const target = want ? byId(want) : byId(await this.autoTarget(job, oc));
    const outputs = job.outputs.map((o) => {
      const output = { ...o.doc.output };
      if (want) output.container = want;
      else delete output.container;
      // The target's own settings (defaults are the engine's).
      const opts = target ? { ...(settings.options || {})[target.id] } : {};
      for (const k of Object.keys(opts)) if (!this.shownOptions(target).some((o) => o.name === k && o.values.includes(opts[k]))) delete opts[k];
      if (Object.keys(opts).length) output.options = opts;
      else delete output.options;
      const tags = target && target.tags ? this.tagsOutput() : null;
      if (tags) output.tags = tags;
      else delete output.tags;
      // Only settings the target format takes go to the engine.
      if (!target || !target.converts) {
        delete output.sampleRate;
        delete output.channels;
        delete output.sampleFormat;
      } else {
        if (output.sampleFormat && !target.sampleFormats.some(([v]) => v === output.sampleFormat)) delete output.sampleFormat;
        if (output.sampleRate && target.rates && !target.rates.includes(output.sampleRate)) delete output.sampleRate;
        if (output.channels && output.channels > target.maxChannels) delete output.channels;
      }
      return { ...o, doc: { ...o.doc, output } };
    });
    if (onLengths && job.infos) {
      const ls = await Promise.all(outputs.map((o) => oc.lengths(o.doc, o.infos || job.infos)));
      onLengths(ls.reduce((n, l) => n + l.output.frames, 0), ls[0].output.sampleRate);
    }
    const plans = [];
    for (const o of outputs) plans.push(await oc.plan(o.doc, o.files || job.files));
    const p0 = plans[0];
    const fmt = { id: p0.container, label: p0.label, ext: p0.ext, mime: p0.mime };
    // What the user should know: why WAV was chosen, or the engine's notes
    // (frames kept, gain steps, which encoder ran).
    return { fmt, outputs, plans, note: [p0.fallback, ...(p0.notes || [])].filter(Boolean).join(' · ') };
  }

  /**
   * The format the engine writes "Same as source" in for the job's first
   * output (its sources' own when it writes them, else WAV); the form is
   * filled again when that changes.
   * @private
   * @returns {Promise<string>}
   */
  async autoTarget(job, oc) {
    // Only the sources decide (the settings may be another format's: a
    // sample format MP3 cannot store must not fail the question).
    const o = job.outputs[0];
    const { container: auto } = await oc.lengths({ ...o.doc, output: {} }, o.infos || job.infos || []);
    if (auto !== this.auto) {
      this.auto = auto;
      this.syncForm();
    }
    return auto;
  }

  /**
   * The export button's words for n outputs.
   * @protected
   */
  actionLabel(n) {
    return n > 1 ? `Export ${n} parts` : 'Export';
  }

  /**
   * How several outputs are described in the result line.
   * @protected
   */
  describeParts(plans, rate) {
    return plans.length > 1 ? `${plans.length} parts: ${plans.map((p) => formatTime(p.frames, rate)).join(', ')} · ` : '';
  }

  /** @private */
  safeJob() {
    try {
      return this.getJob();
    } catch {
      return null;
    }
  }

  /**
   * Recomputes the announced result (exact length and size) with oc.plan.
   * Called by the editor after every change.
   */
  async refresh() {
    const seq = ++this.planSeq;
    let job;
    try {
      job = this.getJob();
    } catch (err) {
      this.summary.textContent = err.message;
      this.exportBtn.disabled = true;
      this.saveBtn.disabled = true;
      return;
    }
    if (!job) {
      this.summary.textContent = 'Open a file to see the result.';
      this.exportBtn.disabled = true;
      this.saveBtn.disabled = true;
      return;
    }
    const fkey = JSON.stringify([job.source.format, job.containers]);
    if (fkey !== this.formatKey) {
      this.formatKey = fkey;
      this.syncForm();
    }
    if (!this.nameEdited || job.outputs.length > 1) this.name.value = job.outputs[0].name;
    this.name.disabled = job.outputs.length > 1;
    this.exportBtn.disabled = !!this.ctl;
    this.saveBtn.disabled = !!this.ctl || job.outputs.length > 1;
    this.exportBtn.textContent = this.actionLabel(job.outputs.length);
    try {
      const oc = await engine();
      // The length is known at once from the engine's layout; its plan
      // confirms it and adds the size (it may wait behind a waveform
      // being read).
      const early = (frames, rate) => {
        if (seq !== this.planSeq) return;
        this.summary.replaceChildren(
          el('strong', {}, 'Result: '),
          el('span', { dataset: { testid: 'result-duration', frames: String(frames), source: 'layout' } }, `${formatTime(frames, rate)} (${frames.toLocaleString('en')} samples at ${rate.toLocaleString('en')} Hz)`),
          el('span', { class: 'muted' }, ' · working out the size…'),
        );
      };
      const { fmt: outFmt, outputs, plans, note } = await this.resolve(job, oc, early);
      if (seq !== this.planSeq) return;
      this.lastFmt = outFmt;
      const rename = (n) => withExt(n, outFmt.ext);
      if (!this.nameEdited || outputs.length > 1) this.name.value = rename(outputs[0].name);
      else this.name.value = rename(this.name.value.trim() || outputs[0].name);
      this.lastPlans = plans;
      const p0 = plans[0];
      const rate = p0.format.sampleRate;
      const frames = plans.reduce((n, p) => n + p.frames, 0);
      const size = plans.reduce((n, p) => n + p.size, 0);
      // A lossy output (its registry entry says so) has no bit depth; its
      // label is said just before.
      const entry = byId(p0.container);
      const fmt = entry && entry.lossless === false ? describeFormat(p0.format).split(' · ').slice(0, 2).join(' · ') : describeFormat(p0.format);
      const exact = `${formatTime(frames, rate)} (${frames.toLocaleString('en')} samples at ${rate.toLocaleString('en')} Hz)`;
      const parts = this.describeParts(plans, rate);
      this.summary.replaceChildren(
        el('strong', {}, 'Result: '),
        el('span', { dataset: { testid: 'result-duration', frames: String(frames), source: 'engine' } }, exact),
        ` · ${parts}${outFmt.label} · ${fmt} · ${p0.exact ? '' : 'about '}${formatBytes(size)}`,
        p0.lossless ? ' · bytes copied, no re-encoding' : '',
        note ? el('span', { class: 'muted', dataset: { testid: 'format-note' } }, ` · ${note}`) : '',
      );
    } catch (err) {
      if (seq !== this.planSeq || isAbort(err)) return;
      // Too long for its format (a ringtone): the editor may select a part
      // that fits, the length the engine says.
      const fit =
        err.code === 'too_long' && err.maxSeconds > 0 && this.fitLength
          ? el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'fit-length' }, onclick: () => this.fitLength(err.maxSeconds) }, `Select ${err.maxSeconds} s to export`)
          : '';
      this.summary.replaceChildren(el('span', { class: 'error-text' }, `Cannot export this yet: ${err.message}`), fit ? ' ' : '', fit);
      this.exportBtn.disabled = true;
    }
  }

  /**
   * Renders every output; downloads them (or saves via the file picker).
   * @param {boolean} saveAs
   */
  async export(saveAs) {
    // Set at once: a second click (or Ctrl+S) while the first is still
    // asking for a file or resolving the job must not start a second export.
    if (this.ctl || this.starting) return;
    this.starting = true;
    try {
      await this.runExport(saveAs);
    } finally {
      this.starting = false;
    }
  }

  /** @private the work of one export() */
  async runExport(saveAs) {
    let job;
    try {
      job = this.getJob();
    } catch (err) {
      this.onError(err.message);
      return;
    }
    if (!job) return;
    const typedName = (ext) => {
      let n = this.name.value.trim() || job.outputs[0].name;
      n = withExt(n, ext);
      return n.replace(/[\\/:*?"<>|]/g, '_');
    };
    let handle = null;
    if (saveAs) {
      // Ask first, while the click still counts as the user's gesture.
      const f0 = this.lastFmt || { label: 'WAV', ext: 'wav', mime: 'audio/wav' };
      try {
        handle = await window.showSaveFilePicker({
          suggestedName: typedName(f0.ext),
          types: [{ description: `${f0.label} audio`, accept: { [f0.mime]: [`.${f0.ext}`] } }],
        });
      } catch (err) {
        if (!isAbort(err)) this.onError(`Could not open the save dialog: ${err.message}`);
        return;
      }
    }
    try {
      const r = await this.resolve(job, await engine());
      job = { ...job, outputs: r.outputs.map((o) => ({ ...o, name: withExt(o.name, r.fmt.ext) })) };
      if (job.outputs.length === 1) job.outputs[0].name = typedName(r.fmt.ext);
    } catch (err) {
      if (!isAbort(err)) this.onError(`Cannot export: ${err.message}`);
      return;
    }
    this.ctl = new AbortController();
    const signal = this.ctl.signal;
    this.exportBtn.disabled = true;
    this.saveBtn.disabled = true;
    this.progress.hidden = false;
    this.bar.value = 0;
    this.pct.textContent = '0%';
    this.clearResults();
    let last = 0;
    const n = job.outputs.length;
    const made = [];
    try {
      const oc = await engine();
      for (let i = 0; i < n; i++) {
        const o = job.outputs[i];
        const blob = await oc.render(o.doc, o.files || job.files, {
          signal,
          onProgress: ({ done, total }) => {
            if (!total) return;
            const f = Math.max(last, (i + Math.min(1, done / total)) / n);
            last = f;
            this.bar.value = f;
            this.pct.textContent = `${Math.floor(f * 100)}%`;
          },
        });
        const sum = blob.summary || {};
        if (sum.clipped > 0) {
          this.results.append(el('li', { class: 'warning', dataset: { testid: 'clipped' } },
            `${o.name}: ${sum.clipped.toLocaleString()} samples were beyond full scale and were clipped. Lower the gain or tick “Normalise peak”.`));
        }
        if (sum.gainLimited > 0) {
          this.results.append(el('li', { class: 'warning' },
            `${o.name}: ${sum.gainLimited.toLocaleString()} MP3 granules could not take the whole gain.`));
        }
        for (const note of sum.notes || []) this.results.append(el('li', { class: 'muted' }, `${o.name}: ${note}`));
        if (handle) {
          const w = await handle.createWritable();
          await w.write(blob);
          await w.close();
          this.results.append(el('li', {}, `Saved ${handle.name} (${formatBytes(blob.size)}).`));
        } else {
          this.offer(blob, o.name, n === 1);
          made.push({ blob, name: o.name });
        }
      }
      this.bar.value = 1;
      this.pct.textContent = '100%';
      if (made.length > 1) this.offerZip(made, outputName(job.source.name, 'parts', 'zip'));
    } catch (err) {
      if (isAbort(err)) this.results.append(el('li', { class: 'muted' }, 'Export cancelled.'));
      else this.onError(`Export failed: ${err.message}`);
    } finally {
      this.ctl = null;
      this.progress.hidden = true;
      this.refresh();
    }
  }

  /** @private */
  offer(blob, name, auto) {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    const a = el('a', { href: url, download: name, class: 'download', dataset: { testid: 'download' } }, `Download ${name}`);
    this.results.append(el('li', {}, a, el('span', { class: 'muted' }, ` ${formatBytes(blob.size)}`)));
    if (auto) a.click();
  }

  /**
   * Offers the outputs in one ZIP archive (made by the engine, which refers
   * to the rendered Blobs instead of copying them).
   * @protected
   * @param {{blob: Blob, name: string}[]} made
   * @param {string} zipName
   * @param {boolean} [auto] download at once
   */
  offerZip(made, zipName, auto = false) {
    const btn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'download-zip' } }, `Download all ${made.length} as ZIP`);
    const li = el('li', { class: 'zip-row' }, btn);
    btn.onclick = async () => {
      btn.disabled = true;
      try {
        const oc = await engine();
        const zip = await oc.zip(made.map((m) => m.blob), made.map((m) => m.name));
        const url = URL.createObjectURL(zip);
        this.urls.push(url);
        const a = el('a', { href: url, download: zipName, class: 'download', dataset: { testid: 'zip-link' } }, `Download ${zipName}`);
        li.replaceChildren(a, el('span', { class: 'muted' }, ` ${formatBytes(zip.size)}, ${made.length} files`));
        a.click();
      } catch (err) {
        btn.disabled = false;
        if (!isAbort(err)) this.onError(`Could not make the ZIP archive: ${err.message}`);
      }
    };
    this.results.append(li);
    if (auto) btn.click();
  }

  /** @private */
  clearResults() {
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls = [];
    this.results.replaceChildren();
  }

  /** Forgets the previous export (new source). */
  reset() {
    this.clearResults();
    this.nameEdited = false;
    this.tagEdits = {};
    if (this.coverEdit && this.coverEdit.url) URL.revokeObjectURL(this.coverEdit.url);
    this.coverEdit = undefined;
    this.syncForm();
  }
}

export { outputName };
