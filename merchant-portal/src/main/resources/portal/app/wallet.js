// Member wallet (phone-sized): sign-in by phone code, the member QR refreshing every minute, balance, coupons (each with
// its QR, drawn by the server), market, shop codes (typed, or a photo whose QR the server reads).
import { applyI18n, t } from './i18n.js';
import { get, post, h, say, session, key, fen, ApiError } from './api.js';

let timer = null;
let expiresAt = 0;
let qrUrl = null;
const couponQrUrls = new Map(); // coupon id -> object URL of its QR (a coupon's code never changes)

applyI18n(() => { if (session.get()) render().catch(fail); });
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
    await start();
  } catch (err) { fail(err); }
});

document.getElementById('sign-out').addEventListener('click', () => { session.clear(); clearInterval(timer); location.reload(); });

async function start() {
  document.getElementById('signin').hidden = true;
  document.getElementById('home').hidden = false;
  document.getElementById('sign-out').hidden = false;
  await Promise.all([refreshCode(), render()]);
  clearInterval(timer);
  timer = setInterval(tick, 1000);
}

function tick() {
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  document.getElementById('countdown').textContent = left;
  if (left <= 0) refreshCode().catch(fail);
}

// A fresh code every minute (the code lives 60 s and is accepted once); the SVG is drawn by the server with ZXing.
async function refreshCode() {
  expiresAt = Date.now() + 60000;
  const res = await fetch('/v1/members/me/code?format=svg', { headers: { Authorization: 'Bearer ' + session.get().token } });
  if (!res.ok) { if (res.status === 401) { session.clear(); location.reload(); } throw new Error('HTTP ' + res.status); }
  const until = Date.parse(res.headers.get('X-Code-Expires-At') || '');
  if (!Number.isNaN(until)) expiresAt = Math.min(Date.now() + 60000, until - 2000);
  const blob = await res.blob();
  const img = document.getElementById('member-qr');
  const old = qrUrl;
  qrUrl = URL.createObjectURL(blob);
  img.onload = () => { img.dataset.loadedAt = String(Date.now()); };
  img.src = qrUrl;
  if (old) URL.revokeObjectURL(old);
  document.getElementById('countdown').textContent = Math.round((expiresAt - Date.now()) / 1000);
}

function benefit(b) {
  if (!b) return '';
  if (b.kind === 'fixed_off') return `-¥${fen(b.amountFen)}`;
  if (b.kind === 'percent_off') return `-${b.percent}%`;
  return b.giftName || '';
}

const DEBT_CODES = new Set(['pos_refund', 'pos_recovery']);

async function render() {
  const [me, coupons, market, activity] = await Promise.all([get('/v1/members/me'), get('/v1/members/me/coupons'),
    get('/v1/members/me/coupon-market'), get('/v1/members/me/activity')]);
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
    h('li', { 'data-points': x.points }, `${x.at.slice(0, 16).replace('T', ' ')}  ${x.shopName || x.code}${DEBT_CODES.has(x.code) ? ' · ' + t(x.code) : ''}  ${x.points > 0 ? '+' : ''}${x.points}`)));
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

if (session.get() && session.get().role === 'member') start().catch(fail);
