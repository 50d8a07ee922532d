package io.linkpoints.coupons;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * What must always be true of coupons, recomputed from the rows (read-only, any time): counters
 * match the coupons they count, every market coupon in use was paid by exactly its captured points
 * hold and every voided one was not, every redemption's funding adds up to its benefit, and a
 * reserved coupon has exactly one open till hold. Each query returns violating rows of one alliance.
 */
public final class CouponInvariants {
  private record Check(String name, String sql) {
  }

  // Each check reads one alliance ($1): every statement pins it, as a cluster distributed by alliance needs.
  private static final List<Check> CHECKS = List.of(
      new Check("inventory_matches_coupons", "select c.alliance_id, c.id, c.issued, count(k.id) as coupons"
          + " from coupon_campaign c left join coupon k on k.alliance_id = c.alliance_id and k.campaign_id = c.id"
          + "  and k.state <> 'voided' where c.alliance_id = $1"
          + " group by c.alliance_id, c.id, c.issued having c.issued <> count(k.id)"),
      new Check("member_counts_match_coupons", "select coalesce(m.campaign_id, k.campaign_id) as campaign_id,"
          + " coalesce(m.member_id, k.member_id) as member_id, m.claimed, k.coupons"
          + " from (select alliance_id, campaign_id, member_id, claimed from coupon_member_claims"
          + "  where alliance_id = $1) m"
          + " full join (select alliance_id, campaign_id, member_id, count(*) as coupons from coupon"
          + "  where alliance_id = $1 and state <> 'voided' group by alliance_id, campaign_id, member_id) k"
          + "  on k.alliance_id = m.alliance_id and k.campaign_id = m.campaign_id and k.member_id = m.member_id"
          + " where coalesce(m.claimed, 0) <> coalesce(k.coupons, 0)"),
      new Check("market_coupons_paid_exactly", "select k.alliance_id, k.id, k.state, k.points_paid, p.amount as captured"
          + " from coupon k left join ledger_transfer p on p.alliance_id = k.alliance_id"
          + "  and p.pending_id = k.exchange_hold_id and p.flags = 2"
          + " where k.alliance_id = $1 and k.source = 'market' and ((k.state in ('issued', 'reserved', 'redeemed')"
          + "  and (p.id is null or p.amount <> k.points_paid)) or (k.state = 'voided' and p.id is not null))"),
      new Check("redemptions_funded_exactly", "select k.alliance_id, k.id, h.benefit_fen, f.funded, h.holds"
          + " from coupon k left join (select alliance_id, coupon_id, max(benefit_fen) as benefit_fen, count(*) as holds"
          + "  from coupon_hold where alliance_id = $1 and state = 'committed' group by alliance_id, coupon_id) h"
          + "  on h.alliance_id = k.alliance_id and h.coupon_id = k.id"
          + " left join (select alliance_id, coupon_id, sum(amount_fen) as funded from coupon_funding"
          + "  where alliance_id = $1 group by alliance_id, coupon_id) f on f.alliance_id = k.alliance_id and f.coupon_id = k.id"
          + " where k.alliance_id = $1 and ((k.state = 'redeemed'"
          + "  and (h.holds is distinct from 1 or f.funded is distinct from h.benefit_fen))"
          + "  or (k.state <> 'redeemed' and (h.holds is not null or f.funded is not null)))"),
      new Check("reserved_coupons_held_once", "select k.alliance_id, k.id, k.state, count(h.id) as open_holds"
          + " from coupon k left join coupon_hold h on h.alliance_id = k.alliance_id and h.coupon_id = k.id"
          + "  and h.state = 'held' where k.alliance_id = $1 group by k.alliance_id, k.id, k.state"
          + " having (k.state = 'reserved') <> (count(h.id) = 1) or count(h.id) > 1"));
  /** At most this many violating rows per invariant (per alliance, and over all of them). */
  private static final int ROWS = 20;

  private final Pool pool;

  public CouponInvariants(Pool pool) {
    this.pool = pool;
  }

  /**
   * A broken invariant and (up to 20 of) its violating rows. The rows are the check's own columns,
   * whatever they are, so they stay JSON: data to read, not an answer of the API.
   */
  public record Violation(String invariant, List<JsonObject> rows) {
  }

  /**
   * Every broken invariant in any alliance, in the order of the checks, empty when all hold: the
   * checks run alliance after alliance, each invariant's rows merged (the first ones, up to the limit).
   */
  public Future<List<Violation>> violations() {
    return EachAlliance.inTurn(pool, this::violations).map(perAlliance -> {
      List<Violation> broken = new ArrayList<>();
      for (Check check : CHECKS) {
        List<JsonObject> rows = new ArrayList<>();
        for (List<Violation> found : perAlliance) {
          found.stream().filter(v -> v.invariant().equals(check.name())).forEach(v -> rows.addAll(v.rows()));
        }
        if (!rows.isEmpty()) {
          broken.add(new Violation(check.name(), List.copyOf(rows.subList(0, Math.min(ROWS, rows.size())))));
        }
      }
      return broken;
    });
  }

  /** Every broken invariant of one alliance, in the order of the checks; empty when all hold. */
  public Future<List<Violation>> violations(long allianceId) {
    List<Future<List<JsonObject>>> found = new ArrayList<>();
    for (Check check : CHECKS) {
      found.add(pool.preparedQuery(check.sql() + " limit " + ROWS).execute(Tuple.of(allianceId)).map(rows -> {
        List<JsonObject> out = new ArrayList<>();
        for (Row row : rows) {
          out.add(row.toJson());
        }
        return out;
      }));
    }
    return Future.all(found).map(v -> {
      List<Violation> broken = new ArrayList<>();
      for (int i = 0; i < CHECKS.size(); i++) {
        if (!found.get(i).result().isEmpty()) {
          broken.add(new Violation(CHECKS.get(i).name(), List.copyOf(found.get(i).result())));
        }
      }
      return broken;
    });
  }
}
