-- Issue 15: the live shop feed reads in an order no later commit can fall behind.
--
-- seq is handed out at insert, not at commit: with two writers (two instances) a batch holding
-- seq 101 can commit after seq 102 was read, and a reader at "seq > 102" never sees 101. Each
-- transfer now carries the id of the transaction that wrote it. A reader reads only rows whose
-- xid is below its snapshot's xmin (every transaction below it has ended, so no row below it
-- can still appear), in (xid, seq) order: a position in that order is final once passed.
--
-- Rows written before this migration get xid 0 (a constant default: no table rewrite), so they
-- come first, in seq order; new rows get their transaction's id.
alter table ledger_transfer add column xid xid8 not null default '0';
alter table ledger_transfer alter column xid set default pg_current_xact_id();

-- The feed's two range scans (a shop's accounts on either side), in (xid, seq) order.
create index ledger_transfer_feed_by_debit on ledger_transfer (alliance_id, debit_account_id, xid, seq);
create index ledger_transfer_feed_by_credit on ledger_transfer (alliance_id, credit_account_id, xid, seq);
