// Offcut's service worker: the whole app offline, updates only when asked.
//
// The build replaces self.__PRECACHE__ with the list of every asset (the
// wasm engine and wasm_exec.js included) and __BUILD_VERSION__ with a hash
// of them all, so every build installs a fresh, complete cache. A new
// worker waits until the page, on the user's click, posts 'skip-waiting'.

const VERSION = '__BUILD_VERSION__';
const ASSETS = self.__PRECACHE__;
const STATIC = `offcut-static-${VERSION}`;
const SHARED = 'offcut-shared'; // files handed over by the share target
const scope = self.registration.scope;
const SCOPE_PATH = new URL(scope).pathname;
const SHARE_PATH = new URL('share-target', scope).pathname;
const HASHED = /\.[0-9a-f]{8,12}\.[a-z0-9]+$/i;

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const cache = await caches.open(STATIC);
  await Promise.all(
    ASSETS.map(async (path) => {
      const url = new URL(path, scope).href;
      const hashed = HASHED.test(path);
      // A content-hashed file never changes: an older cache may have it.
      const old = hashed && (await caches.match(url));
      const res = old || (await fetch(url, { cache: hashed ? 'default' : 'no-cache' }));
      if (!res.ok) throw new Error(`precaching ${path}: HTTP ${res.status}`);
      await cache.put(url, res);
    }),
  );
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('offcut-static-') && name !== STATIC) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.type === 'skip-waiting') self.skipWaiting();
  if (msg.type === 'version' && event.ports[0]) event.ports[0].postMessage({ version: VERSION });
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(`${SCOPE_PATH}api/`)) return; // never cached, never touched
  if (req.method === 'POST' && url.pathname === SHARE_PATH) {
    event.respondWith(receiveShare(req));
    return;
  }
  if (req.method !== 'GET') return;
  event.respondWith(fromCache(req, url));
});

// fromCache answers from the precache: the app shell for navigations to
// the app (whatever the query, e.g. ?mode=join), the asset otherwise, and
// the network for anything the build did not list.
async function fromCache(req, url) {
  const cache = await caches.open(STATIC);
  const shell = req.mode === 'navigate' && (url.pathname === SCOPE_PATH || url.pathname === `${SCOPE_PATH}index.html`);
  const hit = await cache.match(shell ? new URL('index.html', scope).href : req);
  return hit || fetch(req);
}

// receiveShare keeps the shared audio files in a cache of their own and
// sends the browser on to the app, which takes them from there.
async function receiveShare(req) {
  let files = [];
  try {
    const form = await req.formData();
    files = form.getAll('audio').filter((f) => typeof f !== 'string');
  } catch {
    /* not a form: open the app without files */
  }
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await caches.delete(SHARED);
  const cache = await caches.open(SHARED);
  await Promise.all(
    files.map((f, i) =>
      cache.put(
        new URL(`shared/${id}/${i}`, scope).href,
        new Response(f, {
          headers: {
            'Content-Type': f.type || 'application/octet-stream',
            'X-Name': encodeURIComponent(f.name || `shared-${i + 1}`),
            'X-Last-Modified': String(f.lastModified || 0),
          },
        }),
      ),
    ),
  );
  return Response.redirect(new URL(`./?share-target=${id}`, scope).href, 303);
}
