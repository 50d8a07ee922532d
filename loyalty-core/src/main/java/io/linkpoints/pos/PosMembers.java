package io.linkpoints.pos;

import io.linkpoints.alliance.EarnRule;
import io.linkpoints.alliance.Rounding;
import io.linkpoints.platform.GroupedQuery;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.qr.WrongCodeLimits;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Who the member at the till is, from a member code (used up on the spot) or from a visit that
 * identify opened, together with everything a POS call needs about them and the shop, in one
 * round trip: wallet and balance, the shop's accounts and earn rule, and whether a refund left
 * the member owing points.
 */
final class PosMembers {
  private static final String COLUMNS = "m.id as member_id, m.handle, w.id as wallet_id,"
      + " w.credits_posted - w.debits_posted - w.debits_pending as available,"
      + " i.id as issuance_id, c.id as acceptance_id,"
      + " r.points_per_yuan, r.rounding, r.daily_cap_points, a.member_daily_cap_points, a.time_zone,"
      + " exists (select 1 from pos_accrual o where o.alliance_id = m.alliance_id and o.member_id = m.id"
      + "   and o.shortfall_points > o.recovered_points) as owes,"
      // Whether this shop has anything that may pay a bonus (Bonuses decides what, only then).
      + " exists (select 1 from shop_promotion p where p.alliance_id = m.alliance_id and p.shop_id = $2"
      + "   and p.ended_at is null)"
      + " or exists (select 1 from shop_bounty b where b.alliance_id = m.alliance_id and b.shop_id = $2"
      + "   and b.points > 0) as bonuses,"
      // Whether the member holds a tier with a multiplier here (the alliance's at that level, the shop's up to it).
      + " exists (select 1 from member_tier t where t.alliance_id = m.alliance_id and t.member_id = m.id"
      + "   and t.level is not null and (exists (select 1 from tier_level l where l.alliance_id = t.alliance_id"
      + "     and l.level = t.level and l.alliance_multiplier_permille is not null)"
      + "   or exists (select 1 from shop_tier_perk p where p.alliance_id = t.alliance_id and p.shop_id = $2"
      + "     and p.level <= t.level and p.multiplier_permille is not null))) as tier_perks,"
      // Whether the shop is leaving the alliance (or has left): it issues nothing (docs/shop-exit.md).
      + " exists (select 1 from shop_exit x where x.alliance_id = m.alliance_id and x.shop_id = $2"
      + "   and x.cancelled_at is null) as exiting";
  /**
   * {@code memberId} is a sub-select giving the member's id up front: with only {@code w.owner_id =
   * m.id}, the generic plan PostgreSQL caches scanned every wallet of the alliance until it met
   * this member's (measured: 399 rows filtered away for the 400th member of 400), so a sale cost
   * more the more members an alliance had. As a parameter, the owner is part of the index lookup.
   */
  private static String joins(String memberId) {
    return " join ledger_account w on w.alliance_id = m.alliance_id"
      + "   and w.kind = 'member_wallet' and w.owner_id = m.id and w.owner_id = (" + memberId + ")"
      + " join alliance a on a.id = m.alliance_id"
      + " join earn_rule r on r.alliance_id = m.alliance_id and r.shop_id = $2"
      + " join ledger_account i on i.alliance_id = m.alliance_id and i.kind = 'merchant_issuance' and i.owner_id = $2"
      + " join ledger_account c on c.alliance_id = m.alliance_id and c.kind = 'merchant_acceptance' and c.owner_id = $2";
  }

  private static final String USED_CODE_COLUMNS = "(select count(*) from used) as fresh,"
      + " exists (select 1 from limited) as limited, " + COLUMNS;

  /**
   * The code is used up by this statement, if its device is active and neither the device nor the
   * terminal is over its wrong-code limit; the same request run again may use it again (used_by).
   * No row: no such active device in this alliance.
   */
  static final String BY_CODE = "with " + useCode("") + " select " + USED_CODE_COLUMNS
      + " from member m" + joins("select x.member_id from d x")
      + " where m.alliance_id = $1 and m.id = (select y.member_id from d y)";

  /**
   * A POS call that carries a member code begins in one statement: its idempotency record
   * ({@link PosRequests}: $10 terminal, $11 key, $12 operation, $13 fingerprint, created $8) and,
   * only if that record is new, {@link #BY_CODE}. Always one row: {@code begun} (0: the key was
   * seen before, nothing else was done) and, if begun, the code's outcome as BY_CODE gives it
   * (member columns null: no such active device). One round trip instead of two per sale.
   */
  static final String OPEN_BY_CODE = "with begun as (" + PosRequests.BEGIN_STATEMENT.formatted("$1", "$10", "$11",
      "$12", "$13", "$8") + "), " + useCode(" and exists (select 1 from begun)")
      + " select (select count(*) from begun) as begun, x.* from (select 1) one left join ("
      + "   select " + USED_CODE_COLUMNS + " from member m" + joins("select x.member_id from d x")
      + "   where m.alliance_id = $1 and m.id = (select y.member_id from d y)) x on true";

