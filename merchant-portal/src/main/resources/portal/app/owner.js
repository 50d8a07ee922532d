// Merchant portal: owner (everything) and cashier (dashboard, campaigns, promotions and earn rule read-only).
import { applyI18n, t } from './i18n.js';
import { get, post, api, h, table, say, session, requireRole, fen, downloadCsv } from './api.js';
import { bars } from './chart.js';
import { memberPhones } from './member-phones.js';
import { promotions } from './promotions.js';
import { ownerRewards } from './rewards.js';
import { tierPerks } from './tier-perks.js';
import { ownerPassports } from './passports.js';
import { webhooks } from './webhooks.js';
import { ownerAdjustments } from './adjustments.js';
import { memberImport } from './imports.js';
import { ownerExitNotice } from './shop-exit.js';

const s = requireRole(['owner', 'cashier']);
const base = s ? `/v1/alliances/${s.allianceId}/shops/${s.shopId}` : '';
const isOwner = s && s.role === 'owner';
let shops = [];
let campaigns = [];

document.getElementById('sign-out').addEventListener('click', () => { session.clear(); location.href = '/portal/login.html'; });
if (!isOwner) for (const el of document.querySelectorAll('.owner-only')) el.hidden = true;
// Owners revoke a member's lost phone at the member's request; cashiers get no such section.
const phones = isOwner ? memberPhones(document.getElementById('member-phones'), { allianceId: s.allianceId, base: `${base}/member-devices` }) : null;
const promos = s ? promotions({ base, isOwner }) : null;
// Cashiers may not read the rewards rules: the section is the owner's.
const rewards = isOwner ? ownerRewards(`/v1/alliances/${s.allianceId}`, s.shopId) : null;
const perks = s ? tierPerks({ A: `/v1/alliances/${s.allianceId}`, base, shopId: s.shopId, isOwner }) : null;
const passports = isOwner ? ownerPassports(base) : null;
// The shop's webhook endpoints (owners only): the alliance path, the server keeps an owner to its shop's.
const hooks = isOwner ? webhooks(document.getElementById('webhooks'), `/v1/alliances/${s.allianceId}`) : null;
// Points adjustments: owners and cashiers propose (a cashier's always waits for the admin).
const adjustments = s ? ownerAdjustments(document.getElementById('adjustments'), base, `/v1/alliances/${s.allianceId}`) : null;
const importer = isOwner ? memberImport(document.getElementById('member-import'), base) : null;
// While the shop is leaving the alliance, the owner sees when and what it means.
const exitNotice = isOwner ? ownerExitNotice(document.getElementById('exit-banner'), base) : null;
applyI18n(render);

function shopName(id) { const x = shops.find((sh) => sh.id === id); return x ? x.name : '#' + id; }

function render() {
  renderCampaigns();
  renderOverlap();
  if (phones) phones.render();
  if (promos) promos.render();
  if (rewards) rewards.render();
  if (perks) perks.render();
  if (hooks) hooks.render();
  if (adjustments) adjustments.render();
  if (importer) importer.render();
  if (exitNotice) exitNotice.render();
}

async function load() {
  document.getElementById('who').textContent = `${s.username} (${s.role})`;
  shops = (await get(`/v1/alliances/${s.allianceId}/shops`)).items;
  document.getElementById('shop-name').textContent = shopName(s.shopId);
  const partner = document.getElementById('c-partner');
  partner.replaceChildren(...shops.filter((x) => x.id !== s.shopId).map((x) => h('option', { value: x.id }, x.name)));
  await Promise.all([loadCampaigns(), loadRule(), promos.load(), perks.load(), isOwner ? loadOwnerOnly() : null,
    rewards ? rewards.load() : null, passports ? passports.load() : null, hooks ? hooks.load() : null,
    adjustments ? adjustments.load() : null, exitNotice ? exitNotice.load() : null]);
  if (isOwner) {
    liveFeed(); weekly().catch((e) => say(e.message, true)); loadStatementPeriods().catch((e) => say(e.message, true));
    overlap().catch((e) => say(e.message, true));
  }
}

// Where this shop's customers also shop: counts per other shop (never who), over a range of days (default 90).
let overlapData = null;
async function overlap() {
  const from = document.getElementById('ov-from').value, to = document.getElementById('ov-to').value;
  const q = [from && 'from=' + from, to && 'to=' + to].filter(Boolean).join('&');
  overlapData = await get(`${base}/customer-overlap${q ? '?' + q : ''}`);
  document.getElementById('ov-from').value = overlapData.from;
  document.getElementById('ov-to').value = overlapData.to;
  renderOverlap();
}

