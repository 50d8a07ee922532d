-- Issue 17, joining the pieces: the outbox's events that concern a member reach the member's inbox
-- (docs/notifications.md, "From the outbox"). A consumer per alliance reads outbox_event in the order
-- of the transactions that wrote it, up to the oldest transaction still running, so an event whose
-- transaction commits after a later seq's is never skipped.

-- The transaction that wrote the event (its id, 64-bit: no wraparound). Events of a transaction
-- older than the oldest still running are all visible, committed or gone with a rollback.
alter table outbox_event add column txid xid8 not null default pg_current_xact_id();
create index outbox_event_for_members on outbox_event (alliance_id, txid, seq) where member_id is not null;

-- How far the member-side consumer has told an alliance's events: every event with
-- (txid, seq) <= (last_txid, last_seq) that concerns a member has had its notifyMember call.
-- Claimed with for update skip locked: one instance at a time works an alliance.
create table member_outbox_cursor (
  alliance_id bigint not null references alliance (id),
  last_txid   xid8 not null default '0',
  last_seq    bigint not null default 0,
  updated_at  timestamptz not null,
  primary key (alliance_id)
);

-- coupon.expiring (7 days before, once per coupon: the event's id is named by the coupon): the job
-- looks for issued coupons of campaigns ending soon.
create index coupon_issued_by_campaign on coupon (alliance_id, campaign_id) where state = 'issued';
