import { applyI18n, t } from './i18n.js';
import { session, say } from './api.js';

applyI18n();
const params = new URLSearchParams(location.search);
if (params.get('a')) document.getElementById('alliance').value = params.get('a');

document.getElementById('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const alliance = Number(document.getElementById('alliance').value);
  const body = { username: document.getElementById('username').value.trim(), password: document.getElementById('password').value };
  try {
    const res = await fetch(`/v1/alliances/${alliance}/staff/sign-in`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    const json = await res.json();
    if (json.code === 'shop_suspended') { say(t('shopSuspended'), true); return; }
    if (!res.ok) { say(t('signInFailed') + ' (' + (json.code || res.status) + ')', true); return; }
    session.set({ token: json.accessToken, role: json.role, allianceId: json.allianceId, shopId: json.shopId, username: body.username });
    location.href = json.role === 'admin' ? '/portal/admin.html' : '/portal/owner.html';
  } catch (err) {
    say(t('signInFailed') + ': ' + err.message, true);
  }
});
