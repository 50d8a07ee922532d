// Member wallet (phone-sized, installable, works offline): sign-in by phone code binds this phone as a device whose
// HMAC key (non-extractable, in IndexedDB) makes LP2 member codes with no network; balance, history, coupons, market,
// shop codes (typed, or a photo whose QR the server reads), the member's tier and progress, the inbox and notification
// settings (app/inbox.js). Offline, the last online balance shows "as of".
import { applyI18n, t, tf, lang } from './i18n.js';
import { api, get, post, h, say, session, key, fen, ApiError } from './api.js';
import { lp2Code, importSecret, fromBase64Url, stepAt, groups, STEP_SECONDS, MAX_COUNTER } from './lp2.js';
import { loadDevice, saveDevice, dropDevice } from './keystore.js';
import { qrSvg } from './qr.js';
import { code128Svg } from './code128.js';
import { walletRewards } from './rewards.js';
import { renderNotifications } from './inbox.js';
import { walletCards } from './passports.js';
import { walletPrivacy } from './privacy.js';

const couponQrUrls = new Map(); // coupon id -> object URL of its QR (a coupon's code never changes)
const SNAPSHOT = 'lp.wallet.snapshot'; // last online balance/history (no secrets), for offline "as of"
const CLOCK = 'lp.wallet.clockOffsetMs'; // server clock minus this phone's clock

let device = null; // {deviceId, key: CryptoKey, allianceId, memberId, label}
let shown = { step: -1, counter: 0, code: '' };
let drawing = 0;
let timers = [];

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/portal/sw.js', { scope: '/portal/' }).catch(() => {});
  navigator.serviceWorker.ready.then(() => { document.body.dataset.sw = 'ready'; });
}

applyI18n(() => { if (device) { renderDigits(); if (session.get()) render().catch(renderOffline); else renderOffline(); } });
function fail(e) { say(e.message, true); }

const params = new URLSearchParams(location.search);
if (params.get('a')) document.getElementById('alliance').value = params.get('a');

document.getElementById('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const a = Number(document.getElementById('alliance').value);
  try {
    await post(`/v1/alliances/${a}/members/sign-in/code`, { phone: document.getElementById('phone').value.trim() });
    say(t('codeSent'));
    document.getElementById('code').focus();
  } catch (err) { fail(err); }
});

document.getElementById('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const a = Number(document.getElementById('alliance').value);
  try {
    const r = await post(`/v1/alliances/${a}/members/sign-in`, { phone: document.getElementById('phone').value.trim(),
      code: document.getElementById('code').value.trim() });
    session.set({ token: r.accessToken, role: 'member', allianceId: a, memberId: r.member.id });
    say('');
    await bindDevice();
    await start();
  } catch (err) { fail(err); }
});

// Sign-out revokes this phone's device on the server (when it can) and forgets the key here.
document.getElementById('sign-out').addEventListener('click', async () => {
  if (device && session.get()) await api('DELETE', `/v1/members/me/devices/${device.deviceId}`).catch(() => {});
  await forget();
  location.reload();
});

async function forget() {
  stop();
  device = null;
  await dropDevice().catch(() => {});
  session.clear();
  localStorage.removeItem(SNAPSHOT);
}

function stop() { timers.forEach(clearInterval); timers = []; }

/** A short label for the device list: browser and system, never anything identifying. */
function deviceLabel() {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  const browser = /MicroMessenger/.test(ua) ? 'WeChat' : /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome'
    : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  return os ? `${browser} · ${os}` : browser;
}

// After sign-in: keep this phone's key if it is the same member's and still active, else bind a new device. The secret
// goes straight into a non-extractable CryptoKey; its bytes are wiped and never stored.
async function bindDevice() {
  const s = session.get();
  const kept = await loadDevice();
  if (kept && kept.allianceId === s.allianceId && kept.memberId === s.memberId) {
    const { items } = await get('/v1/members/me/devices');
    if (items.some((d) => d.id === kept.deviceId && !d.revokedAt)) { device = kept; return; }
  }
  if (kept) await dropDevice();
  const label = deviceLabel();
  const r = await post('/v1/members/me/devices', { label });
  const secret = fromBase64Url(r.secret);
  const cryptoKey = await importSecret(secret);
  secret.fill(0);
  device = { deviceId: r.device.id, key: cryptoKey, allianceId: s.allianceId, memberId: s.memberId, label, boundAt: new Date().toISOString() };
  await saveDevice(device);
}

function showHome(on) {
  document.getElementById('signin').hidden = on;
  document.getElementById('home').hidden = !on;
  document.getElementById('sign-out').hidden = !on;
}

