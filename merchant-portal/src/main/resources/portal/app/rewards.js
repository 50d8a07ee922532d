// Welcome and birthday rewards (docs/rewards.md): the admin's rules and a member's birthday change, the owner's
// opt-in to pay for shop-funded rewards, and the wallet's birthday (set once, then shown locked) and rewards received.
import { t, tf, problemText } from './i18n.js';
import { get, api, h, table, say } from './api.js';

const KINDS = ['welcome', 'birthday'];

function fail(err, msg) {
  say(problemText(err), true, msg);
  msg.dataset.code = err.code || '';
}

function done(msg) {
  say(t('saved'), false, msg);
  delete msg.dataset.code;
}

function ruleText(rule) {
  return rule ? `${rule.points} ${t('points')} · ${t('fundedBy_' + rule.fundedBy)}` : t('rewardOff');
}

/**
 * The admin's #rewards section for the alliance path `A`; `shopName(id)` names a shop; `onBirthdayChanged` runs after a
 * member's birthday is changed (the audit log shows it). Returns `{ load, render }`.
 */
export function adminRewards(A, shopName, onBirthdayChanged = () => {}) {
  let settings = null;
  const msg = document.getElementById('rewards-msg');

  async function load() {
    settings = await get(`${A}/rewards`);
    for (const k of KINDS) {
      const r = settings[k];
      document.getElementById(`rw-${k}-points`).value = r ? r.points : 0;
      document.getElementById(`rw-${k}-funded`).value = r ? r.fundedBy : 'alliance_fund';
    }
    render();
  }

  function render() {
    if (!settings) return;
    document.getElementById('rw-opt-ins').replaceChildren(settings.optIns.length === 0 ? t('noOptIns') : table(
      [t('shop'), t('reward_welcome'), t('reward_birthday')],
      settings.optIns.map((o) => [shopName(o.shopId), o.welcome ? '✓' : '–', o.birthday ? '✓' : '–'])));
  }

  document.getElementById('rewards-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const k of KINDS) {
      body[k] = { points: Number(document.getElementById(`rw-${k}-points`).value || 0),
        fundedBy: document.getElementById(`rw-${k}-funded`).value };
    }
    try { await api('PUT', `${A}/rewards`, body); await load(); done(msg); } catch (err) { fail(err, msg); }
  });

  document.getElementById('birthday-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const bmsg = document.getElementById('birthday-msg');
    const year = document.getElementById('bd-year').value;
    const body = { month: Number(document.getElementById('bd-month').value), day: Number(document.getElementById('bd-day').value) };
    if (year) body.year = Number(year);
    try {
      await api('PUT', `${A}/members/${Number(document.getElementById('bd-member').value)}/birthday`, body);
      done(bmsg);
      onBirthdayChanged();
    } catch (err) { fail(err, bmsg); }
  });

  return { load, render };
}

/** The owner's #rewards section: the alliance's rules and this shop's opt-in. Returns `{ load, render }`. */
export function ownerRewards(A, shopId) {
  let settings = null;
  const msg = document.getElementById('rewards-msg');

  async function load() {
    settings = await get(`${A}/rewards`);
    const mine = settings.optIns.find((o) => o.shopId === shopId) || { welcome: false, birthday: false };
    document.getElementById('rw-opt-welcome').checked = mine.welcome;
    document.getElementById('rw-opt-birthday').checked = mine.birthday;
    render();
  }

  function render() {
    if (!settings) return;
    for (const k of KINDS) {
      const el = document.getElementById(`rw-rule-${k}`);
      el.textContent = `${t('reward_' + k)}: ${ruleText(settings[k])}`;
      el.dataset.points = settings[k] ? settings[k].points : 0;
    }
    const payers = (k) => settings.optIns.filter((o) => o[k]).length;
    document.getElementById('rw-payers').textContent = tf('optedInShops', { w: payers('welcome'), b: payers('birthday') });
  }

  document.getElementById('opt-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('PUT', `${A}/shops/${shopId}/rewards-opt-in`, { welcome: document.getElementById('rw-opt-welcome').checked,
        birthday: document.getElementById('rw-opt-birthday').checked });
      await load(); done(msg);
    } catch (err) { fail(err, msg); }
  });

  return { load, render };
}

/** The wallet's #rewards-section: birthday once (then locked) and the rewards received. Returns `{ load, render }`. */
export function walletRewards() {
  let mine = null;
  const msg = document.getElementById('birthday-msg');

  async function load() {
    mine = await get('/v1/members/me/rewards');
    render();
  }

  function render() {
    if (!mine) return;
    const b = mine.birthday;
    document.getElementById('birthday-form').hidden = !!b;
    const shown = document.getElementById('my-birthday');
    shown.hidden = !b;
    shown.dataset.locked = b ? '1' : '';
    if (b) shown.textContent = `${t('birthday')}: ${tf('monthDay', { m: b.month, d: b.day })} · ${t('birthdayLocked')}`;
    const list = document.getElementById('my-rewards');
    list.replaceChildren(...(mine.grants.length === 0 ? [h('li', {}, t('noRewards'))] : mine.grants.map((g) =>
      h('li', { class: 'reward', 'data-kind': g.kind, 'data-points': g.points },
        `${t('reward_' + g.kind)} ${g.year} · +${g.points} ${t('points')}${g.transferred ? '' : ' · ' + t('rewardPending')}`))));
  }

  document.getElementById('birthday-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('PUT', '/v1/members/me/birthday', { month: Number(document.getElementById('bd-month').value),
        day: Number(document.getElementById('bd-day').value) });
      say('', false, msg);
      delete msg.dataset.code;
      await load();
    } catch (err) { fail(err, msg); }
  });

  return { load, render };
}
