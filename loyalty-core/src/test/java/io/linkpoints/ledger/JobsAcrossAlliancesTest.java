package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ledger's jobs and its invariant check work alliance by alliance (every statement pins one):
 * one run reaches every alliance, each with its own limit, so a busy alliance does not hold back
 * the others, and the check over all alliances sees a break in any of them.
 */
@ExtendWith(VertxExtension.class)
class JobsAcrossAlliancesTest {
  private MutableClock clock;
  private LedgerFixture fx;
  private final Side busy = new Side();
  private final Side quiet = new Side();

  /** One alliance's shop and member. */
  private static final class Side {
    long alliance;
    long issuance;
    long acceptance;
    long member;
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = new MutableClock(Instant.parse("2026-03-15T04:00:00Z"));
    fx = new LedgerFixture(vertx, clock);
    open(busy, "Busy street");
    open(quiet, "Quiet lane");
  }

  private void open(Side side, String name) {
    side.alliance = fx.alliance(name);
    side.issuance = fx.open(side.alliance, AccountKind.MERCHANT_ISSUANCE, 1).id();
    side.acceptance = fx.open(side.alliance, AccountKind.MERCHANT_ACCEPTANCE, 1).id();
    side.member = fx.open(side.alliance, AccountKind.MEMBER_WALLET, 100).id();
  }

  @AfterEach
  void checkInvariantsAndClose() {
    fx.assertInvariants();
    fx.close();
  }

  private void earn(Side side, long points) {
    await(fx.ledger.transfer(side.alliance, UUID.randomUUID(), side.issuance, side.member, points, "earn"));
  }

  private void hold(Side side, long points) {
    await(fx.ledger.submit(TransferCommand.hold(side.alliance, UUID.randomUUID(), side.member, side.acceptance,
        points, "redeem", 30)));
  }

  @Test
  void holdTimeoutsReachEveryAllianceWithItsOwnLimit() {
    earn(busy, 100);
    earn(quiet, 100);
    // The busy alliance's holds are due first: one limit over all alliances would void only them.
    for (int i = 0; i < 3; i++) {
      hold(busy, 10);
    }
    clock.advance(Duration.ofSeconds(1));
    hold(quiet, 10);
    clock.advance(Duration.ofSeconds(31));

    HoldTimeouts timeouts = new HoldTimeouts(fx.ledger, clock);
    assertEquals(2, await(timeouts.runOnce(1)), "one hold of each alliance per run");
    assertEquals(100, fx.available(quiet.alliance, quiet.member), "the quiet alliance's hold went back at once");
    assertEquals(80, fx.available(busy.alliance, busy.member));
    assertEquals(2, await(timeouts.runOnce(10)));
    assertEquals(0, await(timeouts.runOnce(10)));
    assertEquals(100, fx.available(busy.alliance, busy.member));
  }

  @Test
  void lotExpiryReachesEveryAllianceWithItsOwnLimit() {
    long busyWallet2 = fx.open(busy.alliance, AccountKind.MEMBER_WALLET, 101).id();
    earn(busy, 30);
    await(fx.ledger.transfer(busy.alliance, UUID.randomUUID(), busy.issuance, busyWallet2, 40, "earn"));
    earn(quiet, 50);
    clock.set(Instant.parse("2030-01-01T00:00:00Z"));

    LotExpiry expiry = new LotExpiry(fx.ledger, clock);
    long first = await(expiry.runOnce(1));
    assertEquals(0, fx.available(quiet.alliance, quiet.member), "the quiet alliance's wallet expired in the first run");
    assertTrue(first == 50 + 30 || first == 50 + 40, "one wallet of each alliance per run: " + first);
    assertEquals(50 + 30 + 40 - first, await(expiry.runOnce(1)));
    assertEquals(0, await(expiry.runOnce(1)));
    assertEquals(0, fx.available(busy.alliance, busy.member) + fx.available(busy.alliance, busyWallet2));
  }

  @Test
  void theCheckOverAllAlliancesSeesABreakInAnyOfThem() {
    earn(busy, 10);
    earn(quiet, 10);
    assertTrue(await(new InvariantCheck(fx.pool).run(null)).ok());
    tamper(quiet, +5);
    try {
      InvariantReport all = await(new InvariantCheck(fx.pool).run(null));
      assertFalse(all.ok());
      assertEquals(null, all.allianceId());
      assertEquals(10, all.findings().size(), "every invariant is checked");
      List<Map<String, Object>> unbalanced = all.findings().stream().filter(f -> f.name().equals("balanced"))
          .findFirst().orElseThrow().violations();
      assertEquals(List.of(quiet.alliance), unbalanced.stream().map(v -> ((Number) v.get("alliance_id")).longValue())
          .toList(), "the broken alliance is named, the whole one is not");
      assertTrue(await(new InvariantCheck(fx.pool).run(busy.alliance)).ok());
      assertFalse(await(new InvariantCheck(fx.pool).run(quiet.alliance)).ok());

      // Both broken: one report naming both, each check's rows merged.
      tamper(busy, +5);
      InvariantReport both = await(new InvariantCheck(fx.pool).run(null));
      assertEquals(2, both.findings().stream().filter(f -> f.name().equals("balanced"))
          .findFirst().orElseThrow().violations().size(), both.summary());
      tamper(busy, -5);
    } finally {
      tamper(quiet, -5);
    }
  }

  private void tamper(Side side, long points) {
    await(fx.pool.query("/* test */ update ledger_account set credits_posted = credits_posted + " + points
        + " where alliance_id = " + side.alliance + " and id = " + side.member).execute());
  }
}
