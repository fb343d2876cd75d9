// Offcut as an installed app: the service worker, its polite update
// prompt, and files that arrive from the system (opened with Offcut from
// the file manager, or shared to it).
//
// Files are handed to the app as an event, whoever sent them:
//
//   window.addEventListener('offcut:open-files', (e) => {
//     e.preventDefault();            // "taken"; otherwise it is sent again
//     e.detail.files;                // File[]
//     e.detail.mode;                 // 'auto' | 'cut' | 'join'
//     e.detail.via;                  // 'launch' | 'share'
//   });
//   window.dispatchEvent(new Event('offcut:ready'));  // the app listens now
//
// The page never reloads by itself. A new version waits until the user
// presses Reload; setEditGuard tells this module whether an edit is open,
// so the prompt can say the edit will be kept.

import { rememberHandle } from './persist.js';

const SW_URL = new URL('../sw.js', import.meta.url);
const APP_URL = new URL('../', import.meta.url);
const HOUR = 60 * 60 * 1000;

/** @type {() => boolean} */
let editOpen = () => false;

/**
 * Tells the update prompt whether the user has an edit open.
 * @param {() => boolean} fn
 */
export function setEditGuard(fn) {
  editOpen = fn;
}

/** @returns {'auto'|'cut'|'join'} the mode the app was started in (app shortcuts) */
export function launchMode() {
  const m = new URLSearchParams(location.search).get('mode');
  return m === 'cut' || m === 'join' ? m : 'auto';
}

// ---- banners and toasts ---------------------------------------------------

let region = null;

/**
 * The polite live region the banners go in (made once): in the page's
 * flow at the top of <main>, beside the app's own messages, so a banner
 * never covers the editor.
 */
function bannerRegion() {
  if (!region) {
    region = document.createElement('div');
    region.className = 'pwa-banners';
    region.setAttribute('aria-live', 'polite');
    region.dataset.testid = 'pwa-banners';
    const main = document.querySelector('main');
    if (main) main.prepend(region);
    else document.body.prepend(region);
  }
  return region;
}

/**
 * Shows a small non-blocking banner with buttons; it closes after one of
 * its actions runs. A newer banner with the same id replaces it.
 * @param {string} id
 * @param {string} message
 * @param {Array<{label: string, run?: Function, primary?: boolean, testid?: string}>} [actions]
 * @returns {{close: () => void, root: HTMLElement}}
 */
export function notify(id, message, actions = []) {
  const box = bannerRegion();
  const old = box.querySelector(`[data-banner="${id}"]`);
  if (old) old.remove();
  const root = document.createElement('div');
  root.className = 'pwa-banner';
  root.setAttribute('role', 'status');
  root.dataset.banner = id;
  root.dataset.testid = `pwa-${id}`;
  const p = document.createElement('p');
  p.textContent = message;
  root.append(p);
  const close = () => {
    const hadFocus = root.contains(document.activeElement);
    root.remove();
    const main = document.querySelector('main');
    if (hadFocus && main) main.focus({ preventScroll: true });
  };
  const row = document.createElement('div');
  row.className = 'pwa-actions';
  for (const a of actions) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `btn btn-small${a.primary ? ' btn-primary' : ''}`;
    b.textContent = a.label;
    if (a.testid) b.dataset.testid = a.testid;
    b.addEventListener('click', async () => {
      close();
      if (a.run) await a.run();
    });
    row.append(b);
  }
  if (actions.length) root.append(row);
  box.append(root);
  return { close, root };
}

/**
 * Says something in passing: a toast that takes no clicks (it can sit
 * over the page without getting in the way) and goes by itself.
 * @param {string} id
 * @param {string} message
 * @param {number} [ms]
 */
export function toast(id, message, ms = 6000) {
  const old = document.querySelector(`.pwa-toast[data-testid="pwa-${id}"]`);
  if (old) old.remove();
  const t = document.createElement('div');
  t.className = 'pwa-toast';
  t.setAttribute('role', 'status');
  t.setAttribute('aria-live', 'polite');
  t.dataset.testid = `pwa-${id}`;
  // In the toasts' region at the bottom (index.html), clear of the errors
  // and banners at the top.
  (document.getElementById('toasts') || document.body).append(t);
  // Filled in a moment later, so that screen readers hear the change.
  setTimeout(() => (t.textContent = message), 50);
  setTimeout(() => t.classList.add('out'), ms);
  setTimeout(() => t.remove(), ms + 400);
}

// ---- the service worker -----------------------------------------------

let registration = null;
let reloadAsked = false;

function offlineReady() {
  toast('offline', 'Ready to work offline.');
}

/**
 * Offers the waiting worker. Nothing happens until the user presses
 * Reload; then the new worker takes over and this page reloads.
 * @param {ServiceWorker} worker
 */
function offerUpdate(worker) {
  const msg = editOpen() ? 'A new version is ready — reload when it suits you; your edit will be offered back.' : 'A new version is ready — reload to use it.';
  notify('update', msg, [
    {
      label: 'Reload',
      primary: true,
      testid: 'pwa-reload',
      run: () => {
        reloadAsked = true;
        worker.postMessage({ type: 'skip-waiting' });
      },
    },
    { label: 'Later', testid: 'pwa-later' },
  ]);
}