  /** The CTEs that find the code's active device ({@code d}, if {@code condition}) and use the code once. */
  private static String useCode(String condition) {
    return "d as (select id, member_id from member_device"
      + "   where id = $3 and alliance_id = $1 and revoked_at is null" + condition + "),"
      + " limited as (" + WrongCodeLimits.limitedSql("$1", "$9", "$3", "$10") + "),"
      + " used as (insert into member_code_use (device_id, step, counter, alliance_id, used_at, expires_at, used_by)"
      + "   select $3, $4, $5, $1, $8, $6, $7 where exists (select 1 from d) and not exists (select 1 from limited)"
      + "   on conflict (alliance_id, device_id, step, counter) do update set used_by = excluded.used_by"
      + "   where member_code_use.used_by = excluded.used_by returning 1)";
  }

  // A code this very request used before (it ran, then was cut short): its age no longer matters.
  private static final String BY_OWN_USE = "select 1 as fresh, " + COLUMNS + " from member_code_use u"
      + " join member_device d on d.alliance_id = u.alliance_id and d.id = u.device_id"
      + " join member m on m.alliance_id = d.alliance_id and m.id = d.member_id"
      + joins("select x.member_id from member_device x where x.alliance_id = $1 and x.id = $3")
      + " where u.alliance_id = $1 and u.device_id = $3 and u.step = $4 and u.counter = $5 and u.used_by = $6";

  // The member an earlier run of the request already recorded.
  private static final String BY_MEMBER = "select 1 as fresh, " + COLUMNS + " from member m"
      + joins("select $3::bigint") + " where m.alliance_id = $1 and m.id = $3";

  // Whose wallet it is, and what it holds now.
  private static final String HOLDER = "select m.handle, w.credits_posted - w.debits_posted - w.debits_pending as available"
      + " from ledger_account w join member m on m.alliance_id = w.alliance_id and m.id = w.owner_id"
      + " where w.alliance_id = $1 and w.id = $2 and w.kind = 'member_wallet'";

  private static final String BY_VISIT = "select 1 as fresh, " + COLUMNS + " from pos_visit v"
      + " join member m on m.alliance_id = v.alliance_id and m.id = v.member_id"
      + joins("select y.member_id from pos_visit y where y.alliance_id = $1 and y.id = $3")
      + " where v.alliance_id = $1 and v.id = $3 and v.terminal_id = $4 and v.expires_at > $5";

  /**
   * The member at the till and the shop's side of things; {@code bonuses}: the shop has a promotion
   * not ended early or a bounty; {@code tierPerks}: the member holds a tier with a multiplier here.
   * Either way a sale asks {@link Bonuses} what it earns on top (only what the flags say may pay).
   */
  record AtTill(long memberId, String handle, long walletId, long available, long issuanceId, long acceptanceId,
      EarnRule rule, Long allianceCap, ZoneId zone, boolean owes, boolean bonuses, boolean tierPerks, boolean exiting) {
  }

  private final Pool pool;
  private final Clock clock;
  private final MemberCodeCheck codes;
  // BY_CODE checks the code's device and uses the code up; concurrent sales share its round trips.
  private final GroupedQuery useCode;
  private final GroupedQuery openByCode;

  PosMembers(Pool pool, Clock clock, MemberCodeCheck codes) {
    this.pool = pool;
    this.clock = clock;
    this.codes = codes;
    this.useCode = new GroupedQuery(pool, BY_CODE);
    this.openByCode = new GroupedQuery(pool, OPEN_BY_CODE);
  }

  /**
   * From a member code: checked, then used up (once: {@code code_already_used} after). A code
   * that has expired since this very request used it is still this request's: run again after a
   * crash, the request goes on as it began. {@code scannedAt}: when a till that was offline read
   * the code (accruals only), else null.
   */
  Future<AtTill> byCode(Caller c, String key, String code, Instant scannedAt) {
    return codes.check(c.allianceId(), c.terminalId(), code, scannedAt).compose(g -> g.expired()
        ? byOwnUse(c, key, g)
        : useCode.execute(useArguments(c, key, g))
            .map(rows -> usedCode(rows.size() == 0 ? null : rows.iterator().next())));
  }

  /**
   * A request's opening ({@link #OPEN_BY_CODE}) for a code {@link MemberCodeCheck#verify} found
   * genuine and live: whether the request's key was new ({@code begun}), and if so the member, or
   * the refusal to record, as {@link #byCode} would have given them.
   */
  record Opening(boolean begun, Future<AtTill> member) {
  }

