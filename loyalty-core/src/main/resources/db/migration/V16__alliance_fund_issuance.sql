-- The alliance fund as an issuer (issue 16): rewards the alliance pays for (tier perks of the
-- alliance, welcome and birthday rewards, its share of a stamp passport) are issued from one
-- account per alliance, kind alliance_fund_issuance, owner 0. Its lots have no issuing shop, so
-- they are the fund's (settlement party 0) in statements, liability, expiry and breakage, as an
-- earn from a shop's issuance account is the shop's.
alter table ledger_account drop constraint ledger_account_kind_check;
alter table ledger_account add constraint ledger_account_kind_check
  check (kind in ('member_wallet', 'merchant_issuance', 'merchant_acceptance', 'alliance_breakage', 'coupon_escrow',
                  'adjustment', 'alliance_fund_issuance'));
