// The member's data rights in the wallet (docs/privacy.md): the consent to share visits with partner shops (a toggle,
// recorded with the text's version; the history shown), and closing the account after a confirmation step.
import { t, tf, problemText } from './i18n.js';
import { get, api, h, say, key, session } from './api.js';
import { lang } from './i18n.js';

const PURPOSE = 'visit_sharing';

/** Wires #privacy-section; `onClosed` runs once the account is closed (the wallet forgets this phone). */
export function walletPrivacy(onClosed) {
  const toggle = document.getElementById('consent-visit-sharing');
  const msg = document.getElementById('privacy-msg');
  const history = document.getElementById('consent-history');
  const ask = document.getElementById('close-account');
  const confirmBox = document.getElementById('close-confirm');
  let version = 'v1';

  function show(c) {
    const current = c.consents.find((x) => x.purpose === PURPOSE);
    toggle.checked = !!current?.granted;
    toggle.dataset.granted = String(!!current?.granted);
    version = current?.currentTextVersion || version;
    history.replaceChildren(...c.history.slice().reverse().map((x) => h('li', { 'data-granted': String(x.granted) },
      `${new Date(x.recordedAt).toLocaleString()} · ${t(x.granted ? 'consentGranted' : 'consentWithdrawn')} · ${x.textVersion}`)));
    history.dataset.count = String(c.history.length);
  }

  async function load() { show(await get('/v1/members/me/consents')); }

  toggle.addEventListener('change', async () => {
    try {
      show(await api('PUT', '/v1/members/me/consents', { purpose: PURPOSE, granted: toggle.checked, textVersion: version }));
      say(t('saved'), false, msg);
    } catch (e) { toggle.checked = !toggle.checked; say(problemText(e), true, msg); }
  });
  // My data: fetched with the member's token (a plain link would carry none), then saved or shown from a blob.
  async function fetchData(path) {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + session.get().token } });
    if (!res.ok) throw new Error(res.status + ' ' + (await res.text()));
    return res.blob();
  }
  document.getElementById('data-json').addEventListener('click', async () => {
    try {
      const blob = await fetchData('/v1/members/me/data');
      document.body.dataset.dataBytes = String(blob.size);
      const a = h('a', { href: URL.createObjectURL(blob), download: 'my-data.json' });
      document.body.append(a); a.click(); a.remove();
    } catch (e) { say(e.message, true, msg); }
  });
  document.getElementById('data-html').addEventListener('click', async () => {
    try {
      const blob = await fetchData('/v1/members/me/data.html?lang=' + (lang() === 'en' ? 'en' : 'zh-CN'));
      const frame = document.getElementById('data-view');
      frame.src = URL.createObjectURL(blob);
      frame.hidden = false;
    } catch (e) { say(e.message, true, msg); }
  });
  ask.addEventListener('click', () => { confirmBox.hidden = false; ask.hidden = true; });
  document.getElementById('close-cancel').addEventListener('click', () => { confirmBox.hidden = true; ask.hidden = false; });
  document.getElementById('close-do').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/v1/members/me/close', { confirm: true }, { 'Idempotency-Key': key() });
      document.body.dataset.closed = String(r.forfeitedPoints);
      say(tf('accountClosed', { n: r.forfeitedPoints }), false, msg);
      document.getElementById('data-view').hidden = true;
      confirmBox.hidden = true;
      await onClosed(r);
    } catch (e) { say(problemText(e), true, msg); msg.dataset.code = e.code || ''; }
  });
  return { load };
}
