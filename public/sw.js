// Offline after the first visit. Pages: network first, so a new deploy is seen at once; everything else
// (content-hashed assets, the icon): cache first. Only this origin's GET requests are touched.
const CACHE = 'nfplay-v1';

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  const store = (res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(req, copy));
    }
    return res;
  };
  if (req.mode === 'navigate') {
    // The fragment never reaches the server: one cached page serves every share link.
    event.respondWith(fetch(req).then(store).catch(() => caches.match(req, { ignoreSearch: true })));
    return;
  }
  event.respondWith(caches.match(req).then((hit) => hit ?? fetch(req).then(store)));
});
