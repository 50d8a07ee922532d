package io.linkpoints.coupons;

import static io.linkpoints.testing.Await.await;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An alliance on a fresh real database with the coupon services over its real ledger, plus a
 * second service instance (own pool, own ledger writer) on the same database, as two processes
 * would be. Shops and members are plain rows, as the access layer would have made them.
 * {@link #CouponWorld(CouponWorld, String)} adds another alliance to the same database and services.
 */
final class CouponWorld implements AutoCloseable {
  final MutableClock clock;
  final LedgerFixture fx;
  final LedgerFixture fx2;
  final Coupons coupons;
  final Coupons coupons2;
  final long alliance;
  /** Whether this world made the database and instances, and so closes them. */
  private final boolean owner;

  CouponWorld(Vertx vertx) {
    clock = new MutableClock(Instant.parse("2026-06-01T04:00:00Z"));
    owner = true;
    fx = new LedgerFixture(vertx, clock);
    fx2 = fx.secondInstance(clock);
    coupons = Coupons.create(fx.pool, fx.ledger, clock);
    coupons2 = Coupons.create(fx2.pool, fx2.ledger, clock);
    alliance = fx.alliance("Riverside");
  }

  /** Another alliance on {@code first}'s database, clock and service instances; {@code first} closes them. */
  CouponWorld(CouponWorld first, String name) {
    clock = first.clock;
    owner = false;
    fx = first.fx;
    fx2 = first.fx2;
    coupons = first.coupons;
    coupons2 = first.coupons2;
    alliance = fx.alliance(name);
  }

  long shop(String name) {
    long id = await(fx.pool.preparedQuery("/* test */ insert into shop (alliance_id, name) values ($1, $2) returning id")
        .execute(Tuple.of(alliance, name))).iterator().next().getLong(0);
    fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, id);
    fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, id);
    return id;
  }

  /** {@code n} members with wallets. */
  List<Long> members(int n) {
    List<Long> ids = new ArrayList<>();
    for (Row r : await(fx.pool.preparedQuery("/* test */ insert into member (alliance_id, phone, handle)"
        + " select $1, '+86' || (13000000000 + g + $2)::text, md5(random()::text || g) from generate_series(1, $3) g"
        + " returning id").execute(Tuple.of(alliance, (long) (Math.random() * 1_000_000_000L), n)))) {
      ids.add(r.getLong(0));
    }
    for (long id : ids) {
      fx.open(alliance, AccountKind.MEMBER_WALLET, id);
    }
    return ids;
  }

  long member() {
    return members(1).get(0);
  }

  /** The member earns points at the shop, as an accrual would credit them. */
  void earn(long shop, long member, long points) {
    long issuance = fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, shop).id();
    long wallet = fx.open(alliance, AccountKind.MEMBER_WALLET, member).id();
    await(fx.ledger.transfer(alliance, UUID.randomUUID(), issuance, wallet, points, "earn"));
  }

  long wallet(long member) {
    return fx.available(alliance, fx.open(alliance, AccountKind.MEMBER_WALLET, member).id());
  }

  long escrowCredits() {
    return fx.open(alliance, AccountKind.COUPON_ESCROW, 0).creditsPosted();
  }

  /** A campaign body: 10 yuan off, valid from an hour ago for 30 days, 100 coupons, 1 per member. */
  JsonObject body() {
    return new JsonObject().put("name", "ten off").put("benefit", new JsonObject().put("kind", "fixed_off")
            .put("amountFen", 1000))
        .put("validFrom", clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 100).put("perMemberLimit", 1);
  }

  /** Creates the campaign a createCampaign body describes, read as the route reads it. */
  Campaign create(long creatorShop, JsonObject body) {
    return await(coupons.campaigns().create(alliance, creatorShop, CouponJson.draft(body)));
  }

  long count(String sql, Object... args) {
    return await(fx.pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  /** Fails the test, naming every broken coupon invariant, unless all hold. */
  static void assertCouponInvariants(io.vertx.sqlclient.Pool pool) {
    List<CouponInvariants.Violation> broken = await(new CouponInvariants(pool).violations());
    org.junit.jupiter.api.Assertions.assertTrue(broken.isEmpty(), "coupon invariants broken: " + broken);
  }

  @Override
  public void close() {
    if (!owner) {
      return;
    }
    try {
      fx.assertInvariants();
      assertCouponInvariants(fx.pool);
    } finally {
      fx2.close();
      fx.close();
    }
  }
}
