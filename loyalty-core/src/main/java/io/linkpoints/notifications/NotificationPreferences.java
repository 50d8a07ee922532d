package io.linkpoints.notifications;

import io.linkpoints.notifications.NotificationText.Group;
import java.util.EnumMap;
import java.util.Map;

/**
 * A member's choices: each group on or off, everything off ({@code allOff}), and the channels
 * besides the inbox (push, SMS). The defaults, for a member who never chose: every group on but
 * marketing (PIPL: marketing needs the member's own yes), push on (a subscription is itself the
 * member's yes to the browser's permission prompt), SMS off.
 *
 * <p>What reaches whom: a group turned off, or {@code allOff}, sends nothing by push or SMS. The
 * inbox, a page the member opens, keeps recording the member's own account events (points, coupons,
 * tiers, expiry) so the history stays whole; marketing is not recorded at all unless its group is
 * on and {@code allOff} is not set — no marketing message is kept for a member who did not agree.
 */
public record NotificationPreferences(Map<Group, Boolean> groups, boolean allOff, boolean push, boolean sms) {
  public NotificationPreferences {
    groups = Map.copyOf(groups);
  }

  public static NotificationPreferences defaults() {
    Map<Group, Boolean> on = new EnumMap<>(Group.class);
    for (Group g : Group.values()) {
      on.put(g, g.onByDefault);
    }
    return new NotificationPreferences(on, false, true, false);
  }

  public boolean on(Group g) {
    return !allOff && groups.getOrDefault(g, g.onByDefault);
  }

  /** Whether the inbox records a notification of group {@code g} (see the class comment). */
  public boolean inbox(Group g) {
    return g != Group.MARKETING || on(g);
  }

  public boolean sendsPush(Group g) {
    return push && on(g);
  }

  public boolean sendsSms(Group g) {
    return sms && on(g);
  }
}
