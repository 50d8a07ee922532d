// The shop's own tier perks (docs/tiers.md, "Perks"): per level of the alliance's tiers, an earn multiplier the shop
// pays for (typed as ×1.1, sent as 1100 per-mille; it holds from that level up) and a tier-only coupon (a campaign the
// shop created). Saved whole (PUT replaces every level); the server judges (invalid_tier_perks, campaign_not_found).
// A cashier sees the table read-only.
import { t, problemText, lang } from './i18n.js';
import { get, api, h, say } from './api.js';

/** Wires #tier-perks for the shop at `base` of alliance path `A`; returns `{ load, render }`. */
export function tierPerks({ A, base, shopId, isOwner }) {
  let levels = null; // the alliance's levels, null while it has no tiers
  let rows = []; // per level: { multiplier, campaignId } as edited
  let own = []; // campaigns this shop created (the only ones it may make tier-only)
  const msg = document.getElementById('tier-perks-msg');
  const form = document.getElementById('tier-perks-form');

  async function load() {
    try {
      levels = (await get(`${A}/tiers`)).levels;
    } catch (e) {
      if (e.code === 'tiers_not_defined') levels = null; else throw e;
    }
    if (!levels) { render(); return; }
    const [perks, campaigns] = await Promise.all([get(`${base}/tier-perks`), get(`${base}/campaigns`)]);
    own = campaigns.items.filter((c) => c.creatorShopId === shopId && !c.ended);
    rows = levels.map((l) => {
      const p = perks.levels.find((x) => x.level === l.id);
      return { multiplier: p && p.multiplierPermille ? p.multiplierPermille / 1000 : '',
        campaignId: p && p.couponCampaignId ? String(p.couponCampaignId) : '' };
    });
    render();
  }

  function render() {
    form.hidden = !levels;
    document.getElementById('tier-perks-state').textContent = levels ? '' : t('tiersNotDefined');
    if (!levels) return;
    const name = (l) => (lang() === 'en' ? l.nameEn : l.nameZh);
    document.querySelector('#tier-perk-levels tbody').replaceChildren(...levels.map((l, i) => h('tr', { id: `tier-perk-${l.id}` },
      h('td', {}, name(l)),
      h('td', {}, h('input', { id: `tp-multiplier-${l.id}`, type: 'number', min: '1.001', max: '10', step: '0.001', placeholder: '—',
        value: rows[i].multiplier, disabled: isOwner ? undefined : '', oninput: (e) => { rows[i].multiplier = e.target.value; } })),
      h('td', {}, h('select', { id: `tp-coupon-${l.id}`, disabled: isOwner ? undefined : '', onchange: (e) => { rows[i].campaignId = e.target.value; } },
        h('option', { value: '' }, t('noTierCoupon')),
        ...own.map((c) => h('option', { value: String(c.id), selected: String(c.id) === rows[i].campaignId ? '' : undefined }, c.name)))))));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { levels: [] };
    levels.forEach((l, i) => {
      const m = String(rows[i].multiplier).trim();
      const c = rows[i].campaignId;
      if (m === '' && c === '') return;
      body.levels.push({ level: l.id, ...(m === '' ? {} : { multiplierPermille: Math.round(Number(m) * 1000) }),
        ...(c === '' ? {} : { couponCampaignId: Number(c) }) });
    });
    try {
      await api('PUT', `${base}/tier-perks`, body);
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
