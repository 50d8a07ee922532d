-- Issue 18, a shop leaves the alliance. The admin starts a shop's exit with an end date (local
-- midnight at the start of that date in the alliance's zone, stored UTC); from then the shop
-- issues nothing and its part in every campaign and passport is paused. At the end date a job
-- completes it exactly once (completed_at is null, under the row's lock): the shop becomes
-- 'exited', its terminals are revoked at ends_at, and for mode 'charge_to_fund' the value of its
-- outstanding points is charged to it (charged_points, charged_fen) and the fund carries those
-- lots from then: settlement treats the fund as the issuer of those lots for every transfer not
-- visible in the completion transaction's snapshot (pg_visible_in_snapshot(t.xid, snapshot)).
-- One exit per shop, ever (the primary key): a second start is 409 exit_already_started. The admin
-- may cancel a charge_to_fund exit before its end date (cancelled_at): the shop issues again.
create table shop_exit (
  alliance_id    bigint not null references alliance (id),
  shop_id        bigint not null,
  mode           text not null check (mode in ('charge_to_fund', 'expire_early')),
  starts_at      timestamptz not null,
  ends_at        timestamptz not null,
  started_by     text not null,
  completed_at   timestamptz,
  snapshot       pg_snapshot,
  charged_points bigint check (charged_points >= 0),
  charged_fen    bigint check (charged_fen >= 0),
  cancelled_at   timestamptz,
  primary key (alliance_id, shop_id),
  foreign key (alliance_id, shop_id) references shop (alliance_id, id),
  constraint shop_exit_ends_after_start check (ends_at > starts_at),
  constraint shop_exit_completed_whole check ((completed_at is null) = (snapshot is null)
    and (completed_at is null) = (charged_points is null) and (completed_at is null) = (charged_fen is null)),
  constraint shop_exit_completed_or_cancelled check (completed_at is null or cancelled_at is null)
);

-- The completion job's scan: exits not completed yet, by end date.
create index shop_exit_due on shop_exit (alliance_id, ends_at) where completed_at is null and cancelled_at is null;

alter table shop drop constraint shop_status_check;
alter table shop
  add constraint shop_status_check check (status in ('active', 'suspended', 'exited')),
  add column exited_at timestamptz,
  add constraint shop_exited_at_with_status check ((status = 'exited') = (exited_at is not null));

-- Settlement: the exit's charge is an item of the period the exit completed in (the exiting shop
-- pays the fund the value of the points the fund takes over), and a figure of its own on the
-- statements (positive for the fund, negative for the shop, as adjustment_fen is signed).
alter table settlement_item drop constraint settlement_item_category_check;
alter table settlement_item add constraint settlement_item_category_check check (category in ('earn', 'earn_reversal',
  'redemption', 'redemption_reversal', 'expiry', 'market_coupon', 'market_coupon_refund', 'other_points',
  'coupon_funding', 'adjustment', 'exit_charge'));
alter table settlement_statement add column exit_charge_fen bigint not null default 0;
