-- The owner's "what it cost and brought" report (docs/promotions.md) reads one shop's bonus rows
-- over a range of days. No index had a shop's accruals by time (they are by member, or by sale):
-- without this one the report read every accrual of the alliance. Bonus rows only, so it stays small.
create index pos_accrual_shop_bonus on pos_accrual (alliance_id, shop_id, created_at) where bonus_of is not null;
