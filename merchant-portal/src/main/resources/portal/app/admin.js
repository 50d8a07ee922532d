// Alliance admin: settlement first (run, review, close, CSV), shops and admins, economics, tiers, liability,
// cross-visits, member imports for a shop, audit.
import { applyI18n, t, problemText } from './i18n.js';
import { get, post, api, h, table, say, fen, session, requireRole, downloadCsv } from './api.js';
import { heatmap } from './chart.js';
import { memberPhones } from './member-phones.js';
import { tiers } from './tiers.js';
import { adminRewards } from './rewards.js';
import { adminPassports } from './passports.js';
import { webhooks } from './webhooks.js';
import { adminApprovals } from './adjustments.js';
import { adminMemberImport } from './imports.js';
import { adminShopExits } from './shop-exit.js';

const s = requireRole(['admin']);
const A = s ? `/v1/alliances/${s.allianceId}` : '';
let shops = [];
let periods = [];

document.getElementById('sign-out').addEventListener('click', () => { session.clear(); location.href = '/portal/login.html'; });
// Revoking a member's lost phone, anywhere in the alliance (recorded in the audit log).
const phones = s ? memberPhones(document.getElementById('member-phones'), { allianceId: s.allianceId, base: `${A}/member-devices`,
  onRevoked: () => loadAudit().catch(fail) }) : null;
const tierDefs = s ? tiers(A) : null;
const rewards = s ? adminRewards(A, (id) => partyName(id), () => loadAudit().catch(fail)) : null;
const passports = s ? adminPassports(A, () => shops) : null;
const hooks = s ? webhooks(document.getElementById('webhooks'), A) : null;
const approvals = s ? adminApprovals(document.getElementById('approvals'), A, s.username) : null;
// Importing a shop's members from its old system (CSV or XLSX), on the shop's behalf.
const importer = s ? adminMemberImport(document.getElementById('member-import'), A, () => shops) : null;
// Starting an exit changes the shop list's statuses and the audit log.
const exits = s ? adminShopExits(document.getElementById('shop-exits'), A, () => shops, () => load()) : null;
applyI18n(() => {
  if (phones) phones.render(); if (tierDefs) tierDefs.render(); if (rewards) rewards.render(); if (importer) importer.render();
  if (passports) passports.render(); if (hooks) hooks.render(); if (approvals) approvals.render(); if (exits) exits.render();
  load().catch(fail);
});

function fail(e) { say(e.message, true); }
function partyName(id) { if (id === 0) return t('fund'); const x = shops.find((sh) => sh.id === id); return x ? x.name : '#' + id; }
function periodId() { return Number(document.getElementById('period').value) || null; }

async function load() {
  document.getElementById('who').textContent = s.username;
  const [alliance, shopList, periodList] = await Promise.all([get(A), get(`${A}/shops`), get(`${A}/settlement/periods`)]);
  document.getElementById('alliance-name').textContent = alliance.name;
  document.getElementById('e-price').value = alliance.pricePerPointFen;
  document.getElementById('e-expiry').value = alliance.expiryMonths;
  document.getElementById('e-breakage').value = alliance.breakageRule;
  shops = shopList.items;
  renderShops();
  if (importer) importer.shopsChanged();
  if (rewards) rewards.render(); // the opt-ins name the shops
  periods = periodList.items;
  const sel = document.getElementById('period');
  const keep = periodId();
  sel.replaceChildren(...periods.map((p) => h('option', { value: p.id }, `${p.label} · ${t(p.status)}`)));
  if (keep && periods.some((p) => p.id === keep)) sel.value = keep;
  if (!document.getElementById('month').value) document.getElementById('month').value = new Date().toISOString().slice(0, 7);
  await Promise.all([loadPeriod(), loadLiability(), loadAudit(), loadAdmins(), passports.load(), hooks.load(), approvals.load(),
    exits.load()]);
}

