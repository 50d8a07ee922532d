// Import members (docs/imports.md): choose a CSV or XLSX from the shop's old system, check it (dry run: counts
// and the bad rows by row number), then import it and follow its progress (the server applies it in the
// background; this polls GET …/member-imports/{id}), and see the shop's earlier imports. The file goes up as it
// is, streamed by the browser. The owner's page uses it for its shop; the admin's page with a shop picker.
import { t, problemText } from './i18n.js';
import { session, h, say, get } from './api.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The body's media type: an .xlsx goes as a spreadsheet, anything else as CSV (the server reads it). */
function mediaType(f) {
  return f.type === XLSX || /\.xlsx$/i.test(f.name) ? XLSX : 'text/csv';
}

/**
 * Fills `root` for a shop path (`/v1/alliances/{a}/shops/{s}`): `base` is that path, or a function
 * answering the current one (null while no shop is chosen). Returns `{ render, reset }`.
 */
export function memberImport(root, base) {
  const shopPath = typeof base === 'function' ? base : () => base;
  const file = h('input', { id: 'imp-file', type: 'file', accept: `.csv,.xlsx,text/csv,${XLSX}` });
  const check = h('button', { id: 'imp-check', type: 'button' });
  const go = h('button', { id: 'imp-go', type: 'button', disabled: '' });
  const help = h('p', { class: 'hint' });
  const msg = h('p', { id: 'imp-msg', class: 'msg', 'aria-live': 'polite' });
  const result = h('div', { id: 'imp-result' });
  const bar = h('progress', { id: 'imp-progress', max: '1', value: '0', hidden: '' });
  const progress = h('p', { id: 'imp-status', class: 'hint' });
  const listTitle = h('h3', {});
  const list = h('div', { id: 'imp-list' });
  root.append(help, h('div', { class: 'inline' }, file, check, go), msg, result, bar, progress, listTitle, list);
  let last = null; // the last check, shown in the result table
  let earlier = []; // the shop's imports, newest first
  let following = 0; // the import being followed (a new choice of shop stops the polling)

  async function upload(dryRun) {
    const f = file.files[0];
    if (!f) { say(t('impChoose'), true, msg); return null; }
    const s = session.get();
    const res = await fetch(`${shopPath()}/member-imports?dryRun=${dryRun}`, { method: 'POST',
      headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': mediaType(f) }, body: f });
    const json = await res.json();
    if (!res.ok && res.status !== 422) {
      throw Object.assign(new Error(json.detail || res.status), { code: json.code, detail: json.detail });
    }
    return { status: res.status, json };
  }

  file.onchange = () => { last = null; go.disabled = true; render(); };

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
      await follow(r.json);
    } catch (e) { say(problemText(e), true, msg); go.disabled = false; }
  };

  async function follow(imp) {
    const me = ++following;
    const path = shopPath();
    bar.hidden = false;
    for (;;) {
      bar.max = Math.max(imp.rowsTotal, 1); bar.value = imp.rowsDone;
      progress.textContent = t('impProgress').replace('{done}', imp.rowsDone).replace('{total}', imp.rowsTotal);
      progress.dataset.status = imp.status;
      if (imp.status === 'done') { say(t('impDone'), false, msg); await loadList(); return; }
      await new Promise((ok) => setTimeout(ok, 1000));
      if (me !== following) return;
      imp = await get(`${path}/member-imports/${imp.id}`);
    }
  }

  async function loadList() {
    const path = shopPath();
    earlier = path ? (await get(`${path}/member-imports`)).items : [];
    renderList();
  }

  /** Another shop chosen (the admin's page): forget the check and the progress, list that shop's imports. */
  async function reset() {
    following++;
    last = null; go.disabled = true; bar.hidden = true; progress.textContent = ''; file.value = '';
    say('', false, msg);
    render();
    await loadList();
  }

  function renderList() {
    listTitle.textContent = t('impEarlier');
    list.replaceChildren(earlier.length ? h('table', { id: 'imp-list-table' },
      h('thead', {}, h('tr', {}, [t('impStarted_at'), t('status'), t('impRows'), t('impNew'), t('impPoints')]
        .map((x) => h('th', {}, x)))),
      h('tbody', {}, earlier.map((i) => h('tr', { 'data-import': i.id, 'data-status': i.status },
        h('td', {}, i.createdAt.slice(0, 16).replace('T', ' ')), h('td', {}, t('impStatus_' + i.status)),
        h('td', {}, `${i.rowsDone} / ${i.rowsTotal}`), h('td', {}, String(i.newMembers)),
        h('td', {}, String(i.points)))))) : h('p', { class: 'hint' }, t('none')));
  }

  function render() {
    help.textContent = t('impHelp');
    check.textContent = t('impCheck');
    go.textContent = t('impGo');
    renderList();
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
  loadList().catch((e) => say(problemText(e), true, msg));
  return { render, reset };
}

/**
 * The admin's import section: a shop picker (`shops()` answers the alliance's shops) above the same
 * importer, for the shop chosen. Returns `{ render, shopsChanged }`.
 */
export function adminMemberImport(root, alliancePath, shops) {
  const pick = h('select', { id: 'imp-shop' });
  const label = h('label', {}, h('span', {}), pick);
  root.append(label);
  const importer = memberImport(root, () => (pick.value ? `${alliancePath}/shops/${pick.value}` : null));
  pick.onchange = () => importer.reset().catch((e) => say(problemText(e), true));

  function shopsChanged() {
    const keep = pick.value;
    pick.replaceChildren(...shops().map((s) => h('option', { value: s.id }, `${s.name} (#${s.id})`)));
    if (keep && shops().some((s) => String(s.id) === keep)) pick.value = keep;
    if (pick.value !== keep) importer.reset().catch((e) => say(problemText(e), true));
  }

  function render() {
    label.firstChild.textContent = t('impShop');
    importer.render();
  }

  render();
  return { render, shopsChanged };
}
