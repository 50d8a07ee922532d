// The wallet's service worker (scope /portal/): the wallet shell comes from a versioned cache first, so the wallet
// opens and makes codes with no network. API calls always go to the network and are never cached here (codes, uses
// and member data stay off the cache; the wallet keeps its own non-secret "as of" copy of the balance).
const CACHE = 'lp-wallet-v3';
const SHELL = ['/portal/wallet.html', '/portal/manifest.webmanifest', '/portal/app/style.css', '/portal/app/wallet.js',
  '/portal/app/api.js', '/portal/app/i18n.js', '/portal/app/lp2.js', '/portal/app/keystore.js', '/portal/app/qr.js',
  '/portal/app/code128.js', '/portal/app/inbox.js', '/portal/icons/wallet-192.png', '/portal/icons/wallet-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL.map((u) => new Request(u, { cache: 'reload' })))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('lp-wallet-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname)) {
    // Cache first; wallet.html?a=1 is the same shell.
    event.respondWith(caches.open(CACHE).then((c) => c.match(url.pathname).then((hit) => hit || fetch(event.request))));
  } else if (url.pathname.startsWith('/v1/')) {
    // Network first, nothing cached: offline, a problem+json the wallet understands ("show the last copy").
    event.respondWith(fetch(event.request).catch(() => new Response(JSON.stringify({ code: 'offline', title: 'Offline', status: 503 }),
      { status: 503, headers: { 'Content-Type': 'application/problem+json' } })));
  }
});

// Web Push (docs/notifications.md): the payload, decrypted by the browser, carries the words in both languages.
self.addEventListener('push', (event) => {
  let n = {};
  try { n = event.data ? event.data.json() : {}; } catch { /* not ours: show nothing special */ }
  const en = (self.navigator.language || '').toLowerCase().startsWith('en');
  const title = (en ? n.titleEn : n.titleZh) || '联点 Linkpoints';
  event.waitUntil(self.registration.showNotification(title, {
    body: (en ? n.bodyEn : n.bodyZh) || '', tag: n.eventId || undefined, icon: '/portal/icons/wallet-192.png',
    data: { url: '/portal/wallet.html#inbox', id: n.id }
  }));
});

// A click opens the wallet's inbox (an open wallet window if there is one).
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/portal/wallet.html#inbox';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    for (const w of windows) {
      if (w.url.includes('/portal/wallet.html')) { w.navigate(url).catch(() => {}); return w.focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
