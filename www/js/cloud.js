// The optional cloud save (issue 11; docs/api.md): an account panel, save
// to and open from the cloud, versions, share links and the shared-link
// page. Everything is encrypted in the engine's worker before it leaves
// (audio/crypt): the server gets ciphertext, opaque ids, sizes and times.
//
// Signed out, this module makes no request at all: it remembers "signed
// in" in localStorage and only then asks the server about the account.
// The data key stays in the engine's workers: this page holds it only
// sealed with a non-extractable key of its own (offcut.js, worker.js),
// in memory while the page is open; after a reload the password unlocks
// it again.

import { el, icon, formatBytes, isAbort } from './util.js';
import { toBase64, fromBase64, shareFragment, parseShareFragment, deviceName } from './cloudlink.js';

const SIGNED_KEY = 'offcut.cloud.signed'; // {email}: only then is /api/ called
const UPLOADS_KEY = 'offcut.cloud.uploads'; // unfinished small uploads: ids
const PENDING_KEY = 'offcut.cloud.pending'; // interrupted file uploads, to resume

const store = {
  get(k) {
    try {
      return JSON.parse(localStorage.getItem(k) || 'null');
    } catch {
      return null;
    }
  },
  set(k, v) {
    try {
      if (v === null) localStorage.removeItem(k);
      else localStorage.setItem(k, JSON.stringify(v));
    } catch {
      /* storage off: this page only */
    }
  },
};

