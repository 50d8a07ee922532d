-- Points adjustments as their own statement lines, and approved adjustments that never posted
-- (docs/adjustments.md, docs/settlement.md).

-- Settlement items of an adjustment's ledger transfer (code 'point_adjustment'):
-- point_adjustment (a credit: lots the shop issues, a figure, no money) and
-- point_adjustment_reversal (a debit or a correction of a sale: per lot taken back, the lot's issuer
-- pays the shop whose issuance account takes it, as for an earn reversal). The two are added to
-- whatever list the check holds now, so a migration of another branch adding its own category
-- (numbered below this one) keeps it.
do $$
declare
  def text;
begin
  select pg_get_constraintdef(oid) into def from pg_constraint
   where conrelid = 'settlement_item'::regclass and conname = 'settlement_item_category_check';
  if def is null or position('''earn''::text' in def) = 0 then
    raise exception 'settlement_item_category_check is not as expected: %', def;
  end if;
  execute 'alter table settlement_item drop constraint settlement_item_category_check';
  execute 'alter table settlement_item add constraint settlement_item_category_check '
    || replace(def, '''earn''::text', '''earn''::text, ''point_adjustment''::text, ''point_adjustment_reversal''::text');
end $$;

-- A party's adjusted points and their value: credits less debits and corrections at its shop
-- (issued_points no longer counts them; issued + adjusted = the issuance account's net movement).
-- Closed periods keep 0: their issued figures counted adjustments as earns.
alter table settlement_statement
  add column adjusted_points bigint not null default 0,
  add column adjusted_fen bigint not null default 0;

-- failed: an approved adjustment whose posting the ledger refused when the posting job retried it
-- (e.g. insufficient_points: the member spent the points meanwhile); failure_code says why. Terminal.
alter table point_adjustment drop constraint point_adjustment_status_check;
alter table point_adjustment
  add constraint point_adjustment_status_check
    check (status in ('pending', 'approved', 'posted', 'rejected', 'failed')),
  add column failure_code text,
  add constraint point_adjustment_failure_code_check check ((status = 'failed') = (failure_code is not null));
