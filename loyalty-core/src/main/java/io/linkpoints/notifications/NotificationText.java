package io.linkpoints.notifications;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What each kind of notification says, rendered on the server when the inbox row is written, in
 * both languages (the wallet shows the member's; a push carries both and the service worker picks
 * one): so the inbox, the push and an SMS say the same, and an old row keeps the words it was sent
 * with. Each kind belongs to one group, the unit a member turns on or off.
 */
public final class NotificationText {
  /** The groups a member chooses among, as the settings name them. */
  public enum Group {
    EXPIRY_REMINDERS("expiry_reminders", "expiryReminders", true),
    POINTS_ACTIVITY("points_activity", "pointsActivity", true),
    COUPONS("coupons", "coupons", true),
    TIERS_AND_REWARDS("tiers_and_rewards", "tiersAndRewards", true),
    MARKETING("marketing", "marketing", false);

    public final String column;
    public final String json;
    public final boolean onByDefault;

    Group(String column, String json, boolean onByDefault) {
      this.column = column;
      this.json = json;
      this.onByDefault = onByDefault;
    }
  }

  /** Rendered words. */
  public record Text(String titleZh, String bodyZh, String titleEn, String bodyEn) {
  }

  /** Every kind the service tells a member about, and its group. */
  public static final Map<String, Group> KINDS = Map.ofEntries(
      Map.entry("points_expiring", Group.EXPIRY_REMINDERS),
      Map.entry("shop_exit", Group.EXPIRY_REMINDERS),
      Map.entry("points_earned", Group.POINTS_ACTIVITY),
      Map.entry("points_redeemed", Group.POINTS_ACTIVITY),
      Map.entry("points_refunded", Group.POINTS_ACTIVITY),
      Map.entry("shop_code_claimed", Group.POINTS_ACTIVITY),
      Map.entry("coupon_issued", Group.COUPONS),
      Map.entry("coupon_expiring", Group.COUPONS),
      Map.entry("coupon_redeemed", Group.COUPONS),
      Map.entry("tier_changed", Group.TIERS_AND_REWARDS),
      Map.entry("reward_granted", Group.TIERS_AND_REWARDS),
      Map.entry("passport_completed", Group.TIERS_AND_REWARDS),
      Map.entry("marketing", Group.MARKETING));

  private NotificationText() {
  }

  /** The group of {@code kind}; an unknown kind is a programming error of the caller. */
  public static Group group(String kind) {
    Group g = KINDS.get(kind);
    if (g == null) {
      throw new IllegalArgumentException("unknown notification kind " + kind);
    }
    return g;
  }

  /** The words for {@code kind} with {@code data}; fields a kind reads are named in docs/notifications.md. */
  public static Text render(String kind, JsonObject data) {
    long points = data.getLong("points", 0L);
    String shop = data.getString("shopName", "");
    String date = data.getString("expiresOn", "");
    String coupon = data.getString("couponTitle", "");
    return switch (group(kind) == Group.MARKETING ? "marketing" : kind) {
      case "points_expiring" -> new Text(
          points + " 积分即将过期",
          "您有 " + points + " 积分将于 " + date + " 过期（" + data.getInteger("thresholdDays", 0) + " 天内），请尽快使用。",
          points + " points expire soon",
          points + " of your points expire on " + date + " (within " + data.getInteger("thresholdDays", 0)
              + " days). Use them before then.");
      case "shop_exit" -> new Text(shop + "即将退出联盟",
          shop + "将于 " + date + " 退出联盟，您在该店获得的 " + points + " 积分将于当天过期，请在此之前到联盟任一商户使用。",
          shop + " is leaving the alliance",
          shop + " leaves the alliance on " + date + ": the " + points + " points you earned there expire that day."
              + " Spend them at any shop of the alliance before then.");
      case "points_earned" -> new Text("获得 " + points + " 积分", "您在" + shop + "获得 " + points + " 积分。",
          "You earned " + points + " points", "You earned " + points + " points at " + shop + ".");
      case "points_redeemed" -> new Text("使用了 " + points + " 积分", "您在" + shop + "使用了 " + points + " 积分。",
          "You used " + points + " points", "You used " + points + " points at " + shop + ".");
      case "points_refunded" -> new Text("积分已退回", shop + "的退款调整了 " + points + " 积分。",
          "Points adjusted for a refund", "A refund at " + shop + " adjusted " + points + " points.");
      case "shop_code_claimed" -> new Text("获得 " + points + " 积分", "您扫描" + shop + "的店码获得 " + points + " 积分。",
          "You earned " + points + " points", "You claimed " + points + " points with " + shop + "'s code.");
      case "coupon_issued" -> new Text("您获得一张优惠券", coupon, "You got a coupon", coupon);
      case "coupon_expiring" -> new Text("优惠券即将过期", coupon + "将于 " + date + " 过期。",
          "A coupon expires soon", coupon + " expires on " + date + ".");
      case "coupon_redeemed" -> new Text("优惠券已使用", coupon + "已在" + shop + "使用。",
          "Coupon used", coupon + " was used at " + shop + ".");
      case "tier_changed" -> new Text("会员等级变更", "您的会员等级现在是" + data.getString("levelNameZh", "") + "。",
          "Your tier changed", "Your tier is now " + data.getString("levelNameEn", "") + ".");
      case "reward_granted" -> new Text("您获得奖励 " + points + " 积分", "奖励 " + points + " 积分已存入您的钱包。",
          "You got " + points + " bonus points", points + " reward points are in your wallet.");
      case "passport_completed" -> new Text("集章完成", "您集齐了" + data.getString("passportNameZh", "") + "，奖励 "
          + points + " 积分已存入您的钱包。", "Passport completed", "You completed "
          + data.getString("passportNameEn", "") + ": " + points + " reward points are in your wallet.");
      default -> new Text(data.getString("titleZh", "联盟消息"), data.getString("bodyZh", ""),
          data.getString("titleEn", "News from the alliance"), data.getString("bodyEn", ""));
    };
  }
}
