-- Welcome and birthday rewards (issue 16): the member's birthday (month and day, the year
-- optional: the least PIPL lets us keep), set once by the member and then changed only by the
-- admin; the alliance's rule per reward; the shops that opt in to pay for a shop-funded reward;
-- and one grant row per member, reward and year, which is what makes a reward exactly once.

-- Set once: the member's own write is conditional on birth_month being null. Feb 29 is a valid
-- birthday (the reward is per month, so it comes in February every year).
alter table member
  add column birth_month smallint,
  add column birth_day smallint,
  add column birth_year smallint,
  add constraint member_birthday_check check (
    (birth_month is null and birth_day is null and birth_year is null)
    or (birth_month between 1 and 12 and birth_day between 1 and
        (case when birth_month = 2 then 29 when birth_month in (4, 6, 9, 11) then 30 else 31 end)
        and (birth_year is null or birth_year between 1900 and 2100)));

-- The alliance's rule for one reward: points (0 = off) and who pays. since: when the reward was
-- first switched on; the job's catch-up of missed welcomes looks at members who joined after it
-- (switching welcome on does not pay every earlier member).
create table reward_rule (
  alliance_id bigint not null references alliance (id),
  kind        text not null check (kind in ('welcome', 'birthday')),
  points      bigint not null check (points between 0 and 1000000),
  funded_by   text not null check (funded_by in ('alliance_fund', 'shops')),
  since       timestamptz not null,
  updated_at  timestamptz not null,
  primary key (alliance_id, kind)
);

-- A shop's consent to pay its share of the shop-funded rewards.
create table reward_opt_in (
  alliance_id bigint not null,
  shop_id     bigint not null,
  welcome     boolean not null,
  birthday    boolean not null,
  updated_at  timestamptz not null,
  primary key (alliance_id, shop_id),
  foreign key (alliance_id, shop_id) references shop (alliance_id, id)
);

-- One reward given to one member: unique per (member, kind, year) — the year in the alliance's
-- zone — and for a welcome unique per member ever. Written in the transaction that decides the
-- grant, with its payments; transferred_at is set once every payment's transfer is in the ledger,
-- so a grant whose transfers were not all sent (a crash) is completed by the next job run (the
-- transfer ids are derived from the key: the ledger applies each once).
create table reward_grant (
  alliance_id    bigint not null,
  member_id      bigint not null,
  kind           text not null check (kind in ('welcome', 'birthday')),
  year           integer not null check (year between 2000 and 2200),
  points         bigint not null check (points > 0),
  funded_by      text not null check (funded_by in ('alliance_fund', 'shops')),
  granted_at     timestamptz not null,
  transferred_at timestamptz,
  primary key (alliance_id, member_id, kind, year),
  foreign key (alliance_id, member_id) references member (alliance_id, id)
);
create unique index reward_grant_one_welcome on reward_grant (alliance_id, member_id) where kind = 'welcome';
create index reward_grant_unsent on reward_grant (alliance_id, granted_at) where transferred_at is null;

-- Who pays what of a grant: payer 0 is the alliance fund (its alliance_fund_issuance account),
-- else a shop (its merchant_issuance account). transfer_id: derived from the grant's key and the payer.
create table reward_payment (
  alliance_id bigint not null,
  member_id   bigint not null,
  kind        text not null,
  year        integer not null,
  payer_id    bigint not null check (payer_id >= 0),
  points      bigint not null check (points > 0),
  transfer_id uuid not null,
  primary key (alliance_id, member_id, kind, year, payer_id),
  foreign key (alliance_id, member_id, kind, year) references reward_grant (alliance_id, member_id, kind, year)
);

-- The job's birthday candidates: members of a month.
create index member_birth_month on member (alliance_id, birth_month) where birth_month is not null;
-- The job's welcome catch-up: members who joined after the rule was switched on.
create index member_joined on member (alliance_id, created_at);
