// Member wallet (phone-sized): sign-in by phone code, the member QR refreshing every minute, balance, coupons, market, shop codes.
import { applyI18n, t } from './i18n.js';
import { get, post, h, say, session, key, fen } from './api.js';

let timer = null;
let expiresAt = 0;
let qrUrl = null;

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

async function render() {
  const [me, coupons, market, activity] = await Promise.all([get('/v1/members/me'), get('/v1/members/me/coupons'),
    get('/v1/members/me/coupon-market'), get('/v1/members/me/activity')]);
  document.getElementById('balance').textContent = me.availablePoints;
  const exp = activity.expiring || [];
  document.getElementById('expiring').replaceChildren(exp.length === 0 ? t('none') : h('ul', {}, exp.map((x) =>
    h('li', {}, `${x.expiresAt.slice(0, 10)}: ${x.points} ${t('points')}`))));
  document.getElementById('history').replaceChildren(...(activity.history || []).map((x) =>
    h('li', { 'data-points': x.points }, `${x.at.slice(0, 16).replace('T', ' ')}  ${x.shopName || x.code}  ${x.points > 0 ? '+' : ''}${x.points}`)));
  const cs = coupons.items || [];
  document.getElementById('coupons').replaceChildren(cs.length === 0 ? t('none') : h('ul', {}, cs.map((c) =>
    h('li', {}, `${c.campaignName} ${benefit(c.benefit)} · ${c.state} · `, h('code', {}, c.code)))));
  const offers = market.items || [];
  document.getElementById('market').replaceChildren(offers.length === 0 ? t('none') : h('ul', {}, offers.map((o) =>
    h('li', {}, `${o.name ?? o.campaignName ?? '#' + o.campaignId} ${benefit(o.benefit)} · ${o.marketPricePoints ?? o.pricePoints} ${t('points')} `,
      h('button', { class: 'secondary', onclick: () => exchange(o.campaignId ?? o.id) }, t('exchange'))))));
}

async function exchange(campaignId) {
  try { await post('/v1/members/me/coupon-market/exchange', { campaignId }, { 'Idempotency-Key': key() }); await render(); say(t('claimed')); } catch (e) { fail(e); }
}

document.getElementById('claim-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = document.getElementById('shop-code').value.trim();
  try {
    if (code.startsWith('LPS-')) await post('/v1/members/me/coupons/claim', { code });
    else await post('/v1/members/me/claims', { code });
    await render(); say(t('claimed'));
  } catch (err) { fail(err); }
});

if (session.get() && session.get().role === 'member') start().catch(fail);
