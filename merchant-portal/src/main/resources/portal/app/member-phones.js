// Member phones: staff (a shop's owner, the alliance admin) find a member by phone number and revoke a
// lost phone's device at the member's request; from then on that phone's member codes are refused.
// Shared by owner.html and admin.html: the page gives the section to fill and where the API is.
import { t } from './i18n.js';
import { api, get, h, say } from './api.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const CN_MOBILE = /^1[3-9][0-9]{9}$/;

/**
 * Fills `root` with the search form, the member's masked phone and their devices.
 * `base` is the member-devices path: `/v1/alliances/{a}/shops/{s}/member-devices` (owner) or
 * `/v1/alliances/{a}/member-devices` (admin). `onRevoked` runs after each revoke (the admin's audit log).
 * Returns `{ render }` for the language switch.
 */
export function memberPhones(root, { allianceId, base, onRevoked }) {
  let zone = null; // the alliance's time zone, fetched once
  let query = ''; // the phone last searched (E.164), searched again after a revoke
  let found = null; // the last search's answer
  let confirming = null; // the device id whose revoke awaits confirmation
  let busy = false;
  let note = null; // the message shown: { text: () => words in the current language, bad, code }

  const input = h('input', { id: 'mp-phone-input', type: 'tel', autocomplete: 'off', inputmode: 'tel', maxlength: '20',
    placeholder: '+8613800138000' });
  const label = h('span', {});
  const button = h('button', { id: 'mp-search', type: 'submit' });
  const form = h('form', { id: 'mp-form', class: 'inline', novalidate: '' }, h('label', {}, label, input), button);
  const help = h('p', { class: 'hint' });
  const msg = h('p', { id: 'mp-msg', class: 'msg' });
  const view = h('div', { id: 'mp-view' });
  root.append(help, form, msg, view);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const phone = normalise(input.value);
    const problem = phoneProblem(phone);
    if (problem) { fail(() => phoneProblem(phone), 'phone_invalid'); return; }
    input.value = phone;
    search(phone, true);
  });

  function render() {
    label.textContent = t('mpPhone');
    button.textContent = t('mpSearch');
    help.textContent = t('mpHelp');
    renderNote();
    renderResult();
  }

  function fail(text, code) { note = { text, bad: true, code }; renderNote(); }

  function ok(text) { note = text ? { text, bad: false } : null; renderNote(); }

  function renderNote() {
    say(note ? note.text() : '', note ? note.bad : false, msg);
    if (note && note.code) msg.dataset.code = note.code; else delete msg.dataset.code;
  }

  async function search(phone, fresh) {
    if (busy) return;
    busy = true; button.disabled = true;
    try {
      if (!zone) zone = (await get(`/v1/alliances/${allianceId}`)).timeZone || 'UTC';
      const r = await api('POST', `${base}/search`, { phone });
      query = phone; found = r; confirming = null;
      if (fresh) ok(null);
    } catch (e) {
      found = null; confirming = null;
      fail(() => errorText(e), e.code || 'error');
    } finally {
      busy = false; button.disabled = false;
      renderResult();
    }
  }

  async function revoke(device) {
    if (busy) return;
    busy = true;
    try {
      await api('DELETE', `${base}/${device.id}`);
      busy = false;
      ok(() => t('mpRevoked').replace('{label}', deviceName(device)));
      await search(query, false);
      if (onRevoked) onRevoked(device);
    } catch (e) {
      busy = false;
      confirming = null;
      fail(() => errorText(e), e.code || 'error');
      renderResult();
    }
  }

  function renderResult() {
    if (!found) { view.replaceChildren(); return; }
    const items = found.items || [];
    const who = h('p', { id: 'mp-member', 'data-member-id': found.memberId },
      `${t('mpMember')}: `, h('strong', { id: 'mp-masked' }, found.phone), ` · ${t('mpDeviceCount').replace('{n}', items.filter((d) => !d.revokedAt).length)}`);
    if (!items.length) { view.replaceChildren(who, h('p', { id: 'mp-none' }, t('mpNoDevices'))); return; }
    const head = h('tr', {}, [t('mpDevice'), t('mpBoundAt'), t('mpLastUsed'), t('mpStatus'), t('actions')].map((x) => h('th', {}, x)));
    const rows = items.map((d) => h('tr', { id: `mp-device-${d.id}`, 'data-status': d.revokedAt ? 'revoked' : 'active',
      'data-revoked-by': d.revokedBy || '' },
      h('td', {}, deviceName(d)), h('td', { class: 'at' }, when(d.createdAt)), h('td', { class: 'at' }, d.lastUsedAt ? when(d.lastUsedAt) : t('mpNever')),
      h('td', { class: 'status' }, d.revokedAt
        ? t('mpRevokedBy').replace('{who}', t('mpBy_' + d.revokedBy)).replace('{at}', when(d.revokedAt))
        : t('mpActive')),
      h('td', {}, actions(d))));
    view.replaceChildren(who,
      h('table', { id: 'mp-devices' }, h('thead', {}, head), h('tbody', {}, rows)),
      h('p', { class: 'hint' }, t('mpTimesIn').replace('{tz}', zone)));
  }

  function actions(d) {
    if (d.revokedAt) return '';
    if (confirming !== d.id) {
      return h('button', { id: `mp-revoke-${d.id}`, type: 'button', class: 'secondary',
        onclick: () => { confirming = d.id; renderResult(); } }, t('mpRevoke'));
    }
    return h('span', { class: 'confirm' }, t('mpConfirmText').replace('{label}', deviceName(d)), ' ',
      h('button', { id: `mp-confirm-${d.id}`, type: 'button', onclick: () => revoke(d) }, t('mpConfirmRevoke')), ' ',
      h('button', { id: `mp-cancel-${d.id}`, type: 'button', class: 'secondary',
        onclick: () => { confirming = null; renderResult(); } }, t('mpCancel')));
  }

  /** A time as YYYY-MM-DD HH:mm in the alliance's time zone (the pages' format). */
  function when(iso) {
    if (!iso) return '';
    try {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: zone || 'UTC', year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    } catch {
      return iso.slice(0, 16).replace('T', ' ');
    }
  }

  render();
  return { render };
}

function deviceName(d) { return d.label || `${t('mpUnnamed')} #${d.id}`; }

/** Spaces, dashes, dots and brackets people type in phone numbers go; a leading 00 becomes +. */
function normalise(raw) {
  const s = String(raw || '').trim().replace(/[\s\-.()]/g, '');
  return s.startsWith('00') ? '+' + s.slice(2) : s;
}

/** What is wrong with the phone number, in words, or null when it is E.164. */
function phoneProblem(phone) {
  if (E164.test(phone)) return null;
  if (!phone) return t('mpPhoneEmpty');
  if (CN_MOBILE.test(phone)) return t('mpPhoneAddCountry').replace('{p}', '+86' + phone);
  return t('mpPhoneInvalid');
}

/** The human text of the server's stable problem code. */
function errorText(e) {
  if (e.code === 'shop_suspended') return t('shopSuspended');
  const key = 'mpErr_' + e.code;
  const text = t(key);
  if (text !== key) return text;
  return t('mpFailed').replace('{code}', e.code || String(e.status || ''));
}