/**
 * Watches a worker that is installing: the first one means the app now
 * works offline; a later one is an update.
 * @param {ServiceWorker} worker
 */
const tracked = new WeakSet();
function track(worker) {
  // register() and updatefound can both hand over the same installing
  // worker: watch it once, or its toast shows twice.
  if (!worker || tracked.has(worker)) return;
  tracked.add(worker);
  const first = !navigator.serviceWorker.controller;
  const done = () => {
    if (worker.state !== 'installed') return false;
    if (first) offlineReady();
    else offerUpdate(worker);
    return true;
  };
  if (!done()) {
    worker.addEventListener('statechange', function on() {
      if (done()) worker.removeEventListener('statechange', on);
    });
  }
}

/**
 * Registers the service worker (once) and sets up the update prompt.
 * @returns {Promise<ServiceWorkerRegistration|null>}
 */
export async function register() {
  if (registration || !('serviceWorker' in navigator)) return registration;
  const sw = navigator.serviceWorker;
  let hadController = !!sw.controller;
  sw.addEventListener('controllerchange', () => {
    if (reloadAsked) {
      location.reload();
      return;
    }
    // Another tab let a new version in, or this is the very first one
    // taking over. Never reload on our own: offer it.
    if (hadController) {
      notify('update', 'Offcut was updated in another tab — reload to use the new version.', [
        { label: 'Reload', primary: true, testid: 'pwa-reload', run: () => location.reload() },
        { label: 'Later', testid: 'pwa-later' },
      ]);
    }
    hadController = true;
  });
  try {
    registration = await sw.register(SW_URL, { scope: APP_URL.pathname, updateViaCache: 'none' });
  } catch (err) {
    console.warn(`Offcut cannot work offline here: ${err.message}`);
    return null;
  }
  if (registration.waiting && sw.controller) offerUpdate(registration.waiting);
  track(registration.installing);
  registration.addEventListener('updatefound', () => track(registration.installing));
  // Look for a new version now and then, and whenever the app comes back.
  setInterval(checkForUpdate, HOUR);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') checkForUpdate();
  });
  return registration;
}

/** Asks the server for a newer sw.js (quietly: offline is fine). */
export async function checkForUpdate() {
  if (!registration) return;
  try {
    await registration.update();
  } catch {
    /* offline */
  }
}

/**
 * The build version of the worker controlling the page, or '' if none.
 * @returns {Promise<string>}
 */
export function controllerVersion() {
  const c = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!c) return Promise.resolve('');
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve((e.data && e.data.version) || '');
    c.postMessage({ type: 'version' }, [ch.port2]);
    setTimeout(() => resolve(''), 2000);
  });
}

// ---- files from the system --------------------------------------------

const pending = [];

/**
 * Hands files to the app; keeps them until it listens.
 * @param {{files: File[], mode: string, via: string}} detail
 */
function handOver(detail) {
  if (!detail.files.length) return;
  const ev = new CustomEvent('offcut:open-files', { detail, cancelable: true });
  if (window.dispatchEvent(ev)) pending.push(detail);
}
window.addEventListener('offcut:ready', () => {
  for (const d of pending.splice(0)) handOver(d);
});

/** Files opened with Offcut from the system (file_handlers). */
function consumeLaunches() {
  if (!('launchQueue' in window)) return;
  window.launchQueue.setConsumer(async (params) => {
    const hs = (params.files || []).filter((h) => h.kind === 'file');
    const files = (await Promise.all(hs.map((h) => rememberHandle(h).catch(() => null)))).filter(Boolean);
    handOver({ files, mode: launchMode(), via: 'launch' });
  });
}

/** Files shared to Offcut (share_target): the service worker kept them. */
async function takeShared() {
  const url = new URL(location.href);
  const id = url.searchParams.get('share-target');
  if (!('caches' in window)) return;
  if (id === null) {
    // Nothing shared now: drop what an earlier share left.
    caches.delete('offcut-shared').catch(() => {});
    return;
  }
  url.searchParams.delete('share-target');
  history.replaceState(history.state, '', url.href);
  const cache = await caches.open('offcut-shared');
  const prefix = new URL(`shared/${id}/`, APP_URL).href;
  const reqs = (await cache.keys()).filter((r) => r.url.startsWith(prefix));
  reqs.sort((a, b) => Number(a.url.slice(prefix.length)) - Number(b.url.slice(prefix.length)));
  const files = [];
  for (const r of reqs) {
    const res = await cache.match(r);
    if (!res) continue;
    const blob = await res.blob();
    const name = decodeURIComponent(res.headers.get('X-Name') || 'shared audio');
    files.push(new File([blob], name, { type: blob.type, lastModified: Number(res.headers.get('X-Last-Modified')) || Date.now() }));
  }
  if (!files.length) notify('share', 'Nothing to open: the shared items held no audio files.', [{ label: 'OK' }], { timeout: 8000 });
  handOver({ files, mode: launchMode(), via: 'share' });
}

register();
consumeLaunches();
takeShared().catch((err) => console.warn(`Could not open the shared files: ${err.message}`));
