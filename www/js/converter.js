// The Convert tab: many files, one target format and settings (the same
// form as Export), each file rendered in turn with its own progress and
// Cancel, the results stored in one ZIP made by the engine (it refers to
// the rendered Blobs, copying nothing) or written into a folder chosen
// with the File System Access API.
//
// Files are rendered several at once (Offcut.each: one engine worker per
// core, at most four) so a batch of encodes uses the whole machine.

import { engine, isAbort } from './engine.js';
import { ExportPanel, outputSettings, withExt } from './export.js';
import { el, icon, formatTime, formatBytes } from './util.js';

/**
 * @typedef {{id: number, file: File, info: Object}} Source
 * @typedef {'waiting'|'running'|'done'|'failed'|'cancelled'} RowState
 */

export class Converter extends ExportPanel {
  /**
   * @param {Object} ctx
   * @param {() => Source[]} ctx.sources the open files
   * @param {(msg: string) => void} ctx.error
   * @param {(msg: string) => void} ctx.announce
   * @param {() => void} ctx.addFiles opens the file picker
   * @param {import('./engine.js').Jobs} ctx.jobs
   */
  constructor(ctx) {
    super({ id: 'conv', jobs: ctx.jobs, getJob: () => this.batchJob(), onError: ctx.error, noJoins: true });
    this.ctx = ctx;
    // Each file keeps its own tags in a batch.
    this.noTags = true;
    this.tagBox.hidden = true;
    /** Files left out of the batch, by source id. */
    this.skipped = new Set();
    /** Per file: its row's state while a batch runs or after it. */
    this.rows = new Map();

    this.list = el('ul', { class: 'conv-list', 'aria-label': 'Files to convert', dataset: { testid: 'conv-list' } });
    this.addBtn = el('button', { type: 'button', class: 'btn', onclick: () => ctx.addFiles() }, icon('add'), el('span', { class: 'btn-text' }, 'Add files…'));
    this.zipName = el('input', { type: 'text', class: 'name', id: 'conv-zip-name', spellcheck: 'false', autocomplete: 'off', value: 'converted.zip', dataset: { testid: 'zip-name' } });
    this.folderBtn = el('button', { type: 'button', class: 'btn', hidden: !('showDirectoryPicker' in window), onclick: () => this.export(true) }, 'Convert into a folder…');

    // The Export form, re-labelled for a batch: the ZIP's name instead of
    // the file's, "Convert" instead of "Export".
    this.root.querySelector('h3').textContent = 'Target';
    this.name.closest('.export-row').replaceWith(
      el('div', { class: 'export-row' }, el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'ZIP name'), this.zipName), el('div', { class: 'export-actions' }, this.exportBtn, this.folderBtn)),
    );
    this.exportBtn.onclick = () => this.export(false);
    this.cancelBtn.textContent = 'Cancel all';
    this.exportPanel = this.root;
    this.root = el(
      'section',
      { class: 'panel converter', 'aria-label': 'Converter', dataset: { testid: 'converter' } },
      el('header', { class: 'panel-head' }, el('div', {}, el('h2', {}, 'Convert files'), el('p', { class: 'muted small' }, 'Every file is converted on this device, one after another, into one ZIP archive.')), this.addBtn),
      this.list,
      this.exportPanel,
    );
    this.update();
  }

  /** The open files in the batch. */
  included() {
    return this.ctx.sources().filter((s) => !this.skipped.has(s.id));
  }

  /** @private the batch as an export job: one output per file, each with its own input */
  batchJob() {
    const srcs = this.included();
    if (!srcs.length) return null;
    const output = outputSettings();
    const outputs = srcs.map((s) => ({
      doc: { version: 1, sources: [{ name: s.file.name, size: s.file.size }], clips: [{ source: 0, in: 0, out: s.info.frames }], output },
      name: s.file.name,
      files: [s.file],
      infos: [s.info],
      src: s,
    }));
    const first = srcs[0];
    return { files: [first.file], infos: [first.info], outputs, source: { name: first.file.name, format: first.info.format }, containers: srcs.map((s) => s.info.container) };
  }

  /** @protected */
  actionLabel(n) {
    return n === 1 ? 'Convert 1 file' : `Convert ${n} files`;
  }

  /** @protected */
  describeParts(plans) {
    return plans.length > 1 ? `${plans.length} files · ` : '';
  }

  /** Redraws the file list and the result (the open files changed). */
  update() {
    const srcs = this.ctx.sources();
    for (const id of [...this.skipped]) if (!srcs.some((s) => s.id === id)) this.skipped.delete(id);
    this.list.replaceChildren(
      ...srcs.map((s) => {
        const row = this.rows.get(s.id) || { state: 'waiting' };
        const box = el('input', {
          type: 'checkbox',
          checked: !this.skipped.has(s.id),
          disabled: !!this.ctl,
          'aria-label': `Convert ${s.file.name}`,
          onchange: () => {
            if (box.checked) this.skipped.delete(s.id);
            else this.skipped.add(s.id);
            this.refresh();
          },
        });
        const status = el('span', { class: `conv-status ${row.state}`, dataset: { testid: 'conv-status', state: row.state } }, statusText(row));
        const bar = el('progress', { max: '1', value: String(row.progress || 0), hidden: row.state !== 'running', 'aria-label': `Converting ${s.file.name}` });
        const cancel = el('button', { type: 'button', class: 'btn btn-small', hidden: !(this.ctl && (row.state === 'waiting' || row.state === 'running')) || this.skipped.has(s.id), dataset: { testid: 'conv-cancel' }, onclick: () => {
          if (!row.ctl) return;
          row.ctl.abort();
          if (row.state === 'waiting') this.setRow(row, { state: 'cancelled' });
        } }, 'Cancel');
        row.render = { bar, status };
        return el(
          'li',
          { class: 'conv-item', dataset: { testid: 'conv-item' } },
          el('label', { class: 'conv-name' }, box, el('span', {}, s.file.name)),
          el('span', { class: 'muted conv-meta' }, `${(s.info.container || '').toUpperCase()} · ${formatTime(s.info.frames, s.info.format.sampleRate)}`),
          bar,
          status,
          cancel,
        );
      }),
    );
    this.refresh();
  }

  /**
   * Converts every included file; stores the results in a ZIP (or, with
   * toFolder, writes them into a folder the user picks).
   * @param {boolean} toFolder
   */
  async export(toFolder) {
    // Set at once: a second click while the first is still resolving the
    // job must not start a second batch.
    if (this.ctl || this.starting) return;
    this.starting = true;
    try {
      await this.runBatch(toFolder);
    } finally {
      this.starting = false;
    }
  }

  /** @private the batch of one export() */
  async runBatch(toFolder) {
    let job;
    try {
      job = this.getJob();
    } catch (err) {
      this.onError(err.message);
      return;
    }
    if (!job) return;
    let dir = null;
    if (toFolder) {
      try {
        dir = await window.showDirectoryPicker({ mode: 'readwrite' });
      } catch (err) {
        if (!isAbort(err)) this.onError(`Could not open the folder: ${err.message}`);
        return;
      }
    }
    let r;
    let fileNames = [];
    try {
      const oc = await engine();
      r = await this.resolve(job, oc);
      // Into a folder: the names the ZIP would have (safe, unique).
      if (dir) fileNames = await oc.fileNames(r.outputs.map((o) => withExt(o.name, r.fmt.ext)));
    } catch (err) {
      if (!isAbort(err)) this.onError(`Cannot convert: ${err.message}`);
      return;
    }
    this.ctl = new AbortController();
    const all = this.ctl.signal;
    const items = r.outputs.map((o, i) => {
      const row = { state: 'waiting', progress: 0, ctl: new AbortController(), plan: r.plans[i] };
      all.addEventListener('abort', () => row.ctl.abort(), { once: true });
      this.rows.set(o.src.id, row);
      return { o: { ...o, name: withExt(o.name, r.fmt.ext) }, row, fileName: fileNames[i] };
    });
    this.exportBtn.disabled = true;
    this.folderBtn.disabled = true;
    this.progress.hidden = false;
    this.clearResults();
    this.update();
    // Overall progress: bytes of the planned outputs done.
    const total = items.reduce((n, it) => n + Math.max(1, it.row.plan.size), 0);
    const overall = () => {
      const done = items.reduce((n, it) => n + (it.row.state === 'waiting' || it.row.state === 'running' ? it.row.progress : 1) * Math.max(1, it.row.plan.size), 0);
      this.bar.value = done / total;
      this.pct.textContent = `${Math.floor((100 * done) / total)}%`;
    };
    overall();
    const made = [];
    // One file on one engine (Offcut.each runs several at once); its
    // failure is its row's, the batch goes on.
    const work = async (oc, it) => {
      const { o, row } = it;
      if (row.ctl.signal.aborted) {
        this.setRow(row, { state: 'cancelled' });
        return;
      }
      this.setRow(row, { state: 'running', progress: 0 });
      try {
        const blob = await oc.render(o.doc, o.files, {
          // Several files at once already use every core.
          workers: items.length > 1 ? 1 : undefined,
          signal: row.ctl.signal,
          onProgress: ({ done, total: t }) => {
            if (t) this.setRow(row, { progress: Math.max(row.progress, Math.min(1, done / t)) });
            overall();
          },
        });
        if (dir) {
          const fh = await dir.getFileHandle(it.fileName, { create: true });
          const w = await fh.createWritable();
          await w.write(blob);
          await w.close();
        }
        made.push({ blob, name: o.name, at: items.indexOf(it) });
        this.setRow(row, { state: 'done', size: blob.size, notes: (blob.summary && blob.summary.notes) || [] });
      } catch (err) {
        if (isAbort(err)) this.setRow(row, { state: 'cancelled' });
        else this.setRow(row, { state: 'failed', message: err.message });
      }
      overall();
    };
    try {
      await (await engine()).each(items, work);
      made.sort((a, b) => a.at - b.at);
      const failed = items.filter((it) => it.row.state === 'failed').length;
      const cancelled = items.filter((it) => it.row.state === 'cancelled').length;
      const what = [`${made.length} of ${items.length} files converted`, failed && `${failed} failed`, cancelled && `${cancelled} cancelled`].filter(Boolean).join(', ');
      this.results.append(el('li', { dataset: { testid: 'conv-summary' } }, `${what}.`));
      if (made.length && dir) {
        this.results.append(el('li', {}, `Saved into the folder ${dir.name}.`));
      } else if (made.length) {
        let zipName = this.zipName.value.trim() || 'converted.zip';
        if (!/\.zip$/i.test(zipName)) zipName += '.zip';
        this.bar.removeAttribute('value');
        this.pct.textContent = 'Making the ZIP…';
        const oc = await engine();
        const zip = await oc.zip(made.map((m) => m.blob), made.map((m) => m.name), { signal: all });
        const url = URL.createObjectURL(zip);
        this.urls.push(url);
        const a = el('a', { href: url, download: zipName.replace(/[\\/:*?"<>|]/g, '_'), class: 'download', dataset: { testid: 'zip-link' } }, `Download ${zipName}`);
        this.results.append(el('li', {}, a, el('span', { class: 'muted' }, ` ${formatBytes(zip.size)}`)));
        a.click();
      }
      this.ctx.announce(`${what}.`);
    } catch (err) {
      if (isAbort(err)) this.results.append(el('li', { class: 'muted' }, 'Conversion cancelled.'));
      else this.onError(`Conversion failed: ${err.message}`);
    } finally {
      this.ctl = null;
      this.progress.hidden = true;
      this.bar.value = 0;
      this.folderBtn.disabled = false;
      this.update();
    }
  }

  /** @private updates a row's state and its widgets in place */
  setRow(row, patch) {
    Object.assign(row, patch);
    if (!row.render) return;
    const { bar, status } = row.render;
    bar.hidden = row.state !== 'running';
    bar.value = row.progress || 0;
    status.textContent = statusText(row);
    status.className = `conv-status ${row.state}`;
    status.dataset.state = row.state;
    const cancel = status.nextElementSibling;
    if (cancel) cancel.hidden = !(this.ctl && (row.state === 'waiting' || row.state === 'running'));
  }

  /** Forgets the last batch's rows (new files). */
  reset() {
    this.rows.clear();
    super.reset();
  }
}

/** @param {{state: RowState, size?: number, message?: string, progress?: number}} row */
function statusText(row) {
  switch (row.state) {
    case 'running':
      return `${Math.floor((row.progress || 0) * 100)}%`;
    case 'done':
      return `Done · ${formatBytes(row.size || 0)}`;
    case 'failed':
      return `Failed: ${row.message}`;
    case 'cancelled':
      return 'Cancelled';
    default:
      return '';
  }
}
