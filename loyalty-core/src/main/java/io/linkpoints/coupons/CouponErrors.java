package io.linkpoints.coupons;

import io.linkpoints.web.ApiException;

/**
 * The stable refusals of coupons. Refusals about the state of things are 409, unknown codes and
 * campaigns 404; the codes are part of the API: never rename one.
 */
final class CouponErrors {
  private CouponErrors() {
  }

  static ApiException of(String code, String message) {
    int status = switch (code) {
      case "coupon_invalid", "campaign_not_found", "hold_not_found", "claim_code_invalid" -> 404;
      case "not_a_participant", "shop_suspended" -> 403;
      default -> 409;
    };
    return new ApiException(status, code, message);
  }

  static ApiException notValidHere() {
    return of("coupon_not_valid_here", "this coupon is not honoured at this shop");
  }

  static ApiException invalid() {
    return of("coupon_invalid", "no such coupon");
  }

  static ApiException campaignNotFound() {
    return of("campaign_not_found", "no such campaign here");
  }

  /** As the access gate and shop codes say it: a shop this campaign needs is suspended. */
  static ApiException backerSuspended() {
    return of("shop_suspended", "a shop that issues or funds this campaign is suspended by the alliance");
  }

  static ApiException notLive(String status) {
    return "awaiting_consent".equals(status)
        ? of("consent_required", "the campaign waits for a named shop's owner to accept it")
        : of("campaign_not_live", "the campaign is " + status + " or outside its window");
  }
}
