package io.linkpoints.coupons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.linkpoints.web.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Benefits and funding splits in whole fen: exact, deterministic, never more than allowed. */
class CouponArithmeticTest {

  private static List<Long> amounts(long benefit, FundingSplit.Share... shares) {
    return FundingSplit.split(benefit, List.of(shares)).stream().map(FundingSplit.Part::amountFen).toList();
  }

  private static FundingSplit.Share share(long shop, int bps) {
    return new FundingSplit.Share(shop, bps);
  }

  @Test
  void oneFenSplitThreeWaysGoesToTheLargestRemainder() {
    assertEquals(List.of(1L, 0L, 0L), amounts(1, share(1, 3334), share(2, 3333), share(3, 3333)));
    assertEquals(List.of(0L, 0L, 1L), amounts(1, share(1, 3333), share(2, 3333), share(3, 3334)));
    // Equal remainders and equal shares: the lower shop id gets the fen, whatever the order given.
    assertEquals(List.of(0L, 1L), amounts(1, share(9, 5000), share(4, 5000)));
    assertEquals(List.of(1L, 1L, 0L), amounts(2, share(1, 3334), share(2, 3333), share(3, 3333)));
  }

  @Test
  void seventyThirtySplitsAddUp() {
    assertEquals(List.of(700L, 300L), amounts(1000, share(1, 7000), share(2, 3000)));
    // 499 * 0.7 = 349.3, * 0.3 = 149.7: the spare fen goes to the .7 remainder.
    assertEquals(List.of(349L, 150L), amounts(499, share(1, 7000), share(2, 3000)));
    assertEquals(List.of(0L, 0L), amounts(0, share(1, 7000), share(2, 3000)));
    assertEquals(List.of(12345L), amounts(12345, share(7, 10000)));
    assertEquals(List.of(0L, 5L), amounts(5, share(1, 0), share(2, 10000)));
  }

  @Test
  void everySplitSumsToTheBenefitAndStaysWithinOneFenOfItsShare() {
    Random random = new Random(42);
    for (int round = 0; round < 5_000; round++) {
      int n = 1 + random.nextInt(6);
      List<FundingSplit.Share> shares = new ArrayList<>();
      int left = FundingSplit.TOTAL_BPS;
      for (int i = 0; i < n; i++) {
        int bps = i == n - 1 ? left : random.nextInt(left + 1);
        shares.add(share(i + 1, bps));
        left -= bps;
      }
      long benefit = random.nextInt(4) == 0 ? random.nextInt(5) : random.nextLong(100_000_000L);
      List<FundingSplit.Part> parts = FundingSplit.split(benefit, shares);
      assertEquals(benefit, parts.stream().mapToLong(FundingSplit.Part::amountFen).sum(), shares + " of " + benefit);
      for (FundingSplit.Part p : parts) {
        long exactFloor = benefit * p.basisPoints() / FundingSplit.TOTAL_BPS;
        long diff = p.amountFen() - exactFloor;
        assertEquals(true, diff == 0 || diff == 1, p + " of " + benefit);
      }
    }
  }

  @Test
  void sharesMustSumToTenThousand() {
    assertThrows(IllegalArgumentException.class, () -> FundingSplit.split(10, List.of(share(1, 9999))));
    assertThrows(IllegalArgumentException.class, () -> FundingSplit.split(10, List.of()));
    assertThrows(IllegalArgumentException.class, () -> FundingSplit.split(-1, List.of(share(1, 10000))));
  }

  @Test
  void benefitsInWholeFen() {
    Benefit fixed = Benefit.fixedOff(1000);
    assertEquals(1000, fixed.discountFen(5000));
    assertEquals(800, fixed.discountFen(800), "never more than the spend");
    assertEquals(0, fixed.discountFen(0));

    Benefit percent = Benefit.percentOff(15, 1000);
    assertEquals(499, percent.discountFen(3333), "floor of 499.95");
    assertEquals(1000, percent.discountFen(100_000), "capped");
    assertEquals(0, percent.discountFen(6), "floor of 0.9");
    assertEquals(percent.discountFen(3333), percent.benefitFen(3333));

    Benefit gift = Benefit.gift("a cookie", 600);
    assertEquals(0, gift.discountFen(5000), "nothing comes off the bill");
    assertEquals(600, gift.benefitFen(5000), "the declared value is funded");
  }

  @Test
  void aCampaignBodysBenefitIsReadByItsKind() {
    assertEquals(Benefit.fixedOff(1000), CouponJson.givenBenefit(new JsonObject().put("kind", "fixed_off")
        .put("amountFen", 1000).put("percent", 15)), "only the fields of its kind");
    assertEquals(Benefit.percentOff(15, 1000), CouponJson.givenBenefit(new JsonObject().put("kind", "percent_off")
        .put("percent", 15).put("capFen", 1000)));
    assertEquals(Benefit.gift("a cookie", 600), CouponJson.givenBenefit(new JsonObject().put("kind", "gift")
        .put("giftName", "a cookie").put("valueFen", 600)));
    assertEquals("invalid_benefit", assertThrows(ApiException.class, () -> CouponJson.givenBenefit(new JsonObject()
        .put("kind", "percent_off").put("percent", 10))).code());
    assertEquals("invalid_benefit", assertThrows(ApiException.class, () -> CouponJson.givenBenefit(new JsonObject()
        .put("kind", "cashback"))).code());
  }
}
