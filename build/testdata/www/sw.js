// Service worker: precaches the build.
const PRECACHE = self.__PRECACHE__;
const VERSION = '__BUILD_VERSION__';
const CACHE = 'offcut-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});
