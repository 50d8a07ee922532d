// Webhook endpoints (docs/webhooks.md): register (the secret is shown once), rotate the secret, disable,
// enable, delete, and each endpoint's delivery log with replay. Shared by owner.html (the shop's events)
// and admin.html (the alliance's); the server decides the reach. Refusals show the server's code in words.
import { t, problemText } from './i18n.js';
import { api, get, post, h, say } from './api.js';

const TYPES = ['points.earned', 'points.redeemed', 'points.refunded', 'settlement.period_closed', 'shop.suspended',
  'promotion.proposed', 'promotion.accepted', 'promotion.paused', 'webhook.endpoint_disabled', 'coupon.issued',
  'coupon.expiring', 'coupon.redeemed', 'tier.changed', 'reward.granted', 'passport.completed', 'shop_code.claimed'];

/** Fills `root` for the alliance path `A` (`/v1/alliances/{a}`); returns `{ load, render }`. */
export function webhooks(root, A) {
  const base = `${A}/webhooks`;
  let list = [];
  let secret = null; // { id, secret }: shown once, after a registration or a rotation
  let logOf = null; // the endpoint whose log is open
  let log = [];

  const url = h('input', { id: 'wh-url', type: 'url', maxlength: '2000', placeholder: 'https://hooks.example.com/linkpoints' });
  const boxes = TYPES.map((type) => h('label', {}, h('input', { type: 'checkbox', value: type,
    checked: type === 'points.earned' ? '' : null }), h('span', { class: 'mono' }, type)));
  const button = h('button', { id: 'wh-create', type: 'submit' });
  const urlLabel = h('span', {});
  const typesLegend = h('legend', {});
  const form = h('form', { id: 'wh-form', class: 'inline', novalidate: '' }, h('label', {}, urlLabel, url),
    h('fieldset', { id: 'wh-types', class: 'weekdays' }, typesLegend, boxes), button);
  const help = h('p', { class: 'hint' });
  const msg = h('p', { id: 'wh-msg', class: 'msg', 'aria-live': 'polite' });
  const secretBox = h('div', { id: 'wh-secret', hidden: '' });
  const listView = h('div', { id: 'wh-list' });
  const logView = h('div', { id: 'wh-log' });
  root.append(help, form, msg, secretBox, listView, logView);

  function refused(e) { say(problemText(e), true, msg); msg.dataset.code = e.code || ''; }
  function done(text) { say(text, false, msg); delete msg.dataset.code; }

  async function load() {
    list = (await get(base)).items;
    if (logOf) log = (await get(`${base}/${logOf}/deliveries?limit=20`)).items;
    render();
  }

  function render() {
    help.textContent = t('whHelp');
    urlLabel.textContent = t('whUrl');
    typesLegend.textContent = t('whTypes');
    button.textContent = t('whRegister');
    secretBox.hidden = !secret;
    if (!secret) secretBox.replaceChildren();
    if (secret) {
      secretBox.replaceChildren(h('p', {}, t('whSecretOnce')), h('code', { id: 'wh-secret-value', 'data-endpoint': secret.id }, secret.secret),
        h('button', { id: 'wh-secret-done', type: 'button', class: 'secondary', onclick: () => { secret = null; render(); } }, t('whSecretSaved')));
    }
    const rows = list.map((e) => h('tr', { id: `wh-${e.id}`, 'data-status': e.status },
      h('td', { class: 'mono' }, e.url), h('td', {}, e.eventTypes.join(', ')),
      h('td', { class: 'status' }, t('wh_' + e.status) + (e.disabledReason ? ` · ${e.disabledReason}` : '')),
      h('td', {},
        h('button', { type: 'button', class: 'secondary wh-log', onclick: () => openLog(e.id) }, t('whLog')),
        h('button', { type: 'button', class: 'secondary wh-rotate', onclick: () => act(() => post(`${base}/${e.id}/rotate-secret`)
          .then((r) => { secret = { id: r.id, secret: r.secret }; return t('whRotated'); })) }, t('whRotate')),
        e.status === 'active'
          ? h('button', { type: 'button', class: 'secondary wh-disable', onclick: () => act(() => post(`${base}/${e.id}/disable`).then(() => t('saved'))) }, t('whDisable'))
          : h('button', { type: 'button', class: 'secondary wh-enable', onclick: () => act(() => post(`${base}/${e.id}/enable`).then(() => t('saved'))) }, t('whEnable')),
        h('button', { type: 'button', class: 'secondary wh-delete', onclick: () => act(() => api('DELETE', `${base}/${e.id}`)
          .then(() => { if (logOf === e.id) logOf = null; return t('whDeleted'); })) }, t('whDelete')))));
    listView.replaceChildren(list.length === 0 ? t('none') : h('table', { id: 'wh-table' },
      h('thead', {}, h('tr', {}, [t('whUrl'), t('whTypes'), t('status'), ''].map((x) => h('th', {}, x)))), h('tbody', {}, rows)));
    if (!logOf) { logView.replaceChildren(); return; }
    const endpoint = list.find((e) => e.id === logOf);
    const logRows = log.map((d) => {
      const last = d.log.length ? d.log[d.log.length - 1] : null;
      return h('tr', { id: `whd-${d.id}`, 'data-status': d.status, 'data-attempts': d.attempts },
        h('td', { class: 'mono' }, d.eventType), h('td', { class: 'status' }, t('whd_' + d.status)), h('td', { class: 'num' }, String(d.attempts)),
        h('td', {}, last ? (last.statusCode ? `HTTP ${last.statusCode}` : last.error || '') + ` · ${last.durationMs} ms` : '–'),
        h('td', {}, last ? last.at.slice(0, 19).replace('T', ' ') : '–'),
        h('td', {}, h('button', { type: 'button', class: 'secondary wh-replay', onclick: () => act(() =>
          post(`${base}/${logOf}/deliveries/${d.id}/replay`).then(() => t('whReplayed'))) }, t('whReplay'))));
    });
    logView.replaceChildren(h('h3', {}, `${t('whLog')} · ${endpoint ? endpoint.url : ''}`),
      log.length === 0 ? t('none') : h('table', { id: 'wh-log-table' }, h('thead', {}, h('tr', {},
        [t('whEvent'), t('status'), t('whAttempts'), t('whLast'), t('whAt'), ''].map((x) => h('th', {}, x)))), h('tbody', {}, logRows)));
  }

  async function openLog(id) {
    logOf = id;
    try { await load(); } catch (e) { refused(e); }
  }

  async function act(action) {
    try {
      const text = await action();
      await load();
      done(text);
    } catch (e) { refused(e); }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const eventTypes = boxes.map((b) => b.querySelector('input')).filter((x) => x.checked).map((x) => x.value);
    act(() => post(base, { url: url.value.trim(), eventTypes }).then((r) => {
      secret = { id: r.id, secret: r.secret };
      url.value = '';
      return t('created');
    }));
  });

  return { load, render };
}
