// Points adjustments (docs/adjustments.md). owner.html: propose one for a member at the shop (owner and
// cashier) and the shop's list; admin.html: the pending ones with their proposer, approve or reject
// (the admin's own proposals have the buttons disabled; the server refuses them anyway: self_approval).
import { t, tf, problemText } from './i18n.js';
import { get, post, h, say } from './api.js';

const REASONS = ['goodwill', 'missing_earn', 'correction_of_sale', 'other'];

function key() {
  return 'adj-' + (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
}

function rowsOf(list, actions) {
  return list.map((a) => h('tr', { id: `adj-${a.id}`, 'data-status': a.status },
    h('td', { class: 'num' }, String(a.id)), h('td', { class: 'mono' }, a.memberHandle),
    h('td', { class: 'num' }, (a.points > 0 ? '+' : '') + a.points), h('td', {}, t('adjReason_' + a.reason)),
    h('td', {}, a.note || ''), h('td', { class: 'proposer' }, `${a.proposedBy.username} (${a.proposedBy.role})`),
    h('td', { class: 'status' }, t('adjStatus_' + a.status) + (a.decidedBy ? ` · ${a.decidedBy.username}` : '')
      + (a.failureCode ? ` · ${t('err_' + a.failureCode)}` : '')),
    h('td', {}, a.proposedAt.slice(0, 16).replace('T', ' ')), actions ? h('td', {}, actions(a)) : null));
}

function tableOf(id, list, actions) {
  const heads = [t('adjId'), t('adjMember'), t('adjPoints'), t('adjReason'), t('adjNote'), t('adjProposer'), t('status'),
    t('adjAt')].concat(actions ? [''] : []);
  return list.length === 0 ? h('p', { class: 'hint' }, t('none')) : h('table', { id },
    h('thead', {}, h('tr', {}, heads.map((x) => h('th', {}, x)))), h('tbody', {}, rowsOf(list, actions)));
}

/** The owner's (and cashier's) section: `root`, the shop's path `base`, the alliance's path `A`. */
export function ownerAdjustments(root, base, A) {
  let list = [];
  let threshold = null;
  const handle = h('input', { id: 'adj-handle', required: '', minlength: '16', maxlength: '64' });
  const points = h('input', { id: 'adj-points', type: 'number', step: '1', required: '' });
  const reason = h('select', { id: 'adj-reason' });
  const note = h('input', { id: 'adj-note', maxlength: '500' });
  const accrual = h('input', { id: 'adj-accrual', maxlength: '36', class: 'mono' });
  const labels = {};
  const label = (k, input) => { labels[k] = h('span', {}); return h('label', {}, labels[k], input); };
  const button = h('button', { id: 'adj-propose', type: 'submit' });
  const form = h('form', { id: 'adj-form', class: 'inline' }, label('adjMember', handle), label('adjPoints', points),
    label('adjReason', reason), label('adjNote', note), label('adjAccrual', accrual), button);
  const help = h('p', { class: 'hint', id: 'adj-help' });
  const msg = h('p', { id: 'adj-msg', class: 'msg', 'aria-live': 'polite' });
  const listView = h('div', { id: 'adj-list' });
  root.append(help, form, msg, listView);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { memberHandle: handle.value.trim(), points: Number(points.value), reason: reason.value, note: note.value };
    if (accrual.value.trim()) body.accrualId = accrual.value.trim();
    try {
      const a = await post(`${base}/point-adjustments`, body, { 'Idempotency-Key': key() });
      say(a.status === 'posted' ? t('adjPosted') : t('adjPending'), false, msg);
      delete msg.dataset.code;
      await load();
    } catch (err) {
      say(problemText(err), true, msg);
      msg.dataset.code = err.code || '';
    }
  });

  async function load() {
    [list, threshold] = await Promise.all([get(`${base}/point-adjustments`).then((r) => r.items),
      get(`${A}/point-adjustments/policy`).then((r) => r.approvalAbovePoints)]);
    render();
  }

  function render() {
    help.textContent = threshold === null ? '' : tf('adjHelp', { n: String(threshold) });
    for (const k of Object.keys(labels)) labels[k].textContent = t(k);
    const chosen = reason.value;
    reason.replaceChildren(...REASONS.map((r) => h('option', { value: r }, t('adjReason_' + r))));
    if (chosen) reason.value = chosen;
    button.textContent = t('adjPropose');
    listView.replaceChildren(tableOf('adj-table', list, null));
  }

  return { load, render };
}

/** The admin's approvals: the pending adjustments of `A`; `me` is the signed-in admin's username. */
export function adminApprovals(root, A, me) {
  let list = [];
  const help = h('p', { class: 'hint', id: 'appr-help' });
  const msg = h('p', { id: 'appr-msg', class: 'msg', 'aria-live': 'polite' });
  const listView = h('div', { id: 'appr-list' });
  root.append(help, msg, listView);

  async function decide(a, verb) {
    try {
      await post(`${A}/point-adjustments/${a.id}/${verb}`);
      say(verb === 'approve' ? t('adjApproved') : t('adjRejected'), false, msg);
      delete msg.dataset.code;
    } catch (err) {
      say(problemText(err), true, msg);
      msg.dataset.code = err.code || '';
    }
    await load();
  }

  async function load() {
    list = (await get(`${A}/point-adjustments?status=pending`)).items;
    render();
  }

  function render() {
    help.textContent = t('apprHelp');
    listView.replaceChildren(tableOf('appr-table', list, (a) => {
      const own = a.proposedBy.username === me;
      return [h('button', { type: 'button', class: 'appr-approve', disabled: own ? '' : null, title: own ? t('apprOwn') : null,
        onclick: () => decide(a, 'approve') }, t('apprApprove')),
      h('button', { type: 'button', class: 'secondary appr-reject', disabled: own ? '' : null,
        onclick: () => decide(a, 'reject') }, t('apprReject'))];
    }));
  }

  return { load, render };
}