  Future<Opening> open(Caller c, String key, String operation, String fingerprint, MemberCodeCheck.Genuine g) {
    return openByCode.execute(useArguments(c, key, g).addString(key).addString(operation).addString(fingerprint))
        .map(rows -> {
          Row row = rows.iterator().next();
          if (row.getLong("begun") == 0) {
            return new Opening(false, null);
          }
          Future<AtTill> member;
          try {
            member = Future.succeededFuture(usedCode(row.getValue("member_id") == null ? null : row));
          } catch (RuntimeException refused) {
            member = Future.failedFuture(refused);
          }
          return new Opening(true, member);
        });
  }

  private Tuple useArguments(Caller c, String key, MemberCodeCheck.Genuine g) {
    return Tuple.of(c.allianceId(), c.shopId(), g.deviceId(), g.step(), g.counter(),
        g.rememberUntil().atOffset(ZoneOffset.UTC), c.requestName(key), clock.instant().atOffset(ZoneOffset.UTC),
        WrongCodeLimits.windowOf(clock.instant()), c.terminalId());
  }

  /** The member whose code the row used up, or the refusal (row null: no such active device). */
  private static AtTill usedCode(Row row) {
    if (row == null) {
      throw ProblemCode.CODE_INVALID.refuse("this phone was signed out or its member code is not for this alliance");
    }
    if (row.getBoolean("limited")) {
      throw ProblemCode.TOO_MANY_ATTEMPTS.refuse(
          "too many wrong member codes from this phone or this till: wait a few minutes");
    }
    if (row.getLong("fresh") == 0) {
      throw ProblemCode.CODE_ALREADY_USED.refuse("this member code was already used: show the next one");
    }
    return atTill(row);
  }

  private Future<AtTill> byOwnUse(Caller c, String key, MemberCodeCheck.Genuine g) {
    return pool.preparedQuery(BY_OWN_USE).execute(Tuple.of(c.allianceId(), c.shopId(), g.deviceId(), g.step(),
            g.counter(), c.requestName(key)))
        .map(rows -> atTill(first(rows, MemberCodeCheck::expired)));
  }

  /** The member an earlier run of this request recorded (code or visit no longer needed). */
  Future<AtTill> byMember(Caller c, long memberId) {
    return pool.preparedQuery(BY_MEMBER).execute(Tuple.of(c.allianceId(), c.shopId(), memberId))
        .map(rows -> atTill(first(rows, () -> new IllegalStateException("member " + memberId + " vanished"))));
  }

  /** Whose wallet it is: the member's handle, and the points available in it now. */
  record Holder(String handle, long available) {
  }

  /** The member of a wallet and its available points now. */
  Future<Holder> holder(Caller c, long walletId) {
    return pool.preparedQuery(HOLDER).execute(Tuple.of(c.allianceId(), walletId))
        .map(rows -> first(rows, () -> new IllegalStateException("wallet " + walletId + " has no member")))
        .map(row -> new Holder(row.getString("handle"), row.getLong("available")));
  }

  /** From a visit identify opened at this terminal, still open. */
  Future<AtTill> byVisit(Caller c, UUID visit) {
    return pool.preparedQuery(BY_VISIT).execute(Tuple.of(c.allianceId(), c.shopId(), visit, c.terminalId(),
            clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> atTill(first(rows, () -> ProblemCode.VISIT_INVALID.refuse(
            "no open visit with that id at this terminal: scan the member code again"))));
  }

  /** From whichever the request carries: a member code, a code its opening used, or a visit. */
  Future<AtTill> resolve(Caller c, String key, MemberRef member) {
    if (member instanceof MemberRef.ByCode code) {
      return byCode(c, key, code.code(), code.scannedAt());
    }
    if (member instanceof MemberRef.Used used) {
      return Future.succeededFuture(used.member());
    }
    return byVisit(c, ((MemberRef.ByVisit) member).visitId());
  }

  private static AtTill atTill(Row row) {
    return new AtTill(row.getLong("member_id"), row.getString("handle"), row.getLong("wallet_id"),
        row.getLong("available"), row.getLong("issuance_id"), row.getLong("acceptance_id"),
        new EarnRule(row.getInteger("points_per_yuan"), Rounding.fromDb(row.getString("rounding")),
            row.getLong("daily_cap_points")),
        row.getLong("member_daily_cap_points"), ZoneId.of(row.getString("time_zone")), row.getBoolean("owes"),
        row.getBoolean("bonuses"), row.getBoolean("tier_perks"), row.getBoolean("exiting"));
  }

  private static Row first(RowSet<Row> rows, Supplier<? extends RuntimeException> none) {
    if (rows.size() == 0) {
      throw none.get();
    }
    return rows.iterator().next();
  }
}
