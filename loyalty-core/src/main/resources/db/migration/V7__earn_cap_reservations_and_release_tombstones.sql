-- Daily earn caps hold under concurrency (issue 11, item 3). An accrual under a cap decides its
-- points under the member's row lock and, in the same transaction, reserves them here; the row
-- goes once the earn is in the ledger. What a member earned today is the ledger's earns plus the
-- reservations whose earn is not there yet, so a concurrent accrual (on any instance) that takes
-- the lock next sees them. One left by a crash keeps counting until its earn lands (a retry with
-- the same key sends it) or its day is over.
create table pos_earn_reservation (
  alliance_id bigint not null,
  accrual_id  uuid not null,
  member_id   bigint not null,
  shop_id     bigint not null,
  points      bigint not null check (points > 0),
  created_at  timestamptz not null,
  primary key (alliance_id, accrual_id)
);
create index pos_earn_reservation_member on pos_earn_reservation (alliance_id, member_id, created_at);
create index pos_earn_reservation_age on pos_earn_reservation (created_at);

-- Which cap cut an accrual down (null: none), so a rerun of the same accrual answers as the first.
alter table pos_accrual add column limited_by text;

-- A release by a reserve's Idempotency-Key (issue 11, item 4), recorded before the hold is looked
-- up: a reserve with that key that arrives later (or at the same time) finds it after making its
-- hold and voids the hold itself, with void_id, the very transfer the release would have made.
create table pos_hold_release (
  alliance_id bigint not null,
  hold_id     uuid not null,
  void_id     uuid not null,
  created_at  timestamptz not null,
  primary key (alliance_id, hold_id)
);
create index pos_hold_release_age on pos_hold_release (created_at);
