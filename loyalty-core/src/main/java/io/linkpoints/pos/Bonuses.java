package io.linkpoints.pos;

import io.linkpoints.alliance.EarnRule;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.promotions.BestPromotion;
import io.linkpoints.promotions.Bounties;
import io.linkpoints.promotions.Promotion;
import io.linkpoints.promotions.Promotions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a sale earns on top of the shop's earn rule: the best of the shop's promotions that apply
 * (as of the sale's recorded time, in the alliance's zone), on the member's first purchase at
 * the shop its new-customer bounty, and the perks of the tier the member holds when the bonuses are
 * decided (before this sale's own tier evaluation): the alliance's multiplier, paid by the alliance
 * fund, and the shop's own, paid by the shop. Each bonus is a {@code pos_accrual} row of its own
 * ({@code bonus_of} the sale), decided once under the sale's row lock, and a ledger transfer of its
 * own (same id) from the payer's issuance account, so refunds, debts, statements and settlement
 * handle it as they handle base points. Bonuses are outside the daily caps (see docs/promotions.md,
 * docs/tiers.md).
 */
final class Bonuses {
  static final String PROMOTION_CODE = "pos_promotion";
  static final String BOUNTY_CODE = "pos_bounty";
  static final String TIER_ALLIANCE_CODE = "pos_tier_alliance";
  static final String TIER_SHOP_CODE = "pos_tier_shop";

  private static final String LOCK = "select bonuses_decided_at from pos_accrual where alliance_id = $1 and id = $2"
      + " for update";
  private static final String DECIDED = "update pos_accrual set bonuses_decided_at = $3"
      + " where alliance_id = $1 and id = $2";
  // Promotion, bounty, then the tier perks, the alliance's first (as the answer lists them).
  private static final String ROWS = "select b.id, b.bonus_kind, b.promotion_id, p.name as promotion_name, b.points,"
      + " b.tier_level"
      + " from pos_accrual b left join shop_promotion p on p.alliance_id = b.alliance_id and p.id = b.promotion_id"
      + " where b.alliance_id = $1 and b.bonus_of = $2 order by case b.bonus_kind when 'promotion' then 1"
      + " when 'bounty' then 2 when 'tier_alliance' then 3 else 4 end";
  // The member's tier and its multipliers: the alliance's at that level, the shop's at the highest
  // level it set up to the member's. No row: no tier.
  private static final String TIER_PERKS = "select t.level, l.alliance_multiplier_permille as alliance_permille,"
      + " (select p.multiplier_permille from shop_tier_perk p where p.alliance_id = t.alliance_id and p.shop_id = $3"
      + "   and p.level <= t.level and p.multiplier_permille is not null order by p.level desc limit 1) as shop_permille"
      + " from member_tier t join tier_level l on l.alliance_id = t.alliance_id and l.level = t.level"
      + " where t.alliance_id = $1 and t.member_id = %s";
  private static final String TIER_PERKS_OF_MEMBER = TIER_PERKS.formatted("$2");
  private static final String TIER_PERKS_BY_HANDLE = TIER_PERKS.formatted(
      "(select m.id from member m where m.alliance_id = $1 and m.handle = $2)");
  private static final String ADD_TIER = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id,"
      + " member_id, spend_fen, points, raw_points, limited_by, created_at, bonus_of, bonus_kind, tier_level, paid_by_fund)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $7, 'none', $8, $9, $10, $11, $12) on conflict do nothing";
  private static final String ADD_PROMOTION = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id,"
      + " member_id, spend_fen, points, raw_points, limited_by, created_at, bonus_of, bonus_kind, promotion_id)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $7, 'none', $8, $9, 'promotion', $10) on conflict do nothing";
  // Only if no earlier sale of this member at this shop exists (recorded before this one, or with
  // its bonuses decided already: two sales recorded in the same microsecond go by which is decided
  // first), and only one bounty per member and shop (pos_accrual_one_bounty): of two first purchases
  // at once, one bounty is written, the other finds it there or waits for it and skips.
  private static final String ADD_BOUNTY = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
      + " spend_fen, points, raw_points, limited_by, created_at, bonus_of, bonus_kind)"
      + " select $1::bigint, $2::uuid, $3::bigint, $4::bigint, $5::bigint, $6::bigint, $7::bigint, $7::bigint, 'none',"
      + " $8::timestamptz, $9::uuid, 'bounty'"
      + " where not exists (select 1 from pos_accrual o where o.alliance_id = $1 and o.member_id = $5"
      + "   and o.shop_id = $3 and o.bonus_of is null and o.id <> $9"
      + "   and (o.created_at < $8::timestamptz or o.bonuses_decided_at is not null))"
      + " on conflict do nothing";

  // Whether a member (by handle) has bought at this shop before: a quote's bounty.
  private static final String BOUGHT_HERE = "select exists (select 1 from pos_accrual o where o.alliance_id = $1"
      + " and o.shop_id = $3 and o.bonus_of is null"
      + " and o.member_id = (select m.id from member m where m.alliance_id = $1 and m.handle = $2)) as bought";

  /** Where a bonus comes from; only the alliance's tier perk is paid by the alliance fund. */
  enum Source {
    PROMOTION, BOUNTY, TIER_ALLIANCE, TIER_SHOP;

    boolean paidByFund() {
      return this == TIER_ALLIANCE;
    }

    String dbName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One bonus of a sale: its row's (and transfer's) id (null in a quote), where from, its points;
   * {@code promotionId}/{@code promotionName} with a promotion, {@code tierLevel} with a tier perk.
   */
  record Bonus(UUID id, Source source, Long promotionId, String promotionName, Integer tierLevel, long points) {
  }

  /** The member's tier and what it multiplies by (per-mille, null: nothing) at this shop. */
  private record TierPerks(int level, Integer alliancePermille, Integer shopPermille) {
    static Optional<TierPerks> of(RowSet<Row> rows) {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new TierPerks(r.getInteger("level"), r.getInteger("alliance_permille"),
          r.getInteger("shop_permille")));
    }

    /** The perks a sale of {@code spendFen} earns: the alliance's first; none worth 0 points. */
    List<Bonus> bonuses(long spendFen, EarnRule rule) {
      List<Bonus> list = new ArrayList<>();
      add(list, Source.TIER_ALLIANCE, alliancePermille, spendFen, rule);
      add(list, Source.TIER_SHOP, shopPermille, spendFen, rule);
      return list;
    }

    private void add(List<Bonus> list, Source source, Integer permille, long spendFen, EarnRule rule) {
      if (permille != null) {
        long points = Promotion.multiplied(spendFen, rule, permille);
        if (points > 0) {
          list.add(new Bonus(null, source, null, null, level, points));
        }
      }
    }
  }

  private final Pool pool;
  private final Ledger ledger;
  private final Promotions promotions;
  private final Bounties bounties;
  // Each alliance's fund issuance account id (opened lazily: older alliances may lack it; ids never change).
  private final Map<Long, Long> fundAccounts = new ConcurrentHashMap<>();

  Bonuses(Pool pool, Ledger ledger, Promotions promotions, Bounties bounties) {
    this.pool = pool;
    this.ledger = ledger;
    this.promotions = promotions;
    this.bounties = bounties;
  }

  /**
   * The sale's bonuses, decided by the first run to get here (under the sale's row lock) and read
   * back by every later one. {@code at}: when the sale was recorded, which promotions are judged by.
   */
  Future<List<Bonus>> decide(Caller c, String key, UUID saleId, PosMembers.AtTill m, long spendFen, Instant at) {
    if (!m.bonuses() && !m.tierPerks()) {
      return Future.succeededFuture(List.of());
    }
    // Only what the opening statement says may pay is looked at: the shop's promotions and bounty,
    // the member's tier perks.
    Future<List<Promotion>> candidates = m.bonuses() ? promotions.candidates(c.allianceId(), c.shopId(), at, m.zone())
        : Future.succeededFuture(List.of());
    Future<Bounties.Bounty> bounty = m.bonuses() ? bounties.get(c.allianceId(), c.shopId())
        : Future.succeededFuture(new Bounties.Bounty(c.shopId(), 0, 0, null));
    return Future.all(candidates, bounty).compose(loaded -> pool.withTransaction(conn ->
        conn.preparedQuery(LOCK).execute(Tuple.of(c.allianceId(), saleId)).compose(locked -> {
          Row sale = locked.iterator().next();
          if (sale.getValue("bonuses_decided_at") != null) {
            return rows(conn, c, saleId);
          }
          Optional<BestPromotion.Chosen> best = BestPromotion.of(candidates.result(), at, m.zone(), spendFen, m.rule());
          var when = at.atOffset(ZoneOffset.UTC);
          Future<?> added = Future.succeededFuture();
          if (best.isPresent()) {
            added = added.compose(v -> conn.preparedQuery(ADD_PROMOTION).execute(Tuple.from(new Object[] {
                c.allianceId(), c.derive(key, "promotion"), c.shopId(), c.terminalId(), m.memberId(), spendFen,
                best.get().points(), when, saleId, best.get().promotion().id()})));
          }
          if (bounty.result().paidFor(spendFen)) {
            added = added.compose(v -> conn.preparedQuery(ADD_BOUNTY).execute(Tuple.from(new Object[] {
                c.allianceId(), c.derive(key, "bounty"), c.shopId(), c.terminalId(), m.memberId(), spendFen,
                bounty.result().points(), when, saleId})));
          }
          // The tier the member holds now, as the sale's bonuses are decided (before its own evaluation).
          added = !m.tierPerks() ? added : added.compose(v -> conn.preparedQuery(TIER_PERKS_OF_MEMBER)
              .execute(Tuple.of(c.allianceId(), m.memberId(), c.shopId())).compose(rows -> {
                List<Tuple> perks = new ArrayList<>();
                TierPerks.of(rows).ifPresent(t -> t.bonuses(spendFen, m.rule()).forEach(b -> perks.add(Tuple.from(
                    new Object[] {c.allianceId(), c.derive(key, b.source().dbName()), c.shopId(), c.terminalId(),
                        m.memberId(), spendFen, b.points(), when, saleId, b.source().dbName(), b.tierLevel(),
                        b.source().paidByFund()}))));
                return perks.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(ADD_TIER).executeBatch(perks);
              }));
          return added.compose(v -> conn.preparedQuery(DECIDED).execute(Tuple.of(c.allianceId(), saleId, when)))
              .compose(v -> rows(conn, c, saleId));
        })));
  }

  /**
   * What a sale of {@code spendFen} would earn on top now (a quote changes nothing): the best
   * promotion, the bounty if the member named has never bought here, and the perks of the named
   * member's tier (without a member: neither, since who it is and whether it is a first purchase
   * are unknown).
   */
  Future<List<Bonus>> quote(Caller c, long spendFen, EarnRule rule, String memberHandle, Instant now) {
    Future<List<Bonus>> promotion = promotions.zone(c.allianceId())
        .compose(zone -> promotions.candidates(c.allianceId(), c.shopId(), now, zone)
            .map(list -> BestPromotion.of(list, now, zone, spendFen, rule)
                .map(best -> List.of(new Bonus(null, Source.PROMOTION, best.promotion().id(), best.promotion().name(),
                    null, best.points()))).orElse(List.of())));
    Future<List<Bonus>> bounty = memberHandle == null ? Future.succeededFuture(List.of())
        : bounties.get(c.allianceId(), c.shopId()).compose(b -> !b.paidFor(spendFen) ? Future.succeededFuture(List.of())
            : pool.preparedQuery(BOUGHT_HERE).execute(Tuple.of(c.allianceId(), memberHandle, c.shopId()))
                .map(rows -> rows.iterator().next().getBoolean("bought") ? List.<Bonus>of()
                    : List.of(new Bonus(null, Source.BOUNTY, null, null, null, b.points()))));
    Future<List<Bonus>> tier = memberHandle == null ? Future.succeededFuture(List.of())
        : pool.preparedQuery(TIER_PERKS_BY_HANDLE).execute(Tuple.of(c.allianceId(), memberHandle, c.shopId()))
            .map(rows -> TierPerks.of(rows).map(t -> t.bonuses(spendFen, rule)).orElse(List.of()));
    return Future.all(promotion, bounty, tier).map(both -> {
      List<Bonus> all = new ArrayList<>(promotion.result());
      all.addAll(bounty.result());
      all.addAll(tier.result());
      return all;
    });
  }

  /**
   * Moves each bonus from its payer's issuance account (the shop's; the alliance fund's for the
   * alliance's tier perk) to the wallet (ids fixed: a rerun moves nothing twice).
   */
  Future<Void> pay(Caller c, UUID saleId, PosMembers.AtTill m, List<Bonus> bonuses) {
    boolean fund = bonuses.stream().anyMatch(b -> b.source().paidByFund());
    return (fund ? fundAccount(c.allianceId()) : Future.succeededFuture(0L)).compose(fundId -> {
      List<Future<?>> sent = new ArrayList<>();
      for (Bonus b : bonuses) {
        JsonObject metadata = new JsonObject().put("accrualId", saleId.toString());
        if (b.promotionId() != null) {
          metadata.put("promotionId", b.promotionId());
        }
        if (b.tierLevel() != null) {
          metadata.put("tierLevel", b.tierLevel());
        }
        sent.add(ledger.submit(new TransferCommand(TransferCommand.Kind.TRANSFER, c.allianceId(), b.id(),
            b.source().paidByFund() ? fundId : m.issuanceId(), m.walletId(), b.points(), 0, code(b.source()),
            null, null, 0, metadata, null)));
      }
      return Future.all(sent).mapEmpty();
    });
  }

  private static String code(Source source) {
    return switch (source) {
      case PROMOTION -> PROMOTION_CODE;
      case BOUNTY -> BOUNTY_CODE;
      case TIER_ALLIANCE -> TIER_ALLIANCE_CODE;
      case TIER_SHOP -> TIER_SHOP_CODE;
    };
  }

  /** The alliance fund's issuance account, opened here if the alliance predates it. */
  private Future<Long> fundAccount(long allianceId) {
    Long known = fundAccounts.get(allianceId);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return ledger.openAccount(allianceId, AccountKind.ALLIANCE_FUND_ISSUANCE, 0).map(a -> {
      fundAccounts.put(allianceId, a.id());
      return a.id();
    });
  }

  private static Future<List<Bonus>> rows(SqlConnection conn, Caller c, UUID saleId) {
    return conn.preparedQuery(ROWS).execute(Tuple.of(c.allianceId(), saleId)).map(rows -> {
      List<Bonus> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new Bonus(r.getUUID("id"), Source.valueOf(r.getString("bonus_kind").toUpperCase(Locale.ROOT)),
            r.getLong("promotion_id"), r.getString("promotion_name"), r.getInteger("tier_level"), r.getLong("points")));
      }
      return list;
    });
  }

  static long total(List<Bonus> bonuses) {
    long sum = 0;
    for (Bonus b : bonuses) {
      sum += b.points();
    }
    return sum;
  }
}