async function loadPeriod() {
  const id = periodId();
  const p = periods.find((x) => x.id === id);
  document.getElementById('period-info').textContent = p ? `${p.label}: ${t(p.status)} · ${t('runs')} ${p.runs}` : t('none');
  document.getElementById('close').disabled = !p || p.status === 'closed' || !p.runs;
  document.getElementById('run').disabled = !p || p.status === 'closed';
  document.getElementById('csv').disabled = !p || !p.runs;
  if (!p || !p.runs) { document.getElementById('statements').replaceChildren(); document.getElementById('heatmap').replaceChildren(); return; }
  const [st, rec, cross] = await Promise.all([get(`${A}/settlement/periods/${id}/statements`),
    get(`${A}/settlement/periods/${id}/reconciliation`), get(`${A}/settlement/periods/${id}/cross-visits`)]);
  renderStatements(st.statements);
  document.getElementById('reconciliation').textContent = rec.ok === false ? t('broken') + ' ' + JSON.stringify(rec).slice(0, 300) : t('ok');
  const ids = shops.map((x) => x.id);
  const count = (a, b) => ((cross.pairs || []).find((q) => q.earnedAtShopId === ids[a] && q.spentAtShopId === ids[b]) || { members: 0 }).members;
  document.getElementById('heatmap').replaceChildren(heatmap(shops.map((x) => x.name), count));
}

// Shops with their status, and a suspend / reinstate button each (admin only; recorded in the audit log).
function renderShops() {
  document.getElementById('shop-list').replaceChildren(h('table', { id: 'shop-table' },
    h('thead', {}, h('tr', {}, ['#', t('name'), t('status'), t('actions')].map((x) => h('th', {}, x)))),
    h('tbody', {}, shops.map((x) => {
      const suspended = x.status === 'suspended';
      const act = suspended ? 'reinstate' : 'suspend';
      return h('tr', { id: `shop-${x.id}`, 'data-status': x.status || 'active' },
        h('td', {}, String(x.id)), h('td', {}, x.name),
        h('td', { class: 'status' }, t(x.status || 'active') + (suspended && x.suspendedAt ? ' · ' + x.suspendedAt.slice(0, 10) : '')
          + (x.status === 'exited' && x.exitedAt ? ' · ' + x.exitedAt.slice(0, 10) : '')),
        h('td', {}, x.status === 'exited' ? '' : h('button', { id: `${act}-${x.id}`, class: suspended ? '' : 'secondary', type: 'button',
          onclick: () => shopAction(x.id, act) }, t(act))));
    }))));
}

// The alliance's admins: a second one is what four-eyes approvals need (recorded in the audit log).
async function loadAdmins() {
  const list = (await get(`${A}/admins`)).items;
  document.getElementById('admin-list').replaceChildren(h('table', { id: 'admin-table' },
    h('thead', {}, h('tr', {}, ['#', t('username'), t('createdAt')].map((x) => h('th', {}, x)))),
    h('tbody', {}, list.map((x) => h('tr', { 'data-username': x.username }, h('td', {}, String(x.id)), h('td', {}, x.username),
      h('td', {}, x.createdAt.slice(0, 10)))))));
}

document.getElementById('admin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const msg = document.getElementById('admins-msg');
  try {
    await post(`${A}/admins`, { username: document.getElementById('a-username').value.trim(),
      password: document.getElementById('a-password').value });
    e.target.reset();
    say(t('created'), false, msg); delete msg.dataset.code;
    await Promise.all([loadAdmins(), loadAudit()]);
  } catch (err) { say(problemText(err), true, msg); msg.dataset.code = err.code || ''; }
});

async function shopAction(id, act) {
  try {
    const updated = await post(`${A}/shops/${id}/${act}`);
    shops = shops.map((x) => (x.id === id ? { ...x, ...updated } : x));
    renderShops();
    say(t('saved'));
    await loadAudit();
  } catch (err) { fail(err); }
}

const COLS = [['issuedPoints', 'issued'], ['adjustedPoints', 'adjusted'], ['acceptedPoints', 'accepted'], ['exitChargeFen', 'exitCharge'], ['receivableFen', 'receivable'], ['payableFen', 'payable'], ['netFen', 'net']];

