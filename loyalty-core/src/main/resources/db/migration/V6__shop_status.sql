-- An alliance admin may suspend a shop (and reinstate it). While suspended, the shop's owner,
-- cashiers and terminals are refused (403 shop_suspended, checked by the access gate) and no
-- POS operation or accrual happens there; its history, ledger and settlement stay as they are.
alter table shop
  add column status text not null default 'active' check (status in ('active', 'suspended')),
  add column suspended_at timestamptz,
  add constraint shop_suspended_at_with_status check ((status = 'suspended') = (suspended_at is not null));
