// Import members (docs/imports.md): choose a CSV from the shop's old system, check it (dry run: counts and
// the bad rows by row number), then import it and follow its progress (the server applies it in the
// background; this polls GET …/member-imports/{id}). The file goes up as it is, streamed by the browser.
import { t, problemText } from './i18n.js';
import { session, h, say } from './api.js';

/** Fills `root` for the shop path `base` (`/v1/alliances/{a}/shops/{s}`); returns `{ render }`. */
export function memberImport(root, base) {
  const file = h('input', { id: 'imp-file', type: 'file', accept: '.csv,text/csv' });
  const check = h('button', { id: 'imp-check', type: 'button' });
  const go = h('button', { id: 'imp-go', type: 'button', disabled: '' });
  const help = h('p', { class: 'hint' });
  const msg = h('p', { id: 'imp-msg', class: 'msg', 'aria-live': 'polite' });
  const result = h('div', { id: 'imp-result' });
  const bar = h('progress', { id: 'imp-progress', max: '1', value: '0', hidden: '' });
  const progress = h('p', { id: 'imp-status', class: 'hint' });
  root.append(help, h('div', { class: 'inline' }, file, check, go), msg, result, bar, progress);
  let last = null; // the last check, shown in the result table

  async function upload(dryRun) {
    const f = file.files[0];
    if (!f) { say(t('impChoose'), true, msg); return null; }
    const s = session.get();
    const res = await fetch(`${base}/member-imports?dryRun=${dryRun}`, { method: 'POST',
      headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': 'text/csv' }, body: f });
    const json = await res.json();
    if (!res.ok && res.status !== 422) {
      throw Object.assign(new Error(json.detail || res.status), { code: json.code, detail: json.detail });
    }
    return { status: res.status, json };
  }

  check.onclick = async () => {
    try {
      const r = await upload(true);
      if (!r) return;
      last = r.json;
      go.disabled = r.json.errorCount > 0;
      say(r.json.errorCount > 0 ? t('impHasErrors') : t('impReady'), r.json.errorCount > 0, msg);
      render();
    } catch (e) { say(problemText(e), true, msg); }
  };

  go.onclick = async () => {
    go.disabled = true;
    try {
      const r = await upload(false);
      if (!r) return;
      if (r.status === 422) { last = r.json; say(t('impHasErrors'), true, msg); render(); return; }
      say(r.status === 200 ? t('impAlready') : t('impStarted'), false, msg);
      follow(r.json);
    } catch (e) { say(problemText(e), true, msg); go.disabled = false; }
  };

  async function follow(imp) {
    bar.hidden = false;
    for (;;) {
      bar.max = Math.max(imp.rowsTotal, 1); bar.value = imp.rowsDone;
      progress.textContent = t('impProgress').replace('{done}', imp.rowsDone).replace('{total}', imp.rowsTotal);
      progress.dataset.status = imp.status;
      if (imp.status === 'done') { say(t('impDone'), false, msg); return; }
      await new Promise((ok) => setTimeout(ok, 1000));
      const s = session.get();
      const res = await fetch(`${base}/member-imports/${imp.id}`, { headers: { Authorization: 'Bearer ' + s.token } });
      imp = await res.json();
    }
  }

  function render() {
    help.textContent = t('impHelp');
    check.textContent = t('impCheck');
    go.textContent = t('impGo');
    if (!last) { result.replaceChildren(); return; }
    const counts = h('p', { id: 'imp-counts', 'data-rows': last.rows, 'data-errors': last.errorCount },
      t('impCounts').replace('{rows}', last.rows).replace('{new}', last.newMembers)
        .replace('{matched}', last.matchedMembers).replace('{points}', last.points).replace('{errors}', last.errorCount));
    const rows = last.errors.map((e) => h('tr', { 'data-row': e.row, 'data-code': e.code },
      h('td', {}, String(e.row)), h('td', {}, t('imp_' + e.code)), h('td', { class: 'mono' }, e.detail)));
    result.replaceChildren(counts, rows.length ? h('table', { id: 'imp-errors' },
      h('thead', {}, h('tr', {}, h('th', {}, t('impRow')), h('th', {}, t('impError')), h('th', {}, t('impDetail')))),
      h('tbody', {}, rows)) : '');
  }

  render();
  return { render };
}
