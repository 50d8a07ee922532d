// A shop's exit from the alliance (docs/shop-exit.md). admin.html: start a shop's exit with an end date
// and the alliance's choice for its outstanding points (charged to the shop and carried by the fund, or
// expired early with notice to members), after a second, explicit confirmation that names the shop,
// the date and the figures; then every exit with its status and, once completed, what was charged.
// owner.html: a banner while the owner's own shop is leaving.
import { t, tf, problemText } from './i18n.js';
import { api, get, post, h, say, fen } from './api.js';

const MODES = ['charge_to_fund', 'expire_early'];

/** The first local date an exit may end on: tomorrow (the server refuses anything sooner). */
function tomorrow() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The admin's section in `root`; `A` the alliance's path; `shops()` the shop list; `changed()` after a start. */
export function adminShopExits(root, A, shops, changed) {
  let exits = [];
  let pending = null; // the start the admin is asked to confirm
  const shop = h('select', { id: 'exit-shop' });
  const end = h('input', { id: 'exit-end', type: 'date', required: '' });
  const mode = h('select', { id: 'exit-mode' });
  const labels = {};
  const label = (k, input) => { labels[k] = h('span', {}); return h('label', {}, labels[k], input); };
  const review = h('button', { id: 'exit-review', type: 'submit' });
  const form = h('form', { id: 'exit-form', class: 'inline' }, label('exitShop', shop), label('exitEnd', end),
    label('exitMode', mode), review);
  const help = h('p', { class: 'hint', id: 'exit-help' });
  const modeHelp = h('p', { class: 'hint', id: 'exit-mode-help' });
  const confirmBox = h('div', { id: 'exit-confirm', class: 'confirm', hidden: '' });
  const msg = h('p', { id: 'exit-msg', class: 'msg', 'aria-live': 'polite' });
  const listView = h('div', { id: 'exit-list' });
  root.append(help, form, modeHelp, confirmBox, msg, listView);

  const fail = (err) => { say(problemText(err), true, msg); msg.dataset.code = err.code || ''; };
  const name = (id) => { const x = shops().find((s) => s.id === id); return x ? x.name : '#' + id; };

  mode.addEventListener('change', () => { modeHelp.textContent = t('exitModeHelp_' + mode.value); });

  // First step: read the shop's outstanding points and ask for confirmation with the figures.
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const shopId = Number(shop.value);
    if (!shopId || !end.value) return;
    try {
      const l = await get(`${A}/shops/${shopId}/liability`);
      const own = (l.shops || []).find((x) => x.shopId === shopId) || { outstandingPoints: 0, outstandingFen: 0 };
      pending = { shopId, endDate: end.value, mode: mode.value, points: own.outstandingPoints, valueFen: own.outstandingFen };
      renderConfirm();
      delete msg.dataset.code; msg.textContent = '';
    } catch (err) { fail(err); }
  });

  async function start() {
    const p = pending;
    try {
      await post(`${A}/shops/${p.shopId}/exit`, { endDate: p.endDate, mode: p.mode });
      pending = null;
      say(tf('exitStarted', { shop: name(p.shopId), date: p.endDate }), false, msg);
      delete msg.dataset.code;
      await load();
      if (changed) await changed();
    } catch (err) { fail(err); }
    renderConfirm();
  }

  async function cancel(x) {
    try {
      await api('DELETE', `${A}/shops/${x.shopId}/exit`);
      say(tf('exitCancelled', { shop: name(x.shopId) }), false, msg);
      delete msg.dataset.code;
      await load();
      if (changed) await changed();
    } catch (err) { fail(err); }
  }

  function renderConfirm() {
    if (!pending) { confirmBox.hidden = true; confirmBox.replaceChildren(); return; }
    const vars = { shop: name(pending.shopId), date: pending.endDate, points: String(pending.points), yuan: fen(pending.valueFen) };
    confirmBox.hidden = false;
    confirmBox.replaceChildren(h('p', { id: 'exit-confirm-text' }, tf('exitConfirm_' + pending.mode, vars)),
      h('button', { id: 'exit-start', type: 'button', onclick: start }, t('exitStart')), ' ',
      h('button', { id: 'exit-cancel', type: 'button', class: 'secondary', onclick: () => { pending = null; renderConfirm(); } },
        t('cancel')));
  }

  async function load() {
    // The list reads no lots; each scheduled exit's live preview of its unspent points is its own read (few at a time).
    const list = (await get(`${A}/exits`)).items;
    exits = await Promise.all(list.map((x) => (x.status === 'scheduled' ? get(`${A}/shops/${x.shopId}/exit`) : x)));
    render();
  }

  function render() {
    for (const k of Object.keys(labels)) labels[k].textContent = t(k);
    help.textContent = t('exitHelp');
    review.textContent = t('exitReview');
    const chosenMode = mode.value;
    mode.replaceChildren(...MODES.map((m) => h('option', { value: m }, t('exitMode_' + m))));
    if (chosenMode) mode.value = chosenMode;
    modeHelp.textContent = t('exitModeHelp_' + mode.value);
    end.min = tomorrow();
    // One exit per shop, ever (a cancelled one too): only shops without one may be picked.
    const leaving = new Set(exits.map((x) => x.shopId));
    const chosenShop = shop.value;
    shop.replaceChildren(...shops().filter((s) => !leaving.has(s.id) && s.status !== 'exited')
      .map((s) => h('option', { value: String(s.id) }, s.name)));
    if (chosenShop && [...shop.options].some((o) => o.value === chosenShop)) shop.value = chosenShop;
    review.disabled = shop.options.length === 0;
    renderConfirm();
    const heads = [t('name'), t('exitMode'), t('exitEnd'), t('status'), t('exitOutstanding'), t('exitCharged'), ''];
    listView.replaceChildren(exits.length === 0 ? h('p', { class: 'hint' }, t('none')) : h('table', { id: 'exit-table' },
      h('thead', {}, h('tr', {}, heads.map((x) => h('th', {}, x)))),
      h('tbody', {}, exits.map((x) => h('tr', { id: `exit-${x.shopId}`, 'data-status': x.status },
        h('td', {}, name(x.shopId)), h('td', {}, t('exitMode_' + x.mode)), h('td', {}, x.endDate),
        h('td', { class: 'status' }, t('exitStatus_' + x.status) + (x.completedAt ? ' · ' + x.completedAt.slice(0, 16).replace('T', ' ') : '')),
        h('td', { class: 'num outstanding' }, x.outstandingPoints == null ? '' : `${x.outstandingPoints} · ¥${fen(x.outstandingFen)}`),
        h('td', { class: 'num charged' }, x.chargedPoints == null ? '' : `${x.chargedPoints} · ¥${fen(x.chargedFen)}`),
        // Only a scheduled charge_to_fund exit may be called off (expire_early already told members).
        h('td', {}, x.status === 'scheduled' && x.mode === 'charge_to_fund'
          ? h('button', { type: 'button', class: 'secondary exit-cancel', onclick: () => cancel(x) }, t('exitCancel')) : ''))))));
  }

  return { load, render };
}

/** The owner's banner in `root` while its shop (`base`: the shop's path) is leaving the alliance. */
export function ownerExitNotice(root, base) {
  let exit = null;
  async function load() {
    try { exit = await get(`${base}/exit`); } catch (err) { if (err.status !== 404) throw err; exit = null; }
    render();
  }
  function render() {
    const live = exit && exit.status === 'scheduled';
    root.hidden = !live;
    root.replaceChildren(live ? h('p', { id: 'exit-notice', class: 'msg bad' },
      tf('exitNotice_' + exit.mode, { date: exit.endDate })) : '');
  }
  return { load, render };
}
