-- Tier perks (issue 16): what holding a tier earns on top at the tills (see docs/tiers.md, "Perks").

-- The alliance's perk per level: an earn multiplier in per-mille of the selling shop's earn rate
-- (1250 = ×1.25: the bonus is the other 250), paid by the alliance fund's issuance account.
-- Null: no alliance perk at this level. Written with the levels (TierDefinitions replaces them all).
alter table tier_level
  add column alliance_multiplier_permille integer check (alliance_multiplier_permille between 1001 and 10000);

-- A shop's own perks per level, set by its owner (or the admin): an earn multiplier it pays for
-- from its issuance account, and a tier-only coupon campaign of its own (the campaign then carries
-- min_tier_level). Replaced all at once per shop. Levels are places (1 = the lowest) as in
-- tier_level; a row for a level the definitions no longer have does nothing.
create table shop_tier_perk (
  alliance_id         bigint not null,
  shop_id             bigint not null,
  level               integer not null check (level between 1 and 10),
  multiplier_permille integer check (multiplier_permille between 1001 and 10000),
  coupon_campaign_id  bigint,
  updated_at          timestamptz not null,
  primary key (alliance_id, shop_id, level),
  foreign key (alliance_id, shop_id) references shop (alliance_id, id),
  foreign key (alliance_id, coupon_campaign_id) references coupon_campaign (alliance_id, id),
  check (multiplier_permille is not null or coupon_campaign_id is not null)
);

-- A tier-only campaign: a member gets its coupons (on purchase, by shop code, in the market) only
-- while holding this level or above. Null: anyone.
alter table coupon_campaign
  add column min_tier_level integer check (min_tier_level between 1 and 10);

-- The tier perks of a sale are bonus rows like a promotion's (bonus_of the sale, decided once
-- under its row lock), with the level they were decided on; paid_by_fund: the alliance fund's
-- issuance account pays (tier_alliance), not the selling shop's.
alter table pos_accrual drop constraint pos_accrual_bonus_kind_check;
alter table pos_accrual
  add constraint pos_accrual_bonus_kind_check
    check (bonus_kind in ('promotion', 'bounty', 'tier_alliance', 'tier_shop')),
  add column tier_level integer,
  add column paid_by_fund boolean not null default false,
  add constraint pos_accrual_bonus_tier
    check (coalesce(bonus_kind in ('tier_alliance', 'tier_shop'), false) = (tier_level is not null)),
  add constraint pos_accrual_fund_pays check (paid_by_fund = (bonus_kind is not distinct from 'tier_alliance'));
