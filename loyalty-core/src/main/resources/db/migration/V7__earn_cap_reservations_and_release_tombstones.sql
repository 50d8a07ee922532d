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

-- An adjustment is booked into a draft period only (issue 11, item 3's audit). The check used to
-- read the period without a lock, so a close committing between that read and the adjustment's
-- commit left an adjustment inside a closed period, carried by no statement. Now the check takes
-- a share lock on the period row: a close (an update of that row) waits for the adjustment, or the
-- adjustment waits for the close and then sees the period closed.
create function settlement_refuse_closed_adjustment() returns trigger language plpgsql as $$
declare
  r record;
  s text;
begin
  r := case when tg_op = 'DELETE' then old else new end;
  select p.status into s from settlement_period p where p.alliance_id = r.alliance_id and p.id = r.period_id for share;
  if s = 'closed' then
    raise exception 'settlement period % of alliance % is closed', r.period_id, r.alliance_id
      using errcode = 'P0001', hint = 'settlement_period_closed';
  end if;
  if tg_op = 'UPDATE' and (old.alliance_id, old.period_id) is distinct from (new.alliance_id, new.period_id) then
    select p.status into s from settlement_period p where p.alliance_id = old.alliance_id and p.id = old.period_id
      for share;
    if s = 'closed' then
      raise exception 'settlement period % is closed', old.period_id using errcode = 'P0001';
    end if;
  end if;
  return r;
end $$;
drop trigger settlement_adjustment_immutable_when_closed on settlement_adjustment;
create trigger settlement_adjustment_immutable_when_closed before insert or update or delete on settlement_adjustment
  for each row execute function settlement_refuse_closed_adjustment();
