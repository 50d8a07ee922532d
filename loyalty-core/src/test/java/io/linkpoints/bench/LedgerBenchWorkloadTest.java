package io.linkpoints.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LedgerFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The benchmark's workload, tiny and short, against the test database: it runs, and the ledger stays whole. */
@ExtendWith(VertxExtension.class)
class LedgerBenchWorkloadTest {
  private static final Duration WARMUP = Duration.ofMillis(300);
  private static final Duration WINDOW = Duration.ofSeconds(1);

  private LedgerFixture fx;
  private BenchAlliance alliance;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new LedgerFixture(vertx, Clock.systemUTC());
    alliance = BenchAlliance.seed(fx.ledger, 4, 300, 64);
  }

  @AfterEach
  void checkInvariantsAndClose() {
    fx.assertInvariants();
    fx.close();
  }

  @Test
  void seedingOpensEveryAccountAndFundsEveryMember() {
    assertEquals(4, alliance.shops());
    assertEquals(300, alliance.members().length);
    for (long member : alliance.members()) {
      assertEquals(BenchAlliance.STARTING_POINTS, fx.available(alliance.id(), member));
    }
  }

  @Test
  void uniformMixMovesPointsWithoutRefusals() {
    Phase phase = Phase.run(fx.ledger, alliance, TransferMix.UNIFORM, 64, WARMUP, WINDOW);
    assertTrue(phase.counts().transfers() > 0, "no transfers in the window");
    assertEquals(0, phase.counts().refused(), () -> "refusals: " + phase.counts().refusals());
    assertEquals(0, phase.counts().failed());
    assertTrue(phase.batches() > 0 && phase.meanBatch() >= 1);
  }

  @Test
  void hotMixCreditsTheHotShopInAtLeastHalfOfAllTransfers() {
    Phase phase = Phase.run(fx.ledger, alliance, TransferMix.HOT, 64, WARMUP, WINDOW);
    assertTrue(phase.counts().transfers() > 0, "no transfers in the window");
    assertEquals(0, phase.counts().refused(), () -> "refusals: " + phase.counts().refusals());
    assertTrue(phase.hotShare() >= 0.5, "hot share " + phase.hotShare());
  }
}
