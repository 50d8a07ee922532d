package io.linkpoints.bench;

import io.linkpoints.ledger.TransferCommand;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the members do. Earns are larger than redemptions, so wallets grow and a redemption
 * (almost) never lacks points: the benchmark measures the writer, not refusals.
 */
enum TransferMix {
  /** 70% earn at a random shop, 30% redeem at a random shop. */
  UNIFORM(0.30, false),
  /** 55% redeem at shop 0, 45% earn at a random shop: most transfers credit one account. */
  HOT(0.55, true);

  private static final int EARN_MIN = 10;
  private static final int EARN_MAX = 100;
  private static final int REDEEM_MIN = 1;
  private static final int REDEEM_MAX = 10;

  private final double redeemShare;
  private final boolean redeemAtHotShop;

  TransferMix(double redeemShare, boolean redeemAtHotShop) {
    this.redeemShare = redeemShare;
    this.redeemAtHotShop = redeemAtHotShop;
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The next transfer, with a fresh id. Safe from any thread. */
  TransferCommand next(BenchAlliance alliance) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long member = alliance.members()[random.nextInt(alliance.members().length)];
    int shop = random.nextInt(alliance.shops());
    if (random.nextDouble() < redeemShare) {
      long acceptance = redeemAtHotShop ? alliance.hotAcceptance() : alliance.acceptance()[shop];
      return TransferCommand.transfer(alliance.id(), UUID.randomUUID(), member, acceptance,
          random.nextInt(REDEEM_MIN, REDEEM_MAX + 1), "redeem");
    }
    return TransferCommand.transfer(alliance.id(), UUID.randomUUID(), alliance.issuance()[shop], member,
        random.nextInt(EARN_MIN, EARN_MAX + 1), "earn");
  }
}
