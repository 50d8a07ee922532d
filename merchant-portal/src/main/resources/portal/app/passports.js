// Stamp passports (集章, docs/passports.md): the admin's passports with each named shop's consent and pause, the
// progress funnel (members with at least 1, 2, … N stamps, and completed cards: app/chart.js) and a create form;
// an owner's consent and pause for its own shop; the wallet's stamp cards. The server checks the rules
// (invalid_passport, unknown_shop); the page shows their codes in words.
import { t, tf, lang, problemText } from './i18n.js';
import { get, post, h, say, fen } from './api.js';
import { bars } from './chart.js';

const nameOf = (p) => (lang() === 'en' ? p.nameEn : p.nameZh);
const pct = (bps) => `${(bps / 100).toFixed(bps % 100 ? 2 : 0)}%`;
const window_ = (p) => `${p.startsOn} – ${p.endsOn}`;
const rule = (p) => tf('passportRule', { n: p.stampsRequired, min: fen(p.minSpendFen), reward: p.rewardPoints });

/** The admin's #passports: `A` the alliance path, `shops()` the alliance's shops. Returns `{ load, render }`. */
export function adminPassports(A, shops) {
  let list = [];
  const msg = document.getElementById('passports-msg');

  async function load() {
    const items = (await get(`${A}/passports`)).items;
    list = await Promise.all(items.map((p) => get(`${A}/passports/${p.id}`))); // each with its funnel
    render();
  }

  function render() {
    document.getElementById('p-shops').replaceChildren(h('legend', {}, t('passportShops')), ...shops().map((s) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', value: String(s.id), id: `p-shop-${s.id}` }), ' ', s.name)));
    document.getElementById('passport-list').replaceChildren(...list.map(card));
  }

  function card(p) {
    const act = (what) => async () => {
      try {
        const updated = await post(`${A}/passports/${p.id}/${what}`);
        list = list.map((x) => (x.id === p.id ? { ...updated, funnel: x.funnel } : x));
        render();
      } catch (err) { say(problemText(err), true, msg); }
    };
    const f = p.funnel || { atLeast: [], completed: 0 };
    const labels = [...f.atLeast.map((_, i) => `≥${i + 1}`), t('completed')];
    return h('article', { class: 'passport', id: `passport-${p.id}`, 'data-status': p.status },
      h('h3', {}, nameOf(p), ' ', h('span', { class: `status ${p.status}`, id: `passport-${p.id}-status` }, t('ps_' + p.status))),
      h('p', {}, rule(p), ' · ', window_(p), ' · ', tf('fundShare', { pct: pct(p.fundBasisPoints) })),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('shop')), h('th', {}, t('share')), h('th', {}, t('consent')), h('th', {}, t('status')))),
        h('tbody', {}, p.shops.map((s) => h('tr', { id: `passport-${p.id}-shop-${s.shopId}`, 'data-consented': String(s.consented) },
          h('td', {}, s.shopName), h('td', { class: 'num' }, pct(s.basisPoints)),
          h('td', {}, s.consented ? '✓ ' + t('consented') : t('awaitingConsent')), h('td', {}, s.paused ? t('ps_paused') : ''))))),
      h('p', {}, p.pausedByAdmin
        ? h('button', { id: `passport-${p.id}-resume`, type: 'button', onclick: act('resume') }, t('resume'))
        : h('button', { id: `passport-${p.id}-pause`, type: 'button', class: 'secondary', onclick: act('pause') }, t('pause'))),
      h('h4', {}, t('passportFunnel')),
      h('div', { id: `passport-${p.id}-funnel`, 'data-funnel': [...f.atLeast, f.completed].join(',') },
        bars(labels, [{ name: t('members'), color: '#c0392b', values: [...f.atLeast, f.completed] }], { height: 180 })));
  }

  document.getElementById('passport-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = [...document.querySelectorAll('#p-shops input:checked')].map((x) => Number(x.value));
    const fund = Math.round(Number(document.getElementById('p-fund').value) * 100);
    // What the fund does not pay, the chosen shops share equally (the first ones take the odd basis points).
    const rest = 10000 - fund, each = chosen.length ? Math.floor(rest / chosen.length) : 0;
    const body = {
      nameZh: document.getElementById('p-name-zh').value.trim(), nameEn: document.getElementById('p-name-en').value.trim(),
      shops: chosen.map((id, i) => ({ shopId: id, basisPoints: each + (i < rest - each * chosen.length ? 1 : 0) })),
      fundBasisPoints: fund, stampsRequired: Number(document.getElementById('p-stamps').value),
      minSpendFen: Math.round(Number(document.getElementById('p-min').value) * 100),
      startsOn: document.getElementById('p-start').value, endsOn: document.getElementById('p-end').value,
      rewardPoints: Number(document.getElementById('p-reward').value)
    };
    try {
      await post(`${A}/passports`, body);
      await load();
      say(t('created'), false, msg);
      delete msg.dataset.code;
    } catch (err) {
      say(problemText(err), true, msg);
      msg.dataset.code = err.code || '';
    }
  });

  return { load, render };
}

