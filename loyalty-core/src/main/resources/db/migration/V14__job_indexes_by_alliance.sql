-- Issue 15 ("Past one database"): the periodic jobs work alliance by alliance, each statement
-- pinned to one alliance ("where alliance_id = $1 and <time> < $2"). Their indexes led with the
-- time column alone, so one alliance's backlog (a million old POS requests, say) was walked
-- through by every other alliance's run. Each now leads with alliance_id; the old ones served the
-- jobs only and go. Same names, so the comments next to the jobs' SQL still point here.

drop index ledger_open_hold_timeout;
create index ledger_open_hold_timeout on ledger_open_hold (alliance_id, timeout_at) where timeout_at is not null;

drop index ledger_lot_expiring;
create index ledger_lot_expiring on ledger_lot (alliance_id, expires_at) where points_left > 0;

drop index coupon_pending_payment;
create index coupon_pending_payment on coupon (alliance_id, issued_at) where state = 'pending_payment';

drop index coupon_hold_expiring;
create index coupon_hold_expiring on coupon_hold (alliance_id, expires_at) where state = 'held';

drop index member_code_use_expiry;
create index member_code_use_expiry on member_code_use (alliance_id, expires_at);

drop index pos_visit_expiry;
create index pos_visit_expiry on pos_visit (alliance_id, expires_at);

drop index pos_request_age;
create index pos_request_age on pos_request (alliance_id, created_at);

drop index pos_hold_release_age;
create index pos_hold_release_age on pos_hold_release (alliance_id, created_at);

drop index pos_earn_reservation_age;
create index pos_earn_reservation_age on pos_earn_reservation (alliance_id, created_at);
