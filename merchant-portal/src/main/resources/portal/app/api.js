// The JSON API with the access token kept in sessionStorage.
import { t } from './i18n.js';
const KEY = 'lp.session';

export const session = {
  get() { try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; } },
  set(s) { sessionStorage.setItem(KEY, JSON.stringify(s)); },
  clear() { sessionStorage.removeItem(KEY); }
};

export class ApiError extends Error {
  constructor(status, code, detail) { super(code + (detail ? ': ' + detail : '')); this.status = status; this.code = code; this.detail = detail; }
}

export async function api(method, path, body, headers = {}) {
  const s = session.get();
  const h = { ...headers };
  if (s && s.token) h.Authorization = 'Bearer ' + s.token;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    if (res.status === 401 && s) { session.clear(); }
    throw new ApiError(res.status, json.code || String(res.status), json.detail);
  }
  return json;
}

export const get = (p) => api('GET', p);
export const post = (p, b = {}, h) => api('POST', p, b, h);

/**
 * Downloads a streaming CSV export: reads it chunk by chunk, shows the bytes so far in `status`
 * (and fills `bar` when the length is known), then hands the Blob to the browser as `filename`.
 * `status.dataset.bytes` holds the size at the end. Failures are the caller's to show.
 */
export async function downloadCsv(path, filename, { bar, status, button }) {
  button.disabled = true; bar.hidden = false; bar.removeAttribute('value');
  try {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + session.get().token } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const total = Number(res.headers.get('Content-Length')) || 0;
    if (total) bar.max = total;
    const reader = res.body.getReader();
    const parts = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value); bytes += value.length;
      if (total) bar.value = bytes;
      status.textContent = `${t('downloading')} ${(bytes / 1024).toFixed(1)} KB`;
    }
    const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv' }));
    const a = h('a', { href: url, download: filename });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    status.textContent = `${t('downloaded')} ${(bytes / 1024).toFixed(1)} KB`;
    status.dataset.bytes = bytes;
  } finally { bar.hidden = true; button.disabled = false; }
}

export function key() { return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2); }

/** Element helper: h('td', {class: 'x'}, 'text', child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return el;
}

export function fen(n) { return (Number(n) / 100).toFixed(2); }

export function table(headers, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

/** Shows a message in #msg (or the given element). */
export function say(text, bad = false, el = document.getElementById('msg')) {
  if (!el) return;
  el.textContent = text;
  el.className = bad ? 'msg bad' : 'msg';
}

export function requireRole(roles) {
  const s = session.get();
  if (!s || !roles.includes(s.role)) { location.href = '/portal/login.html'; return null; }
  return s;
}