async function start() {
  showHome(true);
  stop();
  await drawCode();
  timers.push(setInterval(tick, 1000));
  if (session.get()) {
    timers.push(setInterval(pollUses, 2000));
    timers.push(setInterval(syncClock, 60000));
    syncClock();
    await Promise.all([render().catch(renderOffline), renderDevices().catch(() => {})]);
  } else {
    renderOffline();
    document.getElementById('signin').hidden = false; // to refresh the balance, sign in again (this phone's key is kept)
    say(t('signInToRefresh'));
  }
}

// The phone's clock may be off: the server's Date header (whole seconds, so +0.5 s) against the local mid-request time.
async function syncClock() {
  try {
    const t0 = Date.now();
    const res = await fetch('/portal/sw.js', { cache: 'no-store' }); // small, never from the worker's cache
    const t1 = Date.now();
    const server = Date.parse(res.headers.get('Date') || '');
    if (!Number.isNaN(server)) localStorage.setItem(CLOCK, String(Math.round(server + 500 - (t0 + t1) / 2)));
  } catch { /* offline: keep the last offset */ }
}

function now() {
  const offset = Number(localStorage.getItem(CLOCK)) || 0;
  return Date.now() + (Math.abs(offset) > 1500 ? offset : 0); // under 1.5 s is the Date header's own rounding
}

function tick() {
  const t = now();
  const step = stepAt(t);
  document.getElementById('countdown').textContent = STEP_SECONDS - Math.floor((t / 1000) % STEP_SECONDS);
  if (step !== shown.step) drawCode().catch(fail);
}

// Draws the code of the current step and `counter` (0 when the step changed): QR, Code 128 and the digits. Each module
// is a whole number of device pixels so no edge is blurred.
async function drawCode(counter = 0) {
  if (!device) return;
  const mine = ++drawing;
  const step = stepAt(now());
  const code = await lp2Code(device.key, device.deviceId, step, counter);
  if (mine !== drawing) return;
  shown = { step, counter, code };
  const dpr = window.devicePixelRatio || 1;
  const room = Math.min(window.innerWidth - 40, 400);
  const qrPx = Math.max(6, Math.floor((Math.min(room, 300) * dpr) / 29));
  const barPx = Math.max(2, Math.floor((room * dpr) / 165));
  const qr = qrSvg(code, qrPx, dpr);
  qr.id = 'member-qr';
  const bar = code128Svg(code, barPx, 64, dpr);
  bar.id = 'member-barcode';
  const box = document.getElementById('member-code');
  box.replaceChildren(qr, bar);
  Object.assign(box.dataset, { code, step: String(step), counter: String(counter), drawnAt: String(Date.now()) });
  renderDigits();
  document.getElementById('next-code').disabled = counter >= MAX_COUNTER;
  tick();
}

function renderDigits() {
  document.getElementById('code-digits').textContent = shown.code ? groups(shown.code) : '';
}

// "Next code": the same step, the next counter, so a second sale in the same half-minute works, offline too.
document.getElementById('next-code').addEventListener('click', () => {
  if (shown.counter < MAX_COUNTER) drawCode(shown.counter + 1).catch(fail);
  else say(t('lastCode'), true);
});

// Online, while the code is on screen: once the till has used the shown code, move on to the next counter. Every
// 10 s the device list too, so a phone revoked from elsewhere drops its key.
let polls = 0;
async function pollUses() {
  if (!device || !session.get() || document.visibilityState !== 'visible' || document.getElementById('home').hidden) return;
  try {
    if (++polls % 5 === 0) await renderDevices();
    if (!device) return;
    const { items } = await get(`/v1/members/me/devices/${device.deviceId}/uses`);
    const used = items.filter((u) => u.step === shown.step).map((u) => u.counter);
    if (used.includes(shown.counter)) {
      const next = Math.max(...used) + 1;
      if (next <= MAX_COUNTER) await drawCode(next); else say(t('lastCode'), true);
    }
  } catch (e) { await maybeRevoked(e); }
}

async function maybeRevoked(e) {
  if (e instanceof ApiError && e.code === 'device_not_found') await revokedHere();
  else if (e instanceof ApiError && e.status === 401) { document.getElementById('signin').hidden = false; say(t('signInToRefresh')); }
}

async function revokedHere() {
  await forget();
  showHome(false);
  document.getElementById('member-code').replaceChildren();
  say(t('deviceRevoked'), true);
}