/** An owner's #passports: the passports naming its shop (`base`: the shop's path), consent, pause, resume. */
export function ownerPassports(base) {
  let list = [];
  const msg = document.getElementById('passports-msg');
  const shopId = Number(base.split('/').pop());

  async function load() {
    list = (await get(`${base}/passports`)).items;
    render();
  }

  function render() {
    document.getElementById('passport-list').replaceChildren(...(list.length ? list.map(card) : [h('p', { class: 'hint' }, t('noPassports'))]));
  }

  function card(p) {
    const mine = p.shops.find((s) => s.shopId === shopId);
    const act = (what) => async () => {
      try {
        const updated = await post(`${base}/passports/${p.id}/${what}`);
        list = list.map((x) => (x.id === p.id ? updated : x));
        render();
      } catch (err) { say(problemText(err), true, msg); }
    };
    const buttons = [];
    if (!mine.consented) buttons.push(h('button', { id: `passport-${p.id}-consent`, type: 'button', onclick: act('consent') }, t('consent')));
    buttons.push(mine.paused
      ? h('button', { id: `passport-${p.id}-resume`, type: 'button', onclick: act('resume') }, t('resume'))
      : h('button', { id: `passport-${p.id}-pause`, type: 'button', class: 'secondary', onclick: act('pause') }, t('pause')));
    return h('article', { class: 'passport', id: `passport-${p.id}`, 'data-status': p.status },
      h('h3', {}, nameOf(p), ' ', h('span', { class: `status ${p.status}`, id: `passport-${p.id}-status` }, t('ps_' + p.status))),
      h('p', {}, rule(p), ' · ', window_(p)),
      h('p', {}, tf('ourShare', { pct: pct(mine.basisPoints), fund: pct(p.fundBasisPoints) }), ' · ',
        p.shops.map((s) => `${s.shopName} ${s.consented ? '✓' : '…'}`).join(' · ')),
      h('p', {}, ...buttons));
  }

  return { load, render };
}

/** The wallet's stamp cards (#passports-section), hidden while the member has none to show. */
export async function walletCards() {
  const items = (await get('/v1/members/me/passports')).items;
  const section = document.getElementById('passports-section');
  section.hidden = items.length === 0;
  document.getElementById('passport-cards').replaceChildren(...items.map((c) =>
    h('article', { class: 'stamp-card', id: `card-${c.passportId}`, 'data-stamps': c.stamps, 'data-completed': String(c.completed) },
      h('h3', {}, nameOf(c), ' ', h('span', { class: 'stamp-count' }, `${c.stamps} / ${c.stampsRequired}`)),
      h('ul', { class: 'stamps' }, c.shops.map((s) => h('li', { class: s.stamped ? 'stamp done' : 'stamp', 'data-shop': s.shopId },
        h('span', { class: 'seal' }, s.stamped ? '章' : '○'), ' ', s.shopName))),
      h('p', { class: c.completed ? 'msg ok' : 'hint' }, c.completed
        ? tf('cardDone', { reward: c.rewardPoints })
        : tf('cardToGo', { left: c.stampsRequired - c.stamps, reward: c.rewardPoints, min: fen(c.minSpendFen), until: c.endsOn })))));
}
