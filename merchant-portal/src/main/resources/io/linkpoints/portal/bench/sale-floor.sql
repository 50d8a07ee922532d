-- pgbench script: the least SQL that 32 durable earns at a till need, written as a perfect server
-- would write them: one transaction, one multi-row statement per table, no reads, no HTTP, no
-- Java, no signatures. SaleFloor runs it with 4 clients on a database it seeds.
-- Client c (0..3) earns for wallets 1001+32c .. 1032+32c from shop c+1's issuance account, so
-- clients never wait for each other's row locks. Per earn: the idempotency record (begin and
-- finish), the LP2 member code's one use (device, step, counter), the accrual, the transfer, its lot, the wallet's balance;
-- the shop's balance once per transaction (as the ledger writer applies it once per batch).
\set k random(1, 900000000000000000)
BEGIN;
insert into pos_request (alliance_id, terminal_id, idempotency_key, operation, fingerprint, created_at)
  select 1, :client_id + 1, :k || '-' || g, 'accrue', 'fingerprint', now() from generate_series(1, 32) g;
insert into member_code_use (device_id, step, counter, alliance_id, used_at, expires_at, used_by)
  select 1000 + 32 * :client_id + g, :k, 0, 1, now(), now() + interval '72 hours', :k || '-' || g
  from generate_series(1, 32) g;
insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id, spend_fen, points, created_at)
  select 1, md5(:k || '-' || g)::uuid, :client_id + 1, :client_id + 1, 1000 + 32 * :client_id + g, 1000 * g, 10 + g, now()
  from generate_series(1, 32) g;
insert into ledger_transfer (alliance_id, id, debit_account_id, credit_account_id, amount, flags, code, created_at)
  select 1, md5(:k || '-' || g)::uuid, :client_id + 1, 1000 + 32 * :client_id + g, 10 + g, 0, 'pos_earn', now()
  from generate_series(1, 32) g;
insert into ledger_lot (alliance_id, transfer_id, n, account_id, issuer_shop_id, points, points_left,
    price_per_point_fen, expires_at, created_at)
  select 1, md5(:k || '-' || g)::uuid, 0, 1000 + 32 * :client_id + g, :client_id + 1, 10 + g, 10 + g, 1,
    now() + interval '365 days', now()
  from generate_series(1, 32) g;
update ledger_account a set credits_posted = a.credits_posted + 10 + g from generate_series(1, 32) g
  where a.alliance_id = 1 and a.id = 1000 + 32 * :client_id + g;
update ledger_account set debits_posted = debits_posted + 848 where alliance_id = 1 and id = :client_id + 1;
update pos_request r set status_code = 200, response = '{"points": 26}', completed_at = now()
  from generate_series(1, 32) g
  where r.alliance_id = 1 and r.terminal_id = :client_id + 1 and r.idempotency_key = :k || '-' || g;
COMMIT;