// The member's devices, this phone marked; another (a lost phone) can be revoked here.
async function renderDevices() {
  const { items } = await get('/v1/members/me/devices');
  const mine = items.find((d) => d.id === device.deviceId);
  if (!mine || mine.revokedAt) { await revokedHere(); return; }
  const when = (iso) => iso ? iso.slice(0, 16).replace('T', ' ') : t('never');
  document.getElementById('devices').replaceChildren(...items.map((d) => {
    const li = h('li', { id: `device-${d.id}`, 'data-this': d.id === device.deviceId ? '1' : null, 'data-revoked': d.revokedAt ? '1' : null },
      `${d.label || '#' + d.id} · ${d.revokedAt ? t('revokedAt') + ' ' + when(d.revokedAt) : t('lastUsed') + ' ' + when(d.lastUsedAt)}`);
    if (d.id === device.deviceId) li.append(h('span', { class: 'this' }, t('thisPhone')));
    else if (!d.revokedAt) {
      li.append(' ', h('button', { class: 'secondary', id: `revoke-${d.id}`, onclick: async () => {
        try { await api('DELETE', `/v1/members/me/devices/${d.id}`); await renderDevices(); } catch (err) { fail(err); }
      } }, t('revoke')));
    }
    return li;
  }));
}

function benefit(b) {
  if (!b) return '';
  if (b.kind === 'fixed_off') return `-¥${fen(b.amountFen)}`;
  if (b.kind === 'percent_off') return `-${b.percent}%`;
  return b.giftName || '';
}

// History lines named after their kind: refund debts, and a shop's bonuses (docs/promotions.md).
const LABELLED_CODES = new Set(['pos_refund', 'pos_recovery', 'pos_promotion', 'pos_bounty', 'pos_tier_alliance', 'pos_tier_shop',
  'reward_welcome', 'reward_birthday', 'passport_reward']);
// Welcome and birthday rewards: the birthday (set once) and the rewards received.
const rewards = walletRewards();
// Consent to share visits, and closing the account: once closed, this phone forgets the member (its device is revoked).
const privacy = walletPrivacy(async () => { stop(); device = null; await dropDevice().catch(() => {}); session.clear();
  localStorage.removeItem(SNAPSHOT); });

async function render() {
  const [me, coupons, market, activity, tier] = await Promise.all([get('/v1/members/me'), get('/v1/members/me/coupons'),
    get('/v1/members/me/coupon-market'), get('/v1/members/me/activity'), myTier(), rewards.load()]);
  localStorage.setItem(SNAPSHOT, JSON.stringify({ memberId: device?.memberId ?? me.id, at: new Date().toISOString(),
    me: { availablePoints: me.availablePoints, owedPoints: me.owedPoints }, activity }));
  const asOf = document.getElementById('as-of');
  asOf.hidden = true;
  delete asOf.dataset.asOf;
  renderBalance(me, activity);
  renderCoupons(coupons, market);
  renderTier(tier);
  await walletCards();
  await privacy.load().catch((e) => say(e.message, true));
  // The inbox and settings after the rest: a failure there must not hide the balance.
  await renderNotifications().catch((e) => say(e.message, true));
}

// The member's tier, or null when the alliance has none (404 tiers_not_defined): then nothing is shown.
async function myTier() {
  try { return await get('/v1/members/me/tier'); } catch (e) { if (e.code === 'tiers_not_defined') return null; throw e; }
}

