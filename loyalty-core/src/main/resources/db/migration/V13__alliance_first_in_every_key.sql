-- Every key of every tenant table starts with alliance_id, so that a PostgreSQL distributed by
-- alliance_id (Citus, docs/scaling.md) can enforce it on one shard. Three tables did not:

-- Device ids stay unique across alliances (one identity sequence hands them out; codes carry
-- them), but the key the database enforces is per alliance, and every lookup names the alliance.
alter table member_device drop constraint member_device_pkey, add primary key (alliance_id, id);

alter table member_code_use drop constraint member_code_use_pkey,
  add primary key (alliance_id, device_id, step, counter);

-- Wrong-code counts are per alliance too: a till counts guesses at its own alliance's devices.
-- Windows last ten minutes, so the rows are dropped rather than given an alliance: limits start
-- again at the upgrade.
delete from member_code_attempt;
alter table member_code_attempt add column alliance_id bigint not null,
  drop constraint member_code_attempt_pkey,
  add primary key (alliance_id, scope, subject_id, window_start);
