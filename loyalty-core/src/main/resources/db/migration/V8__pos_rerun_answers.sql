-- A POS request run again after a crash answers what its first run decided. An accrual keeps
-- its quote (before the caps, and which cap cut it: limited_by, added with the earn-cap
-- reservations in V7), so a rerun need not quote again: by then the day, the caps or the earn
-- rule may have changed, and the earn is already in the ledger. Null on rows from before: as if
-- nothing limited them.
alter table pos_accrual add column raw_points bigint check (raw_points >= 0),
  add constraint pos_accrual_limited_by check (limited_by in ('none', 'shop_daily_cap', 'alliance_daily_cap'));

-- A rerun finds the debt recoveries its accrual already claimed, to send them again.
create index pos_recovery_paid_by on pos_recovery (alliance_id, paid_by_accrual);