// Tier name in the page's language, the window's figures, what the next level still needs, and a pending downgrade
// (its instant in the phone's own zone, with the time: a grace ends at the instant of the review that set it, plus its days).
function renderTier(x) {
  const section = document.getElementById('tier-section');
  section.hidden = !x;
  if (!x) return;
  const name = (l) => (lang() === 'en' ? l.nameEn : l.nameZh);
  const spend = x.basis === 'spend_fen';
  const amount = (n) => (spend ? `¥${fen(n)}` : `${n} ${t('points')}`);
  const lines = [h('div', { id: 'tier-name', class: 'tier-name', 'data-tier': x.tier ? x.tier.id : '' }, x.tier ? name(x.tier) : t('noTierYet')),
    h('p', { id: 'tier-figures', 'data-points': x.figures.points, 'data-spend': x.figures.spendFen, 'data-shops': x.figures.shops },
      `${tf('inWindow', { d: x.windowDays })}: ${spend ? t('figSpend') + ' ¥' + fen(x.figures.spendFen) : t('figPoints') + ' ' + x.figures.points}`
      + ` · ${t('figShops')} ${x.figures.shops}`)];
  if (x.next) {
    const parts = [x.missing > 0 ? amount(x.missing) : '', x.missingShops > 0 ? tf('shopsMore', { n: x.missingShops }) : ''].filter(Boolean);
    lines.push(h('p', { id: 'tier-next', 'data-missing': x.missing, 'data-missing-shops': x.missingShops },
      `${tf('toNext', { name: name(x.next) })}: ${parts.join(' + ')}`));
  } else {
    lines.push(h('p', { id: 'tier-next', 'data-top': '1' }, t('topTier')));
  }
  if (x.graceUntil) {
    lines.push(h('p', { id: 'tier-grace', class: 'msg bad', 'data-until': x.graceUntil },
      tf('graceUntil', { d: new Date(x.graceUntil).toLocaleString(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' }) })));
  }
  // The tier's perks: the alliance fund's multiplier everywhere, each shop's own multiplier and tier-only coupons.
  const perks = x.perks || { shops: [] };
  const items = [];
  if (perks.allianceMultiplierPermille) {
    items.push(h('li', { id: 'tier-perk-alliance', 'data-permille': perks.allianceMultiplierPermille },
      tf('perkAlliance', { m: perks.allianceMultiplierPermille / 1000 })));
  }
  for (const sp of perks.shops) {
    const parts = [sp.multiplierPermille ? `×${sp.multiplierPermille / 1000}` : '', ...sp.coupons.map((c) => `${t('tierCoupon')}: ${c.name}`)];
    items.push(h('li', { class: 'tier-perk-shop', 'data-shop': sp.shopId, 'data-permille': sp.multiplierPermille || '' },
      `${sp.shopName}: ${parts.filter(Boolean).join(' · ')}`));
  }
  if (items.length) lines.push(h('p', { class: 'hint' }, t('tierPerks')), h('ul', { id: 'tier-perks' }, ...items));
  document.getElementById('tier').replaceChildren(...lines);
}

// No network (or no session): the last online copy, marked "as of" its time.
function renderOffline(e) {
  if (e instanceof ApiError && e.status !== 503) { fail(e); return; }
  let snap = null;
  try { snap = JSON.parse(localStorage.getItem(SNAPSHOT)); } catch { /* none */ }
  if (!snap || (device && snap.memberId !== device.memberId)) return;
  const asOf = document.getElementById('as-of');
  asOf.hidden = false;
  asOf.dataset.asOf = snap.at;
  asOf.textContent = `${t('asOf')} ${new Date(snap.at).toLocaleString(document.documentElement.lang)} · ${t('offline')}`;
  renderBalance(snap.me, snap.activity);
}

function renderBalance(me, activity) {
  document.getElementById('balance').textContent = me.availablePoints;
  // Points a refund could not take back (already spent): owed, repaid first from the next earnings.
  document.getElementById('owed').textContent = me.owedPoints ?? 0;
  document.getElementById('owed-line').hidden = !(me.owedPoints > 0);
  document.getElementById('debts').replaceChildren(...(activity.debts || []).map((d) =>
    h('li', { 'data-owed': d.owedPoints }, `${d.shopName}: ${d.owedPoints} ${t('points')} (${d.recoveredPoints} / ${d.shortfallPoints})`)));
  const exp = activity.expiring || [];
  document.getElementById('expiring').replaceChildren(exp.length === 0 ? t('none') : h('ul', {}, exp.map((x) =>
    h('li', {}, `${x.expiresAt.slice(0, 10)}: ${x.points} ${t('points')}`))));
  document.getElementById('history').replaceChildren(...(activity.history || []).map((x) =>
    h('li', { 'data-points': x.points }, `${x.at.slice(0, 16).replace('T', ' ')}  ${x.shopName || (x.code.startsWith('reward_') ? t('fund') : x.code)}${LABELLED_CODES.has(x.code) ? ' · ' + t(x.code.startsWith('reward_') ? 'reward_code_' + x.code.slice(7) : x.code) : ''}  ${x.points > 0 ? '+' : ''}${x.points}`)));
}

function renderCoupons(coupons, market) {
  const cs = coupons.items || [];
  document.getElementById('coupons').replaceChildren(cs.length === 0 ? t('none') : h('ul', { class: 'coupon-list' }, cs.map((c) =>
    h('li', { id: `coupon-${c.id}`, 'data-state': c.state }, `${c.campaignName} ${benefit(c.benefit)} · ${c.state} · `,
      h('code', {}, c.code), c.state === 'issued' ? couponQr(c) : ''))));
  const offers = market.items || [];
  document.getElementById('market').replaceChildren(offers.length === 0 ? t('none') : h('ul', {}, offers.map((o) =>
    h('li', {}, `${o.name ?? o.campaignName ?? '#' + o.campaignId} ${benefit(o.benefit)} · ${o.marketPricePoints ?? o.pricePoints} ${t('points')} `,
      h('button', { class: 'secondary', onclick: () => exchange(o.campaignId ?? o.id) }, t('exchange'))))));
}

// A usable coupon's QR: the SVG the server draws with ZXing from the coupon's code, fetched with the token once.
function couponQr(c) {
  const img = h('img', { id: `coupon-qr-${c.id}`, class: 'coupon-qr', alt: c.code, 'data-code': c.code });
  img.onload = () => { img.dataset.loadedAt = String(Date.now()); };
  const cached = couponQrUrls.get(c.id);
  if (cached) { img.src = cached; return img; }
  fetch(`/v1/members/me/coupons/${c.id}/qr?format=svg`, { headers: { Authorization: 'Bearer ' + session.get().token } })
    .then((res) => { if (!res.ok) throw new Error('HTTP ' + res.status); return res.blob(); })
    .then((blob) => { if (!couponQrUrls.has(c.id)) couponQrUrls.set(c.id, URL.createObjectURL(blob)); img.src = couponQrUrls.get(c.id); })
    .catch(fail);
  return img;
}

async function exchange(campaignId) {
  try { await post('/v1/members/me/coupon-market/exchange', { campaignId }, { 'Idempotency-Key': key() }); await render(); say(t('claimed')); } catch (e) { fail(e); }
}

function scanSay(text, bad = false, result = '') {
  const el = document.getElementById('scan-msg');
  say(text, bad, el);
  el.dataset.result = result;
}

// Claims a shop code, whichever kind it is: LPS1: brings points, LPS- a coupon. The same member again: "already claimed".
async function claimCode(code) {
  if (code.startsWith('LPS-')) {
    const r = await post('/v1/members/me/coupons/claim', { code });
    await render();
    if (r.alreadyClaimed) scanSay(t('alreadyClaimed'), true, 'already');
    else scanSay(t('couponClaimed'), false, 'coupon');
  } else if (code.startsWith('LPS1:')) {
    const r = await post('/v1/members/me/claims', { code });
    await render();
    if (r.alreadyClaimed) scanSay(t('alreadyClaimed'), true, 'already');
    else scanSay(t('pointsClaimed').replace('{n}', r.points), false, 'points');
  } else {
    scanSay(t('notAShopCode'), true, 'not_a_shop_code');
  }
}

const CLAIM_ERRORS = { code_already_used: 'usedByOther', claim_code_used: 'usedByOther', code_expired: 'codeExpired',
  code_invalid: 'notAShopCode', claim_code_invalid: 'notAShopCode', qr_not_found: 'noQrFound', image_unreadable: 'imageUnreadable' };

function claimFailed(err) {
  if (err instanceof ApiError && CLAIM_ERRORS[err.code]) scanSay(t(CLAIM_ERRORS[err.code]), true, err.code);
  else scanSay(err.message, true, 'error');
}

document.getElementById('claim-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try { await claimCode(document.getElementById('shop-code').value.trim()); } catch (err) { claimFailed(err); }
});

// A photo (on a phone the camera opens): the server reads its QR code with ZXing, then the wallet claims what it says.
const MAX_UPLOAD = 1900 * 1024;

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

// A small PNG or JPEG (at most 2000 px) goes as it is; anything else, a camera photo say, is scaled to at most
// 2000 px and sent as JPEG under 2 MB.
async function photoData(file) {
  const bitmap = await createImageBitmap(file).catch(() => { throw new ApiError(422, 'image_unreadable'); });
  if (Math.max(bitmap.width, bitmap.height) <= 2000 && file.size <= MAX_UPLOAD && /^image\/(png|jpeg)$/.test(file.type)) {
    bitmap.close();
    return dataUrl(file);
  }
  const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  for (const quality of [0.9, 0.75, 0.6]) {
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob && blob.size <= MAX_UPLOAD) return dataUrl(blob);
  }
  throw new ApiError(422, 'image_unreadable');
}

document.getElementById('scan-photo').addEventListener('change', async (e) => {
  const input = e.target;
  const file = input.files && input.files[0];
  if (!file) return;
  scanSay(t('reading'), false, 'reading');
  try {
    const image = await photoData(file);
    const { text } = await post('/v1/members/me/scan', { image });
    await claimCode(text);
  } catch (err) {
    claimFailed(err);
  } finally {
    input.value = ''; // the same photo may be chosen again
  }
});

// Opening: this phone's key shows codes at once, online or not; a session (same tab) also refreshes the rest.
(async () => {
  device = await loadDevice().catch(() => null);
  const s = session.get();
  if (device && s && (s.role !== 'member' || s.memberId !== device.memberId)) session.clear();
  if (device) await start();
  else if (s && s.role === 'member') { await bindDevice(); await start(); }
})().catch(fail);