function renderStatements(statements) {
  const totals = Object.fromEntries(COLS.map(([k]) => [k, statements.reduce((sum, x) => sum + (x[k] || 0), 0)]));
  const money = (k, v) => (k.endsWith('Fen') ? fen(v) : String(v));
  const head = h('tr', {}, h('th', {}, t('party')), COLS.map(([k, label]) => h('th', { class: 'num' }, t(label) + (k.endsWith('Fen') ? ' ¥' : ''))));
  const rows = statements.map((x) => h('tr', { 'data-party': x.partyId }, h('td', {}, partyName(x.partyId)),
    COLS.map(([k]) => h('td', { class: 'num', 'data-col': k, 'data-value': x[k] }, money(k, x[k])))));
  const total = h('tr', { class: 'total', id: 'statement-totals' }, h('td', {}, t('total')),
    COLS.map(([k]) => h('td', { class: 'num', 'data-col': k, 'data-value': totals[k] }, money(k, totals[k]))));
  document.getElementById('statements').replaceChildren(h('table', { id: 'statement-table' }, h('thead', {}, head), h('tbody', {}, rows, total)));
}

async function loadLiability() {
  const l = await get(`${A}/liability`);
  document.getElementById('liability-table').replaceChildren(table([t('name'), t('outstanding'), '¥', t('expiring30')],
    (l.shops || []).map((x) => [partyName(x.shopId), String(x.outstandingPoints), fen(x.outstandingFen),
      String(((x.expiring || []).find((e) => e.withinDays === 30) || { points: 0 }).points)])));
}

async function loadAudit() {
  const a = await get(`${A}/audit?limit=20`);
  const items = a.items || [];
  document.getElementById('audit-list').replaceChildren(table(['#', 'at', 'who', 'action'],
    items.slice(0, 20).map((x) => [String(x.seq ?? x.id ?? ''), String(x.at ?? x.createdAt ?? '').slice(0, 19), String(x.actorRole ?? x.actor ?? ''), String(x.action ?? x.route ?? '')])));
}

document.getElementById('period').addEventListener('change', () => loadPeriod().catch(fail));
document.getElementById('period-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try { const p = await post(`${A}/settlement/periods`, { month: document.getElementById('month').value }); await load(); document.getElementById('period').value = p.id; await loadPeriod(); say(t('created')); } catch (err) { fail(err); }
});
document.getElementById('run').addEventListener('click', async () => {
  try { await post(`${A}/settlement/periods/${periodId()}/run`); await load(); say(t('saved')); } catch (err) { fail(err); }
});
document.getElementById('close').addEventListener('click', async () => {
  try { await post(`${A}/settlement/periods/${periodId()}/close`); await load(); say(t('saved')); } catch (err) { fail(err); }
});
document.getElementById('shop-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await post(`${A}/shops`, { name: document.getElementById('s-name').value.trim(),
      owner: { username: document.getElementById('s-owner').value.trim(), password: document.getElementById('s-password').value } });
    e.target.reset(); await load(); say(t('created'));
  } catch (err) { fail(err); }
});
document.getElementById('econ-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('PATCH', A, { pricePerPointFen: Number(document.getElementById('e-price').value),
      expiryMonths: Number(document.getElementById('e-expiry').value), breakageRule: document.getElementById('e-breakage').value });
    say(t('saved'));
  } catch (err) { fail(err); }
});
document.getElementById('verify').addEventListener('click', async () => {
  try { const v = await get(`${A}/audit/verify`); document.getElementById('verify-result').textContent = (v.ok ? t('ok') : t('broken')) + ' ' + JSON.stringify(v).slice(0, 200); } catch (err) { fail(err); }
});

// The statements CSV streams: the page shows its progress (downloadCsv).
document.getElementById('csv').addEventListener('click', async () => {
  const id = periodId();
  try {
    await downloadCsv(`${A}/settlement/periods/${id}/statements/export?format=csv`, `statements-${id}.csv`, {
      bar: document.getElementById('csv-progress'), status: document.getElementById('csv-status'),
      button: document.getElementById('csv')
    });
  } catch (err) { fail(err); }
});

// The tier table is read once (a reload would drop the admin's unsaved edits) and again after each save.
if (s) { load().catch(fail); tierDefs.load().catch(fail); rewards.load().catch(fail); }
