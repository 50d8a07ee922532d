-- Issue 17, first slice: one transactional outbox and signed webhooks (docs/webhooks.md).

-- Every event worth telling, written in the same transaction as the change that causes it (a
-- ledger batch, a settlement close, a shop's suspension), so a rolled-back change leaves none.
-- seq orders an alliance's events as their statements ran; shop_id: whose event it is (null: the
-- alliance's own); member_id: the member it is about, if any.
create table outbox_event (
  alliance_id bigint not null references alliance (id),
  id          uuid not null,
  seq         bigint generated always as identity,
  type        text not null check (length(type) between 1 and 64),
  shop_id     bigint,
  member_id   bigint,
  payload     jsonb not null,
  created_at  timestamptz not null,
  primary key (alliance_id, id)
);
create index outbox_event_by_seq on outbox_event (alliance_id, seq);

-- A place an owner (shop_id: events of its shop) or the admin (shop_id null: the whole alliance)
-- wants events sent to. The secret signs each delivery; after a rotation the previous one signs
-- too until previous_secret_until.
create table webhook_endpoint (
  alliance_id           bigint not null references alliance (id),
  id                    uuid not null,
  shop_id               bigint,
  url                   text not null check (length(url) between 8 and 2000),
  event_types           text[] not null check (cardinality(event_types) between 1 and 32),
  secret                text not null,
  previous_secret       text,
  previous_secret_until timestamptz,
  status                text not null check (status in ('active', 'disabled')),
  disabled_reason       text,
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  primary key (alliance_id, id),
  foreign key (alliance_id, shop_id) references shop (alliance_id, id)
);
create index webhook_endpoint_by_shop on webhook_endpoint (alliance_id, shop_id);

-- One event to one endpoint, made with the event (fanned out in the same statement). Pending until
-- it succeeded or was given up; an endpoint's next delivery waits for its earlier ones (event_seq).
-- attempts doubles as the lease's token: an attempt's outcome is recorded only by whoever took it.
create table webhook_delivery (
  alliance_id      bigint not null,
  id               uuid not null,
  endpoint_id      uuid not null,
  event_id         uuid not null,
  event_seq        bigint not null,
  status           text not null check (status in ('pending', 'succeeded', 'given_up')),
  attempts         integer not null default 0 check (attempts >= 0),
  due_since        timestamptz not null,
  next_attempt_at  timestamptz not null,
  lease_until      timestamptz,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz not null,
  finished_at      timestamptz,
  primary key (alliance_id, id),
  unique (alliance_id, endpoint_id, event_id),
  foreign key (alliance_id, endpoint_id) references webhook_endpoint (alliance_id, id) on delete cascade,
  foreign key (alliance_id, event_id) references outbox_event (alliance_id, id)
);
create index webhook_delivery_pending on webhook_delivery (alliance_id, endpoint_id, event_seq)
  where status = 'pending';
create index webhook_delivery_due on webhook_delivery (alliance_id, next_attempt_at) where status = 'pending';
create index webhook_delivery_log on webhook_delivery (alliance_id, endpoint_id, created_at);

-- The delivery log: every attempt, its answer (status code) or error, how long it took.
create table webhook_attempt (
  alliance_id bigint not null,
  delivery_id uuid not null,
  n           integer not null check (n >= 1),
  at          timestamptz not null,
  status_code integer,
  error       text,
  duration_ms integer not null check (duration_ms >= 0),
  primary key (alliance_id, delivery_id, n),
  foreign key (alliance_id, delivery_id) references webhook_delivery (alliance_id, id) on delete cascade
);
