// The admin's tier definitions (会员等级, docs/tiers.md): the rule (basis, window, grace) and the levels, edited as a
// table and saved whole (PUT replaces every level). The server checks the rules (thresholds strictly increasing:
// invalid_tiers; shapes and bounds: validation_failed); the page shows its codes in words. Each level may carry the
// alliance's perk, an earn multiplier paid by the alliance fund (typed as ×1.25, sent as 1250 per-mille).
import { t, problemText } from './i18n.js';
import { get, api, h, say } from './api.js';

/** Wires #tiers for the alliance path `A`; returns `{ load, render }` (render again on a language switch). */
export function tiers(A) {
  let defined = null; // the stored definitions, null while none (404 tiers_not_defined)
  let rows = []; // the levels as edited: { nameZh, nameEn, threshold, minShops } in the page's units
  const msg = document.getElementById('tiers-msg');
  const basis = document.getElementById('t-basis');
  const spend = () => basis.value === 'spend_fen';

  async function load() {
    try {
      defined = await get(`${A}/tiers`);
    } catch (e) {
      if (e.code === 'tiers_not_defined') defined = null; else throw e;
    }
    basis.value = defined ? defined.basis : 'points_earned';
    document.getElementById('t-window').value = defined ? defined.windowDays : 365;
    document.getElementById('t-grace').value = defined ? defined.graceDays : 30;
    // Spend thresholds are fen on the wire and yuan in the table.
    // The alliance's perk: per-mille on the wire (1250), a multiplier in the table (1.25); blank for none.
    rows = defined ? defined.levels.map((l) => ({ nameZh: l.nameZh, nameEn: l.nameEn, minShops: l.minShops,
      threshold: defined.basis === 'spend_fen' ? l.threshold / 100 : l.threshold,
      multiplier: l.allianceMultiplierPermille ? l.allianceMultiplierPermille / 1000 : '' }))
      : [{ nameZh: '', nameEn: '', threshold: '', minShops: 0, multiplier: '' }];
    render();
  }

  function render() {
    const state = document.getElementById('tiers-state');
    state.textContent = defined ? `${t('version')} ${defined.version} · ${defined.levels.length} ${t('tierLevel')}` : t('tiersNotDefined');
    state.dataset.version = defined ? defined.version : '';
    document.getElementById('t-threshold-head').textContent = t(spend() ? 'thresholdYuan' : 'thresholdPoints');
    const cell = (i, field, attrs) => h('td', {}, h('input', { id: `t-${field}-${i + 1}`, value: rows[i][field], ...attrs,
      oninput: (e) => { rows[i][field] = e.target.value; } }));
    document.querySelector('#tier-levels tbody').replaceChildren(...rows.map((r, i) => h('tr', { id: `tier-level-${i + 1}` },
      h('td', { class: 'num' }, String(i + 1)), cell(i, 'nameZh', { maxlength: '40' }), cell(i, 'nameEn', { maxlength: '40' }),
      cell(i, 'threshold', { type: 'number', min: '0', step: spend() ? '0.01' : '1' }),
      cell(i, 'minShops', { type: 'number', min: '0', step: '1' }),
      cell(i, 'multiplier', { type: 'number', min: '1.001', max: '10', step: '0.001', placeholder: '—' }),
      h('td', {}, rows.length > 1 ? h('button', { id: `t-remove-${i + 1}`, type: 'button', class: 'secondary',
        onclick: () => { rows.splice(i, 1); render(); } }, t('remove')) : ''))));
  }

  basis.addEventListener('change', render);
  document.getElementById('t-add').addEventListener('click', () => {
    if (rows.length < 10) rows.push({ nameZh: '', nameEn: '', threshold: '', minShops: 0, multiplier: '' });
    render();
  });

  document.getElementById('tiers-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      basis: basis.value,
      windowDays: Number(document.getElementById('t-window').value),
      graceDays: Number(document.getElementById('t-grace').value),
      levels: rows.map((r) => ({ nameZh: String(r.nameZh).trim(), nameEn: String(r.nameEn).trim(),
        threshold: Math.round(Number(r.threshold) * (spend() ? 100 : 1)), minShops: Number(r.minShops || 0),
        ...(String(r.multiplier).trim() === '' ? {} : { allianceMultiplierPermille: Math.round(Number(r.multiplier) * 1000) }) }))
    };
    try {
      await api('PUT', `${A}/tiers`, body);
      await load();
      say(t('saved'), false, msg);
      delete msg.dataset.code;
    } catch (err) {
      say(problemText(err), true, msg);
      msg.dataset.code = err.code || '';
    }
  });

  return { load, render };
}