function renderOverlap() {
  if (!overlapData) return;
  const list = overlapData.shops || [];
  const view = document.getElementById('overlap-chart');
  view.dataset.customers = overlapData.customers;
  view.replaceChildren(h('p', {}, `${t('customersHere')}: ${overlapData.customers}`),
    list.length ? bars(list.map((x) => x.name), [{ name: t('overlapMembers'), color: '#8e44ad', values: list.map((x) => x.members) }])
      : t('none'),
    list.length ? h('table', { id: 'overlap-table' }, h('thead', {}, h('tr', {}, [t('name'), t('overlapMembers'), t('issued'), t('redeemed')].map((x) => h('th', {}, x)))),
      h('tbody', {}, list.map((x) => h('tr', { 'data-shop': x.shopId, 'data-members': x.members },
        h('td', {}, x.name), h('td', { class: 'num' }, String(x.members)), h('td', { class: 'num' }, String(x.earned)),
        h('td', { class: 'num' }, String(x.spent)))))) : '');
}

document.getElementById('overlap-form').addEventListener('submit', (e) => {
  e.preventDefault();
  overlap().catch((err) => say(err.message, true));
});

async function loadOwnerOnly() {
  const [liability, customers, terminals] = await Promise.all([get(`${base}/liability`), get(`${base}/customers?limit=50`),
    get(`${base}/terminals`)]);
  const mine = (liability.shops || []).find((x) => x.shopId === s.shopId) || { outstandingPoints: 0, expiring: [] };
  document.getElementById('outstanding').textContent = mine.outstandingPoints;
  const e30 = (mine.expiring || []).find((x) => x.withinDays === 30);
  document.getElementById('expiring').textContent = e30 ? e30.points : 0;
  document.getElementById('customer-list').replaceChildren(customers.items.length === 0 ? t('none') : table(
    [t('member'), t('phone'), t('lastVisit'), '#'],
    customers.items.map((c) => [c.memberHandle.slice(0, 10), c.phone, (c.lastVisitAt || '').slice(0, 16).replace('T', ' '), String(c.transfers)])));
  document.getElementById('terminal-list').replaceChildren(table(['#', t('name'), t('status'), ''],
    terminals.items.map((x) => [String(x.id), x.name, x.status,
      x.status === 'revoked' ? '' : h('button', { class: 'secondary', onclick: () => act(post(`${base}/terminals/${x.id}/revoke`), loadOwnerOnly) }, t('revoke'))])));
}

async function loadCampaigns() {
  campaigns = (await get(`${base}/campaigns`)).items;
  document.getElementById('campaign-count').textContent = campaigns.length;
  renderCampaigns();
}

function renderCampaigns() {
  const rows = campaigns.map((c) => {
    const me = (c.participants || []).find((p) => p.shopId === s.shopId) || {};
    const actions = [];
    if (isOwner && !me.accepted) actions.push(h('button', { id: `accept-${c.id}`, onclick: () => act(post(`${base}/campaigns/${c.id}/accept`), loadCampaigns) }, t('accept')));
    if (isOwner && me.accepted && !me.paused) actions.push(h('button', { id: `pause-${c.id}`, class: 'secondary', onclick: () => act(post(`${base}/campaigns/${c.id}/pause`), loadCampaigns) }, t('pause')));
    if (isOwner && me.paused) actions.push(h('button', { id: `resume-${c.id}`, class: 'secondary', onclick: () => act(post(`${base}/campaigns/${c.id}/resume`), loadCampaigns) }, t('resume')));
    const tr = h('tr', { id: `campaign-${c.id}`, 'data-status': c.status },
      h('td', {}, String(c.id)), h('td', {}, c.name), h('td', { class: 'status' }, t(c.status)),
      h('td', {}, (c.participants || []).map((p) => p.shopName || shopName(p.shopId)).join(', ')),
      h('td', { class: 'num' }, `${c.issued} / ${c.redeemed}`), h('td', {}, actions));
    return tr;
  });
  const tbl = h('table', {}, h('thead', {}, h('tr', {}, ['#', t('campaignName'), t('status'), t('participants'), `${t('issued')} / ${t('redeemed')}`, t('actions')].map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
  document.getElementById('campaign-list').replaceChildren(campaigns.length ? tbl : t('none'));
  const chart = document.getElementById('chart');
  chart.replaceChildren(bars(campaigns.map((c) => c.name), [
    { name: t('issued'), color: '#c0392b', values: campaigns.map((c) => c.issued) },
    { name: t('redeemed'), color: '#2980b9', values: campaigns.map((c) => c.redeemed) }]));
}

async function loadRule() {
  const r = await get(`${base}/earn-rule`);
  document.getElementById('r-ppy').value = r.pointsPerYuan;
  document.getElementById('r-cap').value = r.dailyCapPoints ?? '';
}

async function act(promise, then) {
  try { await promise; say(t('saved')); if (then) await then(); } catch (e) { say(e.message, true); }
}

document.getElementById('campaign-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const partner = Number(document.getElementById('c-partner').value);
  const now = new Date();
  const body = {
    name: document.getElementById('c-name').value.trim(),
    benefit: { kind: 'fixed_off', amountFen: Math.round(Number(document.getElementById('c-amount').value) * 100) },
    minSpendFen: Math.round(Number(document.getElementById('c-min').value || 0) * 100),
    validFrom: now.toISOString(), validUntil: new Date(now.getTime() + 90 * 86400000).toISOString(),
    inventory: Number(document.getElementById('c-inventory').value),
    issuingShopIds: [s.shopId], honouringShopIds: partner ? [partner] : [s.shopId],
    funding: [{ shopId: s.shopId, basisPoints: 10000 }], marketPricePoints: 100, shopCodes: true
  };
  act(post(`${base}/campaigns`, body).then(() => { document.getElementById('c-name').value = ''; }), loadCampaigns);
});

document.getElementById('terminal-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const r = await post(`${base}/terminals`, { name: document.getElementById('t-name').value.trim() });
    document.getElementById('enrolment').textContent = r.enrolmentSecret;
    await loadOwnerOnly();
  } catch (err) { say(err.message, true); }
});

