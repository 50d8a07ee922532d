-- Issue 4: member QR codes, shop claim codes and the POS API.
-- Every table is keyed by alliance_id first, like the rest of the schema.

-- Member codes accepted so far, by their jti, until they can no longer be presented (their
-- expiry plus the offline grace, in which a till that lost the network may still send an
-- accrual made with them). A code is accepted once: the insert that finds its jti wins.
create table member_code_use (
  alliance_id bigint not null,
  jti         text not null,
  expires_at  timestamptz not null,
  -- The request that used it, so that running that same request again is not a second use.
  used_by     text not null,
  primary key (alliance_id, jti)
);
create index member_code_use_expiry on member_code_use (expires_at);

-- Every state-changing POS call, by the terminal's Idempotency-Key: a fingerprint of the
-- request, and once it has one, its outcome (status and body), replayed for the same key.
-- status_code null: seen but not finished (still running, or cut short; sending it again is safe).
create table pos_request (
  alliance_id     bigint not null,
  terminal_id     bigint not null,
  idempotency_key text not null,
  operation       text not null,
  fingerprint     text not null,
  status_code     integer,
  response        jsonb,
  created_at      timestamptz not null,
  completed_at    timestamptz,
  primary key (alliance_id, terminal_id, idempotency_key)
);
create index pos_request_age on pos_request (created_at);

-- A member identified at a till: identify consumes the member code and opens a short visit in
-- which the same terminal may earn and redeem for that member without another code.
create table pos_visit (
  alliance_id bigint not null,
  id          uuid not null,
  shop_id     bigint not null,
  terminal_id bigint not null,
  member_id   bigint not null,
  expires_at  timestamptz not null,
  primary key (alliance_id, id)
);
create index pos_visit_expiry on pos_visit (expires_at);

-- An accrual (earn at a till). id is the earn's ledger transfer id. Refunds reverse its points
-- in proportion to the refunded fen; what the wallet no longer had is the shortfall, recovered
-- from the member's next accruals (recovered_points) by further reversals of the same earn.
create table pos_accrual (
  alliance_id      bigint not null,
  id               uuid not null,
  shop_id          bigint not null,
  terminal_id      bigint not null,
  member_id        bigint not null,
  order_ref        text,
  spend_fen        bigint not null check (spend_fen >= 0),
  points           bigint not null check (points >= 0),
  refunded_fen     bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= spend_fen),
  shortfall_points bigint not null default 0 check (shortfall_points >= 0),
  recovered_points bigint not null default 0 check (recovered_points >= 0 and recovered_points <= shortfall_points),
  created_at       timestamptz not null,
  primary key (alliance_id, id),
  check (shortfall_points <= points)
);
create index pos_accrual_owed on pos_accrual (alliance_id, member_id, created_at)
  where shortfall_points > recovered_points;

-- A refund of (part of) an accrual. points_due is decided under the accrual's row lock;
-- points_reversed (null until the ledger answered) and shortfall_points add up to it.
create table pos_refund (
  alliance_id      bigint not null,
  id               uuid not null,
  accrual_id       uuid not null,
  refund_fen       bigint not null check (refund_fen > 0),
  points_due       bigint not null check (points_due >= 0),
  points_reversed  bigint check (points_reversed >= 0),
  shortfall_points bigint check (shortfall_points >= 0),
  created_at       timestamptz not null,
  primary key (alliance_id, id),
  foreign key (alliance_id, accrual_id) references pos_accrual (alliance_id, id),
  check (points_reversed is null or points_reversed + shortfall_points = points_due)
);

-- A recovery: points taken back from a member's later earnings for an accrual's shortfall. id
-- is the ledger reversal's id; claimed here (and counted in recovered_points) before it is sent.
create table pos_recovery (
  alliance_id     bigint not null,
  id              uuid not null,
  accrual_id      uuid not null,
  paid_by_accrual uuid not null,
  points          bigint not null check (points > 0),
  created_at      timestamptz not null,
  primary key (alliance_id, id),
  foreign key (alliance_id, accrual_id) references pos_accrual (alliance_id, id)
);

-- A shop code (merchant-presented, e.g. printed on a receipt): one claim by one member.
-- transfer_id is fixed when the code is made, so a claim can never credit twice.
create table shop_claim_code (
  alliance_id     bigint not null,
  code            text not null,
  shop_id         bigint not null,
  terminal_id     bigint not null,
  idempotency_key text not null,
  points          bigint not null check (points > 0),
  spend_fen       bigint,
  transfer_id     uuid not null,
  expires_at      timestamptz not null,
  claimed_by      bigint,
  claimed_at      timestamptz,
  created_at      timestamptz not null,
  primary key (alliance_id, code),
  unique (alliance_id, terminal_id, idempotency_key),
  foreign key (alliance_id, shop_id) references shop (alliance_id, id)
);
