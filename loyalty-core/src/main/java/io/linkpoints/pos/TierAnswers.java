package io.linkpoints.pos;

import io.linkpoints.tiers.MemberTiers;
import io.linkpoints.tiers.Tier;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's tier added to identify's and accrue's answers ({@code tiers.MemberTiers}). After a
 * sale the tier is evaluated first (an upgrade at once). A failure there must not fail the sale,
 * which has committed: it is logged, the answer carries the tier as it stands, and the daily
 * review catches up.
 */
final class TierAnswers {
  private static final Logger log = LoggerFactory.getLogger(TierAnswers.class);

  private final MemberTiers tiers;

  TierAnswers(MemberTiers tiers) {
    this.tiers = tiers;
  }

  /** An answer and the member's tier with it (empty: none). */
  record Tiered<T>(T answer, Optional<Tier> tier) {
  }

  /** The action, then the member's tier as it stands (identify). */
  <R, T> PosRoutes.Action<R, Tiered<T>> current(PosRoutes.Action<R, T> action, Function<T, String> handle) {
    return (c, key, request, rerun) -> action.apply(c, key, request, rerun)
        .compose(answer -> now(c, handle.apply(answer)).map(tier -> new Tiered<>(answer, tier)));
  }

  /** The action (a sale, committed when it answers), then the member's tier evaluated and answered. */
  <R, T> PosRoutes.Action<R, Tiered<T>> afterEarn(PosRoutes.Action<R, T> action, Function<T, String> handle) {
    return (c, key, request, rerun) -> action.apply(c, key, request, rerun).compose(answer -> {
      String member = handle.apply(answer);
      return tiers.afterEarn(c.allianceId(), member)
          .recover(err -> {
            log.warn("Tier evaluation after a sale failed (the daily review catches up): {}", err.toString());
            return now(c, member);
          })
          .map(tier -> new Tiered<>(answer, tier));
    });
  }

  private Future<Optional<Tier>> now(Caller c, String handle) {
    return tiers.currentByHandle(c.allianceId(), handle).recover(err -> {
      log.warn("Reading a member's tier failed; answered without it: {}", err.toString());
      return Future.succeededFuture(Optional.empty());
    });
  }
}
