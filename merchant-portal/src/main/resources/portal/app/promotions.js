// The owner's promotions (time-boxed earn boosts) and new-customer bounty, paid by the shop (docs/promotions.md).
// The server judges everything (windows in the alliance's zone, status today); the page only lists, creates, ends,
// and shows the server's problem codes in words. A cashier sees both read-only (the forms are owner-only).
import { t, tf, problemText } from './i18n.js';
import { get, post, api, h, fen, say } from './api.js';
import { barsAndLine } from './chart.js';

/** Wires #promotions for the shop at `base`; returns `{ load, render }` (render again on a language switch). */
export function promotions({ base, isOwner }) {
  let list = [];
  let bounty = null;
  let confirming = null; // the promotion whose early end awaits confirmation
  const promoMsg = document.getElementById('promo-msg');
  const bountyMsg = document.getElementById('bounty-msg');
  const kind = document.getElementById('p-kind');

  function showKind() {
    document.getElementById('p-multiplier-label').hidden = kind.value !== 'multiplier';
    document.getElementById('p-bonus-label').hidden = kind.value !== 'bonus';
  }
  kind.addEventListener('change', showKind);
  showKind();

  // Refusals carry the problem code on the message element, so a test (or a person) can tell which.
  function refused(el, e) { say(problemText(e), true, el); el.dataset.code = e.code || ''; }
  function done(el, text) { say(text, false, el); delete el.dataset.code; }

  async function load() {
    const [p, b] = await Promise.all([get(`${base}/promotions`), get(`${base}/bounty`)]);
    list = p.items;
    bounty = b;
    render();
    await loadReport().catch((e) => refused(document.getElementById('report-msg'), e));
  }

  // What each source of bonus points cost and brought over a range of days (default: the 30 ending today).
  let report = null;
  async function loadReport() {
    const from = document.getElementById('rp-from').value, to = document.getElementById('rp-to').value;
    const q = [from && 'from=' + from, to && 'to=' + to].filter(Boolean).join('&');
    report = await get(`${base}/promotions/report${q ? '?' + q : ''}`);
    document.getElementById('rp-from').value = report.from;
    document.getElementById('rp-to').value = report.to;
    delete document.getElementById('report-msg').dataset.code;
    say('', false, document.getElementById('report-msg'));
    renderReport();
  }

  // A source's name: the promotion's own; otherwise its kind in words (a kind without words shows as it is).
  function sourceName(x) {
    if (x.kind === 'promotion') return x.name || `${t('src_promotion')} #${x.promotionId}`;
    const words = t('src_' + x.kind);
    return words === 'src_' + x.kind ? x.kind : words;
  }

  function renderReport() {
    if (!report) return;
    const days = report.days;
    const chart = document.getElementById('report-chart');
    chart.dataset.costPoints = days.reduce((a, d) => a + d.costPoints, 0);
    chart.dataset.sales = days.reduce((a, d) => a + d.sales, 0);
    chart.replaceChildren(barsAndLine(days.map((d) => d.day.slice(5)),
      { name: t('rpPointsGiven'), color: '#c0392b', values: days.map((d) => d.costPoints) },
      { name: t('rpSalesLine'), color: '#2980b9', values: days.map((d) => d.sales) }));
    const head = [t('rpSource'), t('rpPaidBy'), t('rpGivenBack'), t('rpCost'), t('rpCostYuan'), t('rpSales'), t('rpSpend'),
      t('rpMembers'), t('rpNew'), t('rpRedeemed'), t('rpRedeemedYuan')];
    const num = (v) => h('td', { class: 'num' }, String(v));
    const rows = report.sources.map((x) => h('tr', { 'data-kind': x.kind, 'data-promotion': x.promotionId ?? '',
      'data-cost-points': x.costPoints, 'data-new-customers': x.newCustomers, 'data-redeemed-points': x.redeemedPoints },
    h('td', {}, sourceName(x)), h('td', {}, x.paidBy === 'alliance_fund' ? t('rpFund') : t('rpShop')),
    num(`${x.pointsGiven} / ${x.pointsTakenBack}`), num(x.costPoints), num(fen(x.costFen)), num(x.sales), num(fen(x.spendFen)),
    num(x.members), num(x.newCustomers), num(x.redeemedPoints), num(fen(x.redeemedFen))));
    document.getElementById('report-table').replaceChildren(report.sources.length === 0 ? t('none')
      : h('table', { id: 'report-lines' }, h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))), h('tbody', {}, rows)));
  }

  document.getElementById('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadReport().catch((err) => refused(document.getElementById('report-msg'), err));
  });

  function adds(p) {
    return p.kind === 'multiplier' ? `×${p.multiplierPermille / 1000}` : `+${p.bonusPoints} ${t('points')}`;
  }

  function weekdays(p) {
    const days = p.weekdays || [];
    if (days.length === 0 || days.length === 7) return t('everyDay');
    return t('wdPrefix') + days.map((d) => t('wd' + d)).join(t('wdPrefix') ? '' : ' ');
  }

  function render() {
    const rows = list.map((p) => {
      const actions = [];
      if (isOwner && p.status !== 'ended') {
        actions.push(confirming === p.id
          ? h('button', { id: `promo-confirm-end-${p.id}`, type: 'button', onclick: () => end(p.id) }, t('confirmEnd'))
          : h('button', { id: `promo-end-${p.id}`, type: 'button', class: 'secondary', onclick: () => { confirming = p.id; render(); } }, t('endPromo')));
      }
      const ended = p.endedAt ? ` · ${t('endedAt')} ${p.endedAt.slice(0, 16).replace('T', ' ')}` : '';
      return h('tr', { id: `promo-${p.id}`, 'data-status': p.status },
        h('td', {}, p.name), h('td', { class: 'adds' }, adds(p)), h('td', {}, weekdays(p)),
        h('td', {}, p.windowStart ? `${p.windowStart}–${p.windowEnd}` : t('allDay')),
        h('td', { class: 'num' }, p.minSpendFen ? `¥${fen(p.minSpendFen)}` : '–'),
        h('td', {}, `${p.startsOn} – ${p.endsOn}`), h('td', { class: 'status' }, t(p.status) + ended), h('td', {}, actions));
    });
    const head = [t('promoName'), t('adds'), t('weekdays'), t('window'), t('minSpend'), `${t('startsOn')} – ${t('endsOn')}`, t('status'), ''];
    document.getElementById('promo-list').replaceChildren(list.length === 0 ? t('none') : h('table', { id: 'promo-table' },
      h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))), h('tbody', {}, rows)));
    const now = document.getElementById('bounty-now');
    if (!bounty) return;
    now.dataset.points = bounty.points;
    now.textContent = `${t('bounty')}: ` + (bounty.points > 0 ? tf('bountyOn', { n: bounty.points, min: fen(bounty.minSpendFen) }) : t('bountyOff'));
    const points = document.getElementById('b-points'), min = document.getElementById('b-min');
    if (!points.value) points.value = bounty.points || '';
    if (!min.value) min.value = fen(bounty.minSpendFen);
  }

  async function end(id) {
    try {
      await post(`${base}/promotions/${id}/end`);
      confirming = null;
      await load();
      done(promoMsg, t('saved'));
    } catch (e) { refused(promoMsg, e); }
  }

  // The body as the contract has it; empty fields are left out so the server's rules (and codes) decide.
  function body() {
    const v = (id) => document.getElementById(id).value.trim();
    const b = { name: v('p-name'), kind: kind.value, startsOn: v('p-starts') || undefined, endsOn: v('p-ends') || undefined };
    if (kind.value === 'multiplier') b.multiplierPermille = Math.round(Number(v('p-multiplier')) * 1000);
    else b.bonusPoints = Number(v('p-bonus'));
    const days = [...document.querySelectorAll('#p-weekdays input:checked')].map((x) => Number(x.value));
    if (days.length) b.weekdays = days;
    if (v('p-from')) b.windowStart = v('p-from');
    if (v('p-until')) b.windowEnd = v('p-until');
    b.minSpendFen = Math.round(Number(v('p-min') || 0) * 100);
    return b;
  }

  document.getElementById('promo-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post(`${base}/promotions`, body());
      document.getElementById('p-name').value = '';
      await load();
      done(promoMsg, t('created'));
    } catch (err) { refused(promoMsg, err); }
  });

  async function putBounty(points, minSpendFen) {
    try {
      bounty = await api('PUT', `${base}/bounty`, { points, minSpendFen });
      render();
      done(bountyMsg, t('saved'));
    } catch (err) { refused(bountyMsg, err); }
  }

  document.getElementById('bounty-form').addEventListener('submit', (e) => {
    e.preventDefault();
    putBounty(Number(document.getElementById('b-points').value || 0),
      Math.round(Number(document.getElementById('b-min').value || 0) * 100));
  });
  document.getElementById('b-off').addEventListener('click', () => {
    document.getElementById('b-points').value = '0';
    putBounty(0, bounty ? bounty.minSpendFen : 0);
  });

  function renderAll() { render(); renderReport(); }

  return { load, render: renderAll };
}
