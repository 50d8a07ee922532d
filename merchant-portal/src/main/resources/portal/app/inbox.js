// The wallet's inbox and notification settings (docs/notifications.md): the unread badge, the list (newest first,
// "more" pages back), mark one or all read; which groups reach the member and by which channel; and Web Push on this
// device, asked for only when the member clicks (the page works the same without push, or where the browser has none).
import { t, lang } from './i18n.js';
import { api, get, h, say } from './api.js';

const GROUPS = ['expiryReminders', 'pointsActivity', 'coupons', 'tiersAndRewards', 'marketing'];
let cursor = null;

export async function renderNotifications() {
  cursor = null;
  const [page, settings] = await Promise.all([get('/v1/members/me/notifications?limit=10'),
    get('/v1/members/me/notification-settings')]);
  document.getElementById('inbox').replaceChildren();
  showPage(page);
  renderSettings(settings);
}

function badge(unread) {
  const b = document.getElementById('unread-badge');
  b.textContent = String(unread);
  b.dataset.unread = String(unread);
  b.hidden = unread === 0;
}

function showPage(page) {
  badge(page.unreadCount);
  const list = document.getElementById('inbox');
  for (const n of page.items) list.append(line(n));
  if (!list.children.length) list.append(h('li', { class: 'msg', id: 'inbox-empty' }, t('inboxEmpty')));
  cursor = page.nextCursor;
  document.getElementById('inbox-more').hidden = cursor === null;
}

function line(n) {
  const en = lang() === 'en';
  const li = h('li', { class: n.readAt ? 'note read' : 'note unread', 'data-id': n.id, 'data-kind': n.kind },
    h('strong', {}, en ? n.titleEn : n.titleZh), h('br'), h('span', {}, en ? n.bodyEn : n.bodyZh), ' ',
    h('small', { class: 'msg' }, new Date(n.createdAt).toLocaleString(document.documentElement.lang)));
  if (!n.readAt) {
    li.append(' ', h('button', { type: 'button', class: 'secondary mark-read', onclick: () => markRead(n.id, li) }, t('markRead')));
  }
  return li;
}

async function markRead(id, li) {
  try {
    const r = await api('POST', `/v1/members/me/notifications/${id}/read`);
    li.className = 'note read';
    li.querySelector('.mark-read')?.remove();
    badge(r.unreadCount);
  } catch (e) { say(e.message, true); }
}

document.getElementById('inbox-more').addEventListener('click', async () => {
  try { showPage(await get(`/v1/members/me/notifications?limit=10&cursor=${cursor}`)); } catch (e) { say(e.message, true); }
});

document.getElementById('read-all').addEventListener('click', async () => {
  try {
    await api('POST', '/v1/members/me/notifications/read-all');
    document.querySelectorAll('#inbox .note.unread').forEach((li) => { li.className = 'note read'; li.querySelector('.mark-read')?.remove(); });
    badge(0);
  } catch (e) { say(e.message, true); }
});

function renderSettings(s) {
  for (const g of GROUPS) document.getElementById(`ns-${g}`).checked = s.groups[g];
  document.getElementById('ns-allOff').checked = s.allOff;
  document.getElementById('ns-push').checked = s.channels.push;
  document.getElementById('ns-sms').checked = s.channels.sms;
  document.getElementById('ns-sms').disabled = !s.smsAvailable;
  const form = document.getElementById('notify-settings');
  form.dataset.allOff = String(s.allOff);
  form.classList.toggle('all-off', s.allOff);
}

document.getElementById('notify-settings').addEventListener('submit', async (e) => {
  e.preventDefault();
  const groups = {};
  for (const g of GROUPS) groups[g] = document.getElementById(`ns-${g}`).checked;
  const body = { allOff: document.getElementById('ns-allOff').checked, groups,
    channels: { push: document.getElementById('ns-push').checked, sms: document.getElementById('ns-sms').checked } };
  try {
    renderSettings(await api('PUT', '/v1/members/me/notification-settings', body));
    say(t('saved'), false, document.getElementById('ns-msg'));
  } catch (err) { say(err.message, true, document.getElementById('ns-msg')); }
});

// Web Push on this device: only on the member's click (browsers require a gesture, and asking unprompted is rude).
const pushButton = document.getElementById('enable-push');
const pushSupported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
pushButton.hidden = !pushSupported;
pushButton.addEventListener('click', async () => {
  const msg = document.getElementById('push-msg');
  try {
    if (await Notification.requestPermission() !== 'granted') { say(t('pushDenied'), true, msg); return; }
    const { publicKey } = await get('/v1/members/me/push/vapid-public-key');
    const reg = await navigator.serviceWorker.ready;
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64(publicKey) });
    await api('POST', '/v1/members/me/push/subscriptions', sub.toJSON());
    say(t('pushOn'), false, msg);
  } catch (e) { say(e.message, true, msg); }
});

function urlBase64(s) {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}