document.getElementById('rule-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const cap = document.getElementById('r-cap').value;
  act(api('PUT', `${base}/earn-rule`, { pointsPerYuan: Number(document.getElementById('r-ppy').value), rounding: 'floor',
    dailyCapPoints: cap ? Number(cap) : null }));
});

// Points issued and accepted per week (Monday, UTC), from the shop's transfers (JSON pages of the feed route).
async function weekly() {
  const weeks = new Map();
  let after = '';
  for (let page = 0; page < 50; page++) {
    const r = await get(`${base}/feed${after ? '?after=' + after : ''}`);
    for (const x of r.items) {
      const d = new Date(x.at);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      const k = d.toISOString().slice(5, 10);
      const w = weeks.get(k) || { issued: 0, accepted: 0 };
      if (x.kind === 'issued') w.issued += x.points; else if (x.kind === 'accepted') w.accepted += x.points;
      weeks.set(k, w);
    }
    if (r.items.length < 100) break;
    after = r.next;
  }
  const labels = [...weeks.keys()].slice(-14);
  document.getElementById('weekly-chart').replaceChildren(bars(labels, [
    { name: t('issued'), color: '#c0392b', values: labels.map((k) => weeks.get(k).issued) },
    { name: t('accepted'), color: '#2980b9', values: labels.map((k) => weeks.get(k).accepted) }], { width: 640, height: 200 }));
}

// The live feed: a server-sent event stream read with fetch (so the token goes in the header), reconnecting after its cursor.
async function liveFeed() {
  let after = '';
  for (;;) {
    try {
      const res = await fetch(`${base}/feed${after ? '?after=' + after : ''}`, {
        headers: { Accept: 'text/event-stream', Authorization: 'Bearer ' + session.get().token } });
      if (res.status === 401 || res.status === 403) return;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) { const x = JSON.parse(data); after = x.cursor; showTransfer(x); }
        }
      }
    } catch (e) { /* the network went away: try again */ }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function showTransfer(x) {
  const feed = document.getElementById('feed');
  feed.prepend(h('li', { id: `feed-${x.seq}`, 'data-points': x.points, 'data-kind': x.kind },
    `${x.at.slice(0, 19).replace('T', ' ')}  ${t(x.kind)}  ${x.points} ${t('points')}`));
  while (feed.children.length > 50) feed.lastChild.remove();
}

// Settlement statements: the shop's own statement per period, and its transfers as CSV with progress.
async function loadStatementPeriods() {
  const list = (await get(`${base}/settlement/periods`)).items.filter((p) => p.runs > 0);
  const sel = document.getElementById('st-period');
  sel.replaceChildren(...list.map((p) => h('option', { value: p.id }, `${p.label} · ${t(p.status)}`)));
  document.getElementById('st-csv').disabled = list.length === 0;
  await showStatement();
}

async function showStatement() {
  const id = Number(document.getElementById('st-period').value);
  const view = document.getElementById('statement-view');
  if (!id) { view.replaceChildren(t('none')); return; }
  const st = (await get(`${base}/settlement/periods/${id}/statement`)).statement || {};
  // Adjusted: the shop's points adjustments (credits less debits and corrections), a line of its own.
  view.replaceChildren(table([t('issued'), t('adjusted'), t('accepted'), t('receivable') + ' ¥', t('payable') + ' ¥', t('net') + ' ¥'],
    [[String(st.issuedPoints ?? 0), String(st.adjustedPoints ?? 0), String(st.acceptedPoints ?? 0), fen(st.receivableFen ?? 0),
      fen(st.payableFen ?? 0), fen(st.netFen ?? 0)]]));
  view.dataset.net = st.netFen ?? 0;
  view.dataset.adjusted = st.adjustedPoints ?? 0;
}

document.getElementById('st-period').addEventListener('change', () => showStatement().catch((e) => say(e.message, true)));
document.getElementById('st-csv').addEventListener('click', async () => {
  const id = Number(document.getElementById('st-period').value);
  try {
    await downloadCsv(`${base}/settlement/periods/${id}/transfers?format=csv`, `transfers-${id}.csv`, {
      bar: document.getElementById('st-progress'), status: document.getElementById('st-status'),
      button: document.getElementById('st-csv')
    });
  } catch (e) { say(e.message, true); }
});

// A suspended shop's people are refused everywhere (403 shop_suspended): say so plainly.
if (s) load().catch((e) => say(e.code === 'shop_suspended' ? t('shopSuspended') : e.message, true));