/** An error of the cloud API, in plain words. */
class CloudError extends Error {
  constructor(msg, status, code) {
    super(msg);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the cloud API.
 * @param {string} method
 * @param {string} path under /api/v1
 * @param {object} [body] JSON
 */
async function api(method, path, body) {
  let res;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new CloudError('The cloud cannot be reached (offline, or the server is down).', 0, 'offline');
  }
  if (res.status === 204) return null;
  let j = null;
  try {
    j = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new CloudError((j && j.error) || `The cloud answered ${res.status}.`, res.status, j && j.code);
  return j;
}

async function sha256hex(u8) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', u8));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

const when = (t) => (t ? new Date(t).toLocaleString() : '');

/**
 * A modal dialog with a title, a body and a Close button; Escape closes it.
 * @param {string} title
 * @param {string} testid
 */
function dialog(title, testid) {
  const body = el('div', { class: 'cloud-body' });
  const close = el('button', { type: 'button', class: 'btn btn-small', onclick: () => d.close() }, 'Close');
  const d = el('dialog', { class: 'cloud-dialog', 'aria-label': title, dataset: { testid } }, el('header', { class: 'cloud-head' }, el('h2', {}, title), close), body);
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return { d, body };
}

/** A labelled input. */
function field(label, attrs) {
  const input = el('input', attrs);
  return [el('label', { class: 'cloud-field' }, el('span', {}, label), input), input];
}

/**
 * The cloud save: the Account button and panel, Save/Open/Share in the
 * cutter, and the shared-link page.
 */
export class Cloud {
  /**
   * @param {{engine: () => Promise<any>, jobs: any, error: (m: string) => void, announce: (m: string) => void,
   *   cutter: any, open: (file: object, state?: object, opts?: object) => Promise<object|null>}} ctx
   *   open shows a cloud file in the cutter with an edit state (app.js)
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.key = null; // the data key, sealed by the engine (offcut.js), in memory only
    this.account = null;
    this.status = 'signed-out'; // signed-out | locked | ready | unavailable
    this.signed = store.get(SIGNED_KEY);

    this.button = el('button', { type: 'button', class: 'btn btn-icon', id: 'cloud-btn', dataset: { testid: 'cloud-account' }, title: 'Cloud save: your account', onclick: () => this.panel() },
      icon('lock'), el('span', { class: 'btn-text' }, 'Cloud'));
    const top = document.querySelector('.top-actions');
    if (top) top.prepend(this.button);

    // In the cutter's head: save and share (shown when the cloud is ready).
    this.saveBtn = el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-save' }, onclick: () => this.saveDialog() }, 'Save to cloud');
    this.shareBtn = el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-share' }, onclick: () => this.shareDialog() }, 'Share');
    this.openBtn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'cloud-open' }, onclick: () => this.openDialog() }, 'Open from cloud');
    this.cutterBar = el('div', { class: 'toolbar-group cloud-bar' }, this.saveBtn, this.shareBtn);
    const head = ctx.cutter.root.querySelector('.panel-head');
    if (head) head.append(this.cutterBar);
    // In the joiner's head: save the join (its clips' audio too).
    this.joinSaveBtn = el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-save-join' }, onclick: () => this.saveJoinDialog() }, 'Save to cloud');
    this.joinBar = el('div', { class: 'toolbar-group cloud-bar' }, this.joinSaveBtn);
    const jhead = ctx.joiner && ctx.joiner.root.querySelector('.panel-head');
    if (jhead) jhead.append(this.joinBar);
    this.joinObject = null; // the cloud object the joiner's edit was opened from or saved to
    const lib = document.querySelector('.library-bar');
    if (lib) lib.append(this.openBtn);
    this.welcomeOpen = el('button', { type: 'button', class: 'btn btn-large', dataset: { testid: 'cloud-open-welcome' }, onclick: () => this.openDialog() }, 'Open from cloud');
    const rec = document.getElementById('record-btn');
    if (rec) rec.after(this.welcomeOpen);
    this.render();

    const link = parseShareFragment(location.hash);
    if (link) this.openShared(link);
    else if (this.signed) this.refresh();
  }

  /** Shows the controls that fit the state. */
  render() {
    const ready = this.status === 'ready';
    const cur = this.ctx.cutter.src;
    this.cutterBar.hidden = !ready || !cur || !!(cur.cloud && cur.cloud.shared);
    this.joinBar.hidden = !ready || !(this.ctx.joiner && this.ctx.joiner.state.items.length);
    this.openBtn.hidden = !ready;
    this.welcomeOpen.hidden = !ready;
    const label = { 'signed-out': 'Cloud', locked: 'Cloud (locked)', ready: 'Cloud', unavailable: 'Cloud unavailable' }[this.status];
    this.button.querySelector('.btn-text').textContent = label;
    this.button.dataset.state = this.status;
    document.documentElement.dataset.cloud = this.status;
  }

  /** Asks the server about the account (only when signed in here). */
  async refresh() {
    if (!this.signed) return;
    try {
      this.account = await api('GET', '/account');
      this.status = this.key ? 'ready' : 'locked';
      const sessions = await api('GET', '/sessions');
      const fresh = sessions.filter((s) => s.new && !s.current);
      for (const s of fresh) this.ctx.announce(`A new device signed in to your cloud account: ${s.device} (${when(s.created)}). If it was not you, revoke it under Cloud → Devices and change your password.`);
      this.newDevices = fresh;
      this.cleanUploads();
    } catch (e) {
      if (e.status === 401) {
        this.forget();
      } else {
        this.status = 'unavailable';
        this.unavailable = e.message;
      }
    }
    this.render();
  }

  forget() {
    this.signed = null;
    this.key = null;
    this.account = null;
    store.set(SIGNED_KEY, null);
    this.status = 'signed-out';
    this.render();
  }

  async oc() {
    return this.ctx.engine();
  }

  // ---- the account panel --------------------------------------------------

  panel() {
    const { d, body } = dialog('Cloud save', 'cloud-panel');
    const show = () => {
      body.replaceChildren();
      if (this.status === 'unavailable') {
        body.append(el('p', { dataset: { testid: 'cloud-unavailable' } }, `The cloud is unavailable: ${this.unavailable || ''} Everything else works as usual on this device.`),
          el('button', { type: 'button', class: 'btn', onclick: async () => { await this.refresh(); show(); } }, 'Try again'));
        return;
      }
      if (!this.signed) return this.signInForm(body, show);
      for (const n of this.newDevices || []) body.append(el('p', { class: 'cloud-notice', role: 'status', dataset: { testid: 'cloud-new-device' } }, `A new device signed in: ${n.device}, ${when(n.created)}. If it was not you, sign it out below and change your password.`));
      if (!this.key) return this.unlockForm(body, show);
      this.accountView(body, show, d);
    };
    show();
  }

  signInForm(body, show) {
    body.append(el('p', { class: 'muted' }, 'Optional. Your audio, names and edits are encrypted on this device before they are saved; the server cannot read them.'));
    const [fe, email] = field('E-mail', { type: 'email', autocomplete: 'username', required: true, dataset: { testid: 'cloud-email' } });
    const [fp, pw] = field('Password', { type: 'password', autocomplete: 'current-password', required: true, minlength: '8', dataset: { testid: 'cloud-password' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    const busy = (b) => form.querySelectorAll('button').forEach((x) => (x.disabled = b));
    const run = async (what) => {
      if (!form.reportValidity()) return;
      busy(true);
      msg.textContent = what === 'up' ? 'Creating your keys…' : 'Signing in…';
      try {
        if (what === 'up') await this.signUp(email.value.trim(), pw.value);
        else await this.signIn(email.value.trim(), pw.value);
        pw.value = '';
        show();
      } catch (e) {
        msg.textContent = e.message;
        busy(false);
      }
    };
    const form = el('form', { class: 'cloud-form', onsubmit: (e) => { e.preventDefault(); run('in'); } }, fe, fp,
      el('div', { class: 'toolbar-group' },
        el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'cloud-signin' } }, 'Sign in'),
        el('button', { type: 'button', class: 'btn', dataset: { testid: 'cloud-signup' }, onclick: () => run('up') }, 'Create an account')),
      msg,
      el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-forgot' }, onclick: () => { body.replaceChildren(); this.recoverForm(body, show, email.value.trim()); } }, 'Forgot the password? Use the recovery key'));
    body.append(form);
    email.focus();
  }

  /** Sets a new password with the recovery key shown at sign-up. */
  recoverForm(body, show, mail) {
    body.append(el('p', { class: 'muted' }, 'With the recovery key you wrote down at sign-up, choose a new password. Without it, and without the password, your cloud files cannot be opened by anyone.'));
    const [fe, email] = field('E-mail', { type: 'email', autocomplete: 'username', required: true, value: mail || '', dataset: { testid: 'cloud-email' } });
    const [fr, rk] = field('Recovery key', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true, dataset: { testid: 'cloud-recovery-input' } });
    const [fp, pw] = field('New password (at least 8 characters)', { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', dataset: { testid: 'cloud-new-password' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    const form = el('form', {
      class: 'cloud-form',
      onsubmit: async (e) => {
        e.preventDefault();
        if (!form.reportValidity()) return;
        msg.textContent = 'Checking the recovery key…';
        try {
          await this.recover(email.value.trim(), rk.value.trim(), pw.value);
          rk.value = pw.value = '';
          show();
        } catch (err) {
          msg.textContent = err.message;
        }
      },
    }, fe, fr, fp, el('div', { class: 'toolbar-group' },
      el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'cloud-recover' } }, 'Set the new password'),
      el('button', { type: 'button', class: 'btn', onclick: () => show() }, 'Back')), msg);
    body.append(form);
    (mail ? rk : email).focus();
  }

  async recover(email, recoveryKey, password) {
    if (password.length < 8) throw new Error('Choose a password of at least 8 characters.');
    const oc = await this.oc();
    const { wrapped_by_recovery: wrapped } = await api('GET', `/recovery?email=${encodeURIComponent(email)}`);
    let r;
    try {
      r = await oc.crypt('recoverKey', recoveryKey, wrapped);
    } catch {
      throw new Error('That recovery key does not open this account (check the e-mail and every character of the key).');
    }
    const k = await oc.crypt('changePassword', r.data_key, password);
    try {
      await api('POST', '/recover', { email, recovery_proof: r.recovery_proof, auth_key: k.new_auth_key, kdf_salt: k.kdf_salt, kdf_params: k.kdf_params, wrapped_key: k.wrapped_key, device: deviceName(navigator.userAgent) });
    } catch (e) {
      throw e.status === 401 || e.status === 403 ? new Error('That recovery key does not open this account.') : e;
    }
    this.key = r.data_key;
    this.signed = { email };
    store.set(SIGNED_KEY, this.signed);
    await this.refresh();
    this.ctx.announce('Your new password is set. Your other devices are signed out.');
  }

  unlockForm(body, show) {
    body.append(el('p', {}, `Signed in as ${this.signed.email}. Enter your password to unlock your cloud files on this page.`));
    const [fp, pw] = field('Password', { type: 'password', autocomplete: 'current-password', required: true, dataset: { testid: 'cloud-password' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    const form = el('form', {
      class: 'cloud-form',
      onsubmit: async (e) => {
        e.preventDefault();
        msg.textContent = 'Unlocking…';
        try {
          await this.unlock(pw.value);
          pw.value = '';
          show();
        } catch (err) {
          msg.textContent = err.message;
        }
      },
    }, fp, el('div', { class: 'toolbar-group' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'cloud-unlock' } }, 'Unlock'),
      el('button', { type: 'button', class: 'btn', onclick: async () => { await this.signOut(); show(); } }, 'Sign out')), msg);
    body.append(form);
    pw.focus();
  }

  async accountView(body, show, d) {
    const a = this.account || {};
    const used = el('p', { dataset: { testid: 'cloud-usage' } }, `Signed in as ${a.email || this.signed.email}. Storage used: ${formatBytes(a.stored || 0)} of ${formatBytes(a.quota || 0)}.`);
    const bar = el('progress', { max: String(a.quota || 1), value: String(a.stored || 0), 'aria-label': 'Storage used' });
    const devices = el('ul', { class: 'cloud-list', dataset: { testid: 'cloud-devices' } });
    body.append(used, bar,
      el('div', { class: 'toolbar-group' },
        el('button', { type: 'button', class: 'btn', onclick: () => { d.close(); this.openDialog(); } }, 'Open from cloud'),
        el('button', { type: 'button', class: 'btn', dataset: { testid: 'cloud-signout' }, onclick: async () => { await this.signOut(); show(); } }, 'Sign out')),
      el('h3', {}, 'Devices'), devices,
      this.passwordForm(),
      this.exportForm(),
      el('h3', {}, 'Delete the account'),
      el('p', { class: 'muted' }, 'Deletes every file, version, share link and device of this account from the server at once. This cannot be undone.'),
      el('button', { type: 'button', class: 'btn btn-danger', dataset: { testid: 'cloud-delete-account' }, onclick: () => this.deleteAccount(show) }, 'Delete my account…'));
    try {
      const list = await api('GET', '/sessions');
      devices.replaceChildren(...list.map((s) => el('li', { dataset: { testid: 'cloud-device' } },
        el('span', {}, `${s.device || 'A device'}${s.current ? ' (this one)' : ''} — first seen ${when(s.created)}, last seen ${when(s.last_seen)}`),
        s.current ? '' : el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-device-revoke' }, onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api('DELETE', `/sessions/${encodeURIComponent(s.id)}`);
            e.target.closest('li').remove();
            this.ctx.announce(`${s.device} is signed out.`);
          } catch (err) {
            this.ctx.error(`Could not sign that device out: ${err.message}`);
            e.target.disabled = false;
          }
        } }, 'Sign out this device'))));
    } catch (e) {
      devices.replaceChildren(el('li', {}, `Could not list the devices: ${e.message}`));
    }
  }

  /** Download everything: every kept version of every file, decrypted here, in one ZIP. */
  exportForm() {
    const msg = el('p', { class: 'cloud-msg', role: 'status', dataset: { testid: 'cloud-export-msg' } });
    const bar = el('progress', { hidden: true, 'aria-label': 'Export' });
    const btn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'cloud-export' }, onclick: async () => {
      btn.disabled = true;
      bar.hidden = false;
      bar.removeAttribute('value');
      msg.textContent = 'Decrypting your files…';
      try {
        const zip = await this.exportAll(({ done, total }) => { if (total) bar.value = done / total; });
        const url = URL.createObjectURL(zip);
        const a = el('a', { href: url, download: 'offcut-cloud.zip', class: 'download', dataset: { testid: 'cloud-export-link' } }, 'offcut-cloud.zip');
        msg.replaceChildren('Your data, decrypted on this device: ', a, ` (${formatBytes(zip.size)}, ${zip.names.length - 1} files).`);
        a.click();
      } catch (err) {
        msg.textContent = isAbort(err) ? 'Cancelled.' : `Could not export: ${err.message}`;
      } finally {
        btn.disabled = false;
        bar.hidden = true;
      }
    } }, 'Download all my data (ZIP)');
    return el('section', {}, el('h3', {}, 'Your data'),
      el('p', { class: 'muted' }, 'Every file and every kept version, decrypted on this device, in one ZIP, with a list of your devices and share links.'), btn, bar, msg);
  }

  /**
   * Every kept version of every object, decrypted in the engine, stored in
   * one ZIP with offcut-account.json (the account, devices, share links and
   * what each entry is). Edits are their JSON documents.
   * @returns {Promise<Blob>} blob.names: the names stored
   */
  async exportAll(onProgress) {
    const oc = await this.oc();
    const x = await api('GET', '/export');
    const files = [];
    const names = [];
    const entries = [];
    for (const o of x.objects) {
      const versions = (o.versions || []).some((v) => v.version === o.version) ? o.versions : [...(o.versions || []), { version: o.version, size: o.size, meta: o.meta, created: o.updated }];
      for (const v of versions) {
        let meta = { kind: 'unknown', name: o.id };
        try {
          meta = await this.openMeta(v.meta || o.meta);
        } catch {
          /* another key or damaged: exported under its id */
        }
        const base = meta.kind === 'edit' || meta.kind === 'join' ? `${meta.name}.offcut-${meta.kind}.json` : meta.name;
        const dot = base.lastIndexOf('.');
        const name = v.version === o.version ? base : dot > 0 ? `${base.slice(0, dot)} (version ${v.version})${base.slice(dot)}` : `${base} (version ${v.version})`;
        files.push(this.cloudFile(name, { id: o.id, version: v.version, size: v.size }, ''));
        names.push(name);
        entries.push({ id: o.id, version: v.version, current: v.version === o.version, kind: meta.kind, name, saved: v.created });
      }
    }
    const stored = (await oc.fileNames(['offcut-account.json', ...names])).slice(1); // as the ZIP stores them
    entries.forEach((e, i) => (e.file = stored[i]));
    const { email, created, quota, stored: used } = x.account || {};
    const manifest = { exported: new Date().toISOString(), account: { email, created, quota, stored: used }, devices: x.sessions, shares: x.shares, files: entries };
    files.unshift(new Blob([JSON.stringify(manifest, null, 2)], { type: 'application/json' }));
    names.unshift('offcut-account.json');
    return oc.zip(files, names, { onProgress });
  }

  /** The change-password form: the data key is wrapped again, nothing is re-encrypted. */
  passwordForm() {
    const [fo, old] = field('Current password', { type: 'password', autocomplete: 'current-password', required: true, dataset: { testid: 'cloud-old-password' } });
    const [fn, pw] = field('New password (at least 8 characters)', { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', dataset: { testid: 'cloud-new-password' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status', dataset: { testid: 'cloud-password-msg' } });
    const form = el('form', {
      class: 'cloud-form',
      onsubmit: async (e) => {
        e.preventDefault();
        if (!form.reportValidity()) return;
        msg.textContent = 'Changing the password…';
        try {
          await this.changePassword(old.value, pw.value);
          old.value = pw.value = '';
          msg.textContent = 'Password changed. Your other devices are signed out.';
        } catch (err) {
          msg.textContent = err.message;
        }
      },
    }, el('h3', {}, 'Change the password'), fo, fn, el('button', { type: 'submit', class: 'btn', dataset: { testid: 'cloud-change-password' } }, 'Change the password'), msg);
    return form;
  }

  async changePassword(current, next) {
    if (next.length < 8) throw new Error('Choose a password of at least 8 characters.');
    const oc = await this.oc();
    const a = await api('GET', '/account');
    const l = await oc.crypt('login', current, a.kdf_salt, a.kdf_params);
    const r = await oc.crypt('changePassword', this.key, next);
    try {
      await api('PUT', '/account/keys', { auth_key: l.auth_key, new_auth_key: r.new_auth_key, kdf_salt: r.kdf_salt, kdf_params: r.kdf_params, wrapped_key: r.wrapped_key });
    } catch (e) {
      throw e.status === 403 ? new Error('The current password is wrong.') : e;
    }
  }

  async signUp(email, password) {
    if (password.length < 8) throw new Error('Choose a password of at least 8 characters.');
    const oc = await this.oc();
    const k = await oc.crypt('deriveAccount', password);
    // The recovery pair: the key wrapped by the recovery key, and the
    // recovery key's proof (the server keeps a hash of it).
    await api('POST', '/register', {
      email, auth_key: k.auth_key, kdf_salt: k.kdf_salt, kdf_params: k.kdf_params, wrapped_key: k.wrapped_key, device: deviceName(navigator.userAgent),
      recovery_auth_key: k.recovery_auth_key, wrapped_by_recovery: k.wrapped_by_recovery,
    });
    this.key = k.data_key;
    this.signed = { email };
    store.set(SIGNED_KEY, this.signed);
    await this.refresh();
    this.showRecovery(k.recovery_key);
  }

  showRecovery(rk) {
    const { d, body } = dialog('Your recovery key', 'cloud-recovery');
    body.append(
      el('p', { class: 'cloud-warning' }, 'Write this recovery key down and keep it safe. It is shown only now. Your files are encrypted with a key only your password or this recovery key can open: without one of them, your cloud files are gone for good — nobody, not even us, can get them back.'),
      el('pre', { class: 'cloud-key', tabindex: '0', dataset: { testid: 'cloud-recovery-key' } }, rk),
      el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'cloud-recovery-done' }, onclick: () => d.close() }, 'I have saved it'));
  }

  async signIn(email, password) {
    const oc = await this.oc();
    const salt = await api('GET', `/salt?email=${encodeURIComponent(email)}`);
    const l = await oc.crypt('login', password, salt.kdf_salt, salt.kdf_params);
    await api('POST', '/login', { email, auth_key: l.auth_key, device: deviceName(navigator.userAgent) });
    this.signed = { email };
    store.set(SIGNED_KEY, this.signed);
    const a = await api('GET', '/account');
    this.key = (await oc.crypt('unwrapKey', l.kek, a.wrapped_key)).data_key;
    await this.refresh();
  }

  async unlock(password) {
    const oc = await this.oc();
    const a = await api('GET', '/account');
    const l = await oc.crypt('login', password, a.kdf_salt, a.kdf_params);
    try {
      this.key = (await oc.crypt('unwrapKey', l.kek, a.wrapped_key)).data_key;
    } catch {
      throw new Error('That password does not open this account.');
    }
    await this.refresh();
  }

  async signOut() {
    try {
      await api('POST', '/logout');
    } catch (e) {
      if (e.status !== 401) this.ctx.error(`Signing out on the server failed (${e.message}); this page forgets the account anyway.`);
    }
    this.forget();
  }

  deleteAccount(show) {
    const { d, body } = dialog('Delete the account', 'cloud-delete-dialog');
    const [f, input] = field('Type DELETE to confirm', { type: 'text', autocomplete: 'off', dataset: { testid: 'cloud-delete-confirm' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    body.append(el('p', {}, 'Every cloud file, version, share link and device of this account will be deleted from the server now. Files on this device stay.'), f,
      el('button', { type: 'button', class: 'btn btn-danger', dataset: { testid: 'cloud-delete-go' }, onclick: async () => {
        if (input.value.trim() !== 'DELETE') {
          msg.textContent = 'Type DELETE to confirm.';
          return;
        }
        msg.textContent = 'Deleting…';
        try {
          await api('DELETE', '/account');
          this.forget();
          d.close();
          this.ctx.announce('Your account and everything in it are deleted.');
          show();
        } catch (e) {
          msg.textContent = `Could not delete the account: ${e.message}`;
        }
      } }, 'Delete everything'), msg);
    input.focus();
  }

  // ---- uploads ------------------------------------------------------------

  async sealMeta(meta) {
    const oc = await this.oc();
    return toBase64(await oc.crypt('encrypt', this.key, new TextEncoder().encode(JSON.stringify(meta))));
  }

  async openMeta(b64) {
    const oc = await this.oc();
    return JSON.parse(new TextDecoder().decode(await oc.crypt('decrypt', this.key, fromBase64(b64))));
  }

  /** Starts an upload: a new object, or a new version of object id. */
  async startUpload(size, meta, object) {
    const body = { size, meta: await this.sealMeta(meta) };
    const up = object ? await api('POST', `/objects/${encodeURIComponent(object.id)}/uploads`, { ...body, base_version: object.version }) : await api('POST', '/objects', body);
    const ids = store.get(UPLOADS_KEY) || [];
    store.set(UPLOADS_KEY, [...ids, up.id]);
    return up;
  }

  async finishUpload(up) {
    const obj = await api('POST', `/uploads/${encodeURIComponent(up.id)}/complete`);
    this.dropUpload(up.id);
    return obj;
  }

  dropUpload(id) {
    store.set(UPLOADS_KEY, (store.get(UPLOADS_KEY) || []).filter((x) => x !== id));
  }

  /** The interrupted file uploads of this account ({id, state, name, size, lastModified, email}). */
  pending() {
    return (store.get(PENDING_KEY) || []).filter((p) => this.signed && p.email === this.signed.email);
  }

  dropPending(id) {
    store.set(PENDING_KEY, (store.get(PENDING_KEY) || []).filter((p) => p.id !== id));
  }

  /**
   * Small uploads left by a closed page (edit documents, quick to send
   * again) are cancelled, freeing the quota they hold; interrupted file
   * uploads are kept and named, to resume.
   */
  async cleanUploads() {
    for (const p of this.pending()) this.ctx.announce(`Saving ${p.name} to the cloud was interrupted. Open it and save again: the upload goes on where it stopped.`);
    for (const id of store.get(UPLOADS_KEY) || []) {
      try {
        await api('DELETE', `/uploads/${encodeURIComponent(id)}`);
      } catch {
        /* gone already */
      }
      this.dropUpload(id);
    }
  }

  /** Uploads a small blob (an edit document) as a new object or version. */
  async putSmall(plain, meta, object) {
    const oc = await this.oc();
    const sealed = await oc.crypt('encrypt', this.key, plain);
    const up = await this.startUpload(sealed.length, meta, object);
    const res = await fetch(`/api/v1/uploads/${encodeURIComponent(up.id)}/chunks/0`, { method: 'PUT', body: sealed, credentials: 'same-origin', headers: { 'X-Chunk-Sha256': await sha256hex(sealed), 'Content-Type': 'application/octet-stream' } });
    if (!res.ok) throw new CloudError(`The cloud refused the edit (${res.status}).`, res.status);
    return this.finishUpload(up);
  }

  /**
   * Encrypts and uploads a local file (in the worker), as a job. An
   * upload of the same file interrupted earlier (a reload, a crash, the
   * network gone) goes on: the encryption is made again byte for byte
   * from its kept state, and the chunks the server has are not sent.
   */
  async putFile(file, meta) {
    const oc = await this.oc();
    const size = await oc.crypt('encryptedSize', file.size);
    let up = null;
    let state = null;
    let skip = [];
    const same = this.pending().find((p) => p.name === file.name && p.size === file.size && p.lastModified === file.lastModified);
    if (same) {
      try {
        up = await api('GET', `/uploads/${encodeURIComponent(same.id)}`);
        if (up.size !== size) throw new Error('another size');
        state = same.state;
        skip = up.received || [];
      } catch {
        up = null;
        this.dropPending(same.id);
      }
    }
    if (!up) {
      state = await oc.crypt('newResume', this.key);
      up = await this.startUpload(size, meta);
      this.dropUpload(up.id);
      store.set(PENDING_KEY, [...(store.get(PENDING_KEY) || []), { id: up.id, state, name: file.name, size: file.size, lastModified: file.lastModified, email: this.signed.email }]);
    }
    const label = skip.length ? `Resuming the upload of ${file.name} (${skip.length} of ${up.chunks} parts were saved)` : `Encrypting and saving ${file.name} to the cloud`;
    try {
      await this.ctx.jobs.run(label, (signal, onProgress) => oc.upload(file, this.key, up, { state, skip, signal, onProgress }), { delay: 0 });
    } catch (e) {
      if (isAbort(e)) {
        // Cancelled: nothing is kept.
        this.dropPending(up.id);
        api('DELETE', `/uploads/${encodeURIComponent(up.id)}`).catch(() => {});
        throw e;
      }
      throw new Error(`${e.message}. Save again to go on where it stopped.`);
    }
    const obj = await this.finishUpload(up);
    this.dropPending(up.id);
    return obj;
  }

  // ---- save ---------------------------------------------------------------

  saveDialog() {
    const src = this.ctx.cutter.src;
    if (!src || this.status !== 'ready') return;
    const { d, body } = dialog('Save to cloud', 'cloud-save-dialog');
    const name = src.file.name;
    const hasAudio = !!(src.cloud && src.cloud.audio);
    const tick = el('input', { type: 'checkbox', checked: !hasAudio, dataset: { testid: 'cloud-save-audio' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    body.append(el('p', {}, `Saves the edit of ${name}${src.cloud && src.cloud.project ? ' as a new version' : ''}, encrypted on this device.`),
      hasAudio ? el('p', { class: 'muted' }, 'Its audio is in the cloud already.') : el('label', { class: 'cloud-check' }, tick, el('span', {}, ` Also save the audio (${formatBytes(src.file.size)})`)),
      el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'cloud-save-go' }, onclick: async (e) => {
        e.target.disabled = true;
        msg.textContent = 'Saving…';
        try {
          await this.save(src, !hasAudio && tick.checked);
          d.close();
          this.ctx.announce(`Saved ${name} to the cloud.`);
          document.documentElement.dataset.cloudSaved = String(Date.now());
        } catch (err) {
          msg.textContent = isAbort(err) ? 'Cancelled: nothing was saved.' : `Could not save: ${err.message}`;
          e.target.disabled = false;
        }
      } }, 'Save'), msg);
  }

  /**
   * Saves the cutter's edit of src (and its audio when withAudio): the
   * edit is one object, saved again as a new version of it.
   */
  async save(src, withAudio) {
    src.cloud = src.cloud || {};
    if (withAudio) {
      const obj = await this.putFile(src.file, { kind: 'audio', name: src.file.name, type: src.file.type || '', size: src.file.size });
      src.cloud.audio = { id: obj.id, version: obj.version, size: obj.size };
    }
    const doc = { kind: 'offcut-edit', v: 2, name: src.file.name, size: src.file.size, state: this.ctx.cutter.history.present, audio: src.cloud.audio || null };
    const plain = new TextEncoder().encode(JSON.stringify(doc));
    const meta = { kind: 'edit', name: src.file.name };
    let obj;
    try {
      obj = await this.putSmall(plain, meta, src.cloud.project);
    } catch (e) {
      if (!(e.status === 404 && src.cloud.project)) throw e;
      obj = await this.putSmall(plain, meta, null); // deleted meanwhile: a new one
    }
    src.cloud.project = { id: obj.id, version: obj.version, size: obj.size };
    this.account = await api('GET', '/account').catch(() => this.account);
  }

  saveJoinDialog() {
    const j = this.ctx.joiner;
    if (!j || !j.state.items.length || this.status !== 'ready') return;
    const srcs = this.joinSources();
    const { d, body } = dialog('Save the join to cloud', 'cloud-save-join-dialog');
    const toSend = srcs.filter((src) => !(src.cloud && src.cloud.audio));
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    body.append(el('p', {}, `Saves the join of ${srcs.length} file${srcs.length === 1 ? '' : 's'}${this.joinObject ? ' as a new version' : ''}, encrypted on this device.`),
      el('p', { class: 'muted' }, toSend.length ? `The audio of ${toSend.map((x) => x.file.name).join(', ')} (${formatBytes(toSend.reduce((n, x) => n + x.file.size, 0))}) is saved with it; the rest is in the cloud already.` : 'The audio of every clip is in the cloud already.'),
      el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'cloud-save-join-go' }, onclick: async (e) => {
        e.target.disabled = true;
        msg.textContent = 'Saving…';
        try {
          await this.saveJoin();
          d.close();
          this.ctx.announce('Saved the join to the cloud.');
          document.documentElement.dataset.cloudSaved = String(Date.now());
        } catch (err) {
          msg.textContent = isAbort(err) ? 'Cancelled: nothing more was saved.' : `Could not save: ${err.message}`;
          e.target.disabled = false;
        }
      } }, 'Save'), msg);
  }

  /** The joiner's sources, each once, in clip order. */
  joinSources() {
    const out = [];
    for (const it of this.ctx.joiner.state.items) {
      const src = this.ctx.source(it.src);
      if (src && !out.includes(src)) out.push(src);
    }
    return out;
  }

  /**
   * Saves the joiner's edit as one object (a new version of the one it
   * came from), after the audio of every clip not in the cloud yet.
   */
  async saveJoin() {
    const srcs = this.joinSources();
    for (const src of srcs) {
      if (src.cloud && src.cloud.audio) continue;
      if (src.cloud && src.cloud.shared) throw new Error(`${src.file.name} is someone else's shared file`);
      const obj = await this.putFile(src.file, { kind: 'audio', name: src.file.name, type: src.file.type || '', size: src.file.size });
      src.cloud = { ...(src.cloud || {}), audio: { id: obj.id, version: obj.version, size: obj.size } };
    }
    const doc = {
      kind: 'offcut-join', v: 2, state: this.ctx.joiner.history.present,
      sources: srcs.map((src) => ({ key: src.id, name: src.file.name, size: src.file.size, audio: src.cloud.audio })),
    };
    const plain = new TextEncoder().encode(JSON.stringify(doc));
    const meta = { kind: 'join', name: `Join of ${srcs.map((x) => x.file.name).join(', ')}`.slice(0, 200) };
    let obj;
    try {
      obj = await this.putSmall(plain, meta, this.joinObject);
    } catch (e) {
      if (!(e.status === 404 && this.joinObject)) throw e;
      obj = await this.putSmall(plain, meta, null);
    }
    this.joinObject = { id: obj.id, version: obj.version, size: obj.size };
    this.account = await api('GET', '/account').catch(() => this.account);
  }

  /** Opens a saved join: its clips' audio read from the cloud, its edit in the joiner. */
  async openJoin(o, version = o.version) {
    const oc = await this.oc();
    const ct = await this.fetchWhole(`/api/v1/objects/${encodeURIComponent(o.id)}/data?version=${version}`);
    const doc = JSON.parse(new TextDecoder().decode(await oc.crypt('decrypt', this.key, ct)));
    if (doc.kind !== 'offcut-join' || !Array.isArray(doc.sources)) throw new Error('this is not a saved join');
    const files = doc.sources.map((x) => this.cloudFile(x.name, x.audio, '', x.size));
    const srcs = await this.ctx.openJoin(files, doc.state, doc.sources.map((x) => x.key));
    srcs.forEach((src, i) => { if (src) src.cloud = { audio: doc.sources[i].audio }; });
    this.joinObject = { id: o.id, version: o.version, size: o.size };
    this.render();
  }

  // ---- open, versions, delete ---------------------------------------------

  async list() {
    const objs = await api('GET', '/objects');
    const out = [];
    for (const o of objs) {
      let meta = { kind: 'unknown', name: '(unreadable)' };
      try {
        meta = await this.openMeta(o.meta);
      } catch {
        /* another key or damaged: listed as such */
      }
      out.push({ ...o, meta });
    }
    return out;
  }

  async openDialog() {
    if (this.status !== 'ready') return this.panel();
    const { d, body } = dialog('Open from cloud', 'cloud-open-dialog');
    const ul = el('ul', { class: 'cloud-list', dataset: { testid: 'cloud-files' } });
    body.append(el('p', { role: 'status' }, 'Decrypting the names…'), ul);
    let items;
    try {
      items = await this.list();
    } catch (e) {
      body.firstChild.textContent = `Could not list your cloud files: ${e.message}`;
      return;
    }
    body.firstChild.textContent = items.length ? '' : 'Nothing saved yet.';
    const edits = items.filter((o) => o.meta.kind === 'edit' || o.meta.kind === 'join');
    const audio = items.filter((o) => o.meta.kind === 'audio');
    for (const o of [...edits, ...audio]) {
      const kind = { edit: 'Edit of', join: '', audio: 'Audio' }[o.meta.kind];
      ul.append(el('li', { dataset: { testid: 'cloud-file' } },
        el('span', {}, `${kind ? `${kind} ` : ''}${o.meta.name} — ${formatBytes(o.size)}, saved ${when(o.updated)} (version ${o.version})`),
        el('div', { class: 'toolbar-group' },
          el('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { testid: 'cloud-file-open' }, onclick: async () => {
            d.close();
            try {
              await (o.meta.kind === 'edit' ? this.openEdit(o) : o.meta.kind === 'join' ? this.openJoin(o) : this.openAudio(o));
            } catch (e) {
              if (!isAbort(e)) this.ctx.error(`Could not open ${o.meta.name} from the cloud: ${e.message}`);
            }
          } }, 'Open'),
          el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-file-versions' }, onclick: () => { d.close(); this.versionsDialog(o); } }, 'Versions'),
          el('button', { type: 'button', class: 'btn btn-small', onclick: async (e) => {
            if (!confirm(`Delete ${o.meta.name} and its versions and share links from the cloud?`)) return;
            e.target.disabled = true;
            try {
              await api('DELETE', `/objects/${encodeURIComponent(o.id)}`);
              e.target.closest('li').remove();
            } catch (err) {
              this.ctx.error(`Could not delete ${o.meta.name}: ${err.message}`);
              e.target.disabled = false;
            }
          } }, 'Delete'))));
    }
  }

  /** A cloud file the engine reads by Range (wasm/cloud_js.go). */
  cloudFile(name, o, share, plainSize = 0) {
    const url = share ? `/api/v1/shares/${encodeURIComponent(o.id)}/data` : `/api/v1/objects/${encodeURIComponent(o.id)}/data?version=${o.version}`;
    // size is the plaintext's (edit documents check it); cloud.size the ciphertext's.
    return { name, size: plainSize, type: '', lastModified: 0, cloud: share ? { url, size: o.size, share } : { url, size: o.size, key: this.key } };
  }

  async fetchWhole(url) {
    let res;
    try {
      res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      throw new CloudError('The cloud cannot be reached.', 0, 'offline');
    }
    if (res.status === 404) throw new CloudError('It is no longer in the cloud (deleted, or the link was revoked or has expired).', 404);
    if (!res.ok) throw new CloudError(`The cloud answered ${res.status}.`, res.status);
    return new Uint8Array(await res.arrayBuffer());
  }

  async openEdit(o, version = o.version) {
    const oc = await this.oc();
    const ct = await this.fetchWhole(`/api/v1/objects/${encodeURIComponent(o.id)}/data?version=${version}`);
    const doc = JSON.parse(new TextDecoder().decode(await oc.crypt('decrypt', this.key, ct)));
    if (!doc.audio) throw new Error(`this edit was saved without its audio: open ${doc.name} from this device`);
    const src = await this.ctx.open(this.cloudFile(doc.name, doc.audio, '', doc.size), doc.state);
    if (src) src.cloud = { audio: doc.audio, project: { id: o.id, version: o.version, size: o.size } };
    this.render();
  }

  async openAudio(o) {
    const src = await this.ctx.open(this.cloudFile(o.meta.name, o, '', o.meta.size || 0), null);
    if (src) src.cloud = { audio: { id: o.id, version: o.version, size: o.size } };
    this.render();
  }

  async versionsDialog(o) {
    const { d, body } = dialog(`Versions of ${o.meta.name}`, 'cloud-versions');
    const ul = el('ul', { class: 'cloud-list' });
    body.append(ul);
    try {
      const vs = await api('GET', `/objects/${encodeURIComponent(o.id)}/versions`);
      for (const v of vs) {
        ul.append(el('li', { dataset: { testid: 'cloud-version' } }, el('span', {}, `Version ${v.version} — ${formatBytes(v.size)}, ${when(v.created)}${v.version === o.version ? ' (current)' : ''}`),
          v.version === o.version ? '' : el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-version-restore' }, onclick: async (e) => {
            e.target.disabled = true;
            try {
              const obj = await api('POST', `/objects/${encodeURIComponent(o.id)}/versions/${v.version}/restore`);
              this.ctx.announce(`Version ${v.version} of ${o.meta.name} is restored as version ${obj.version}.`);
              d.close();
            } catch (err) {
              this.ctx.error(`Could not restore version ${v.version}: ${err.message}`);
              e.target.disabled = false;
            }
          } }, 'Restore')));
      }
    } catch (e) {
      ul.append(el('li', {}, `Could not list the versions: ${e.message}`));
    }
  }

  // ---- share --------------------------------------------------------------

  shareDialog() {
    const src = this.ctx.cutter.src;
    if (!src || this.status !== 'ready') return;
    const { body } = dialog(`Share ${src.file.name}`, 'cloud-share-dialog');
    if (!src.cloud || !src.cloud.audio) {
      body.append(el('p', {}, 'Save this edit to the cloud with its audio first, then share it.'));
      return;
    }
    const [fe, days] = field('Expires after (days, empty: never)', { type: 'number', min: '1', max: '365', step: '1', dataset: { testid: 'cloud-share-days' } });
    const [fm, max] = field('Download limit (empty: none)', { type: 'number', min: '1', max: '100000', step: '1', dataset: { testid: 'cloud-share-max' } });
    const out = el('input', { type: 'text', readonly: true, class: 'cloud-link', 'aria-label': 'Share link', dataset: { testid: 'cloud-share-link' } });
    const msg = el('p', { class: 'cloud-msg', role: 'status' });
    const shares = el('ul', { class: 'cloud-list', dataset: { testid: 'cloud-shares' } });
    const listShares = async () => {
      const ids = new Set([src.cloud.audio.id, src.cloud.project && src.cloud.project.id]);
      const all = (await api('GET', '/shares')).filter((s) => ids.has(s.object_id));
      shares.replaceChildren(...all.map((s) => el('li', {}, el('span', {}, `Link made ${when(s.created)}${s.expires ? `, expires ${when(s.expires)}` : ''}, ${s.downloads} download(s)${s.max_downloads ? ` of ${s.max_downloads}` : ''}`),
        el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'cloud-share-revoke' }, onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api('DELETE', `/shares/${encodeURIComponent(s.id)}`);
            e.target.closest('li').remove();
          } catch (err) {
            msg.textContent = `Could not revoke: ${err.message}`;
          }
        } }, 'Revoke'))));
    };
    body.append(el('p', { class: 'muted' }, 'Anyone with the link can play and export this edit, read-only. The key is in the part of the link after #, which browsers never send to the server.'), fe, fm,
      el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'cloud-share-go' }, onclick: async (e) => {
        e.target.disabled = true;
        msg.textContent = 'Making the link…';
        try {
          const opts = {};
          if (days.value) opts.expires_in = Math.round(Number(days.value) * 86400);
          if (max.value) opts.max_downloads = Math.round(Number(max.value));
          out.value = await this.share(src, opts);
          msg.textContent = 'Link ready: copy it.';
          out.focus();
          out.select();
          listShares().catch(() => {});
        } catch (err) {
          msg.textContent = `Could not make the link: ${err.message}`;
        }
        e.target.disabled = false;
      } }, 'Make a link'), out, msg, el('h3', {}, 'Links'), shares);
    listShares().catch((e) => (msg.textContent = `Could not list the links: ${e.message}`));
  }

  /** Makes a share link for src's audio and, if saved, its edit. */
  async share(src, opts) {
    const oc = await this.oc();
    const one = async (ref) => {
      // The current version (a restore or another device may have saved
      // since): each version has its own key.
      const o = await api('GET', `/objects/${encodeURIComponent(ref.id)}`);
      const key = (await oc.shareKey(this.cloudFile('', o), this.key)).replace(/^#k=/, '');
      const s = await api('POST', `/objects/${encodeURIComponent(o.id)}/shares`, opts);
      return { id: s.id, key };
    };
    const link = { audio: await one(src.cloud.audio) };
    if (src.cloud.project) link.edit = await one(src.cloud.project);
    return location.origin + location.pathname + shareFragment(link);
  }

  /** The shared-link page: opens the shared audio (and edit) read-only. */
  async openShared(link) {
    const banner = el('p', { class: 'cloud-notice', role: 'status', dataset: { testid: 'cloud-shared' } }, 'Opening a shared file…');
    document.getElementById('errors')?.after(banner);
    try {
      const oc = await this.oc();
      const info = await api('GET', `/shares/${encodeURIComponent(link.audio.id)}`);
      let state = null;
      let name = 'Shared audio';
      let size = 0;
      if (link.edit) {
        const ct = await this.fetchWhole(`/api/v1/shares/${encodeURIComponent(link.edit.id)}/data`);
        const doc = JSON.parse(new TextDecoder().decode(await oc.crypt('openShared', `k=${link.edit.key}`, ct)));
        state = doc.state;
        name = doc.name || name;
        size = doc.size || 0;
      }
      const src = await this.ctx.open(this.cloudFile(name, { id: link.audio.id, size: info.size }, `k=${link.audio.key}`, size), state);
      if (src) src.cloud = { shared: true };
      banner.textContent = `Shared with you, read-only: ${name}. You can play it and export it; nothing you do changes the original.`;
      this.render();
    } catch (e) {
      banner.textContent = e.status === 404 ? 'This share link does not work any more: it was revoked, it expired, or the file was deleted.' : `Could not open the shared file: ${e.message}`;
      banner.dataset.failed = '1';
    }
  }
}
