package io.linkpoints.member;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** HTTP for the member's own activity ({@link MemberActivity}): the member comes from the token. */
public final class MemberActivityRoutes implements ApiRoutes {
  private final MemberActivity activity;

  public MemberActivityRoutes(Pool pool, Clock clock) {
    this.activity = new MemberActivity(pool, clock);
  }

  @Override
  public void mount(RouterBuilder builder) {
    ApiRoutes.on(builder, "getMyActivity", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return activity.of(me.allianceId(), me.subjectId()).map(MemberActivityRoutes::summary);
    }));
  }

  private static JsonObject summary(MemberActivity.Summary s) {
    JsonArray history = new JsonArray();
    for (MemberActivity.HistoryLine h : s.history()) {
      history.add(new JsonObject().put("seq", h.seq()).put("points", h.points()).put("code", h.code())
          .put("counterparty", h.counterparty()).put("shopId", h.shopId()).put("shopName", h.shopName())
          .put("at", h.at().toString()));
    }
    JsonArray expiring = new JsonArray();
    for (MemberActivity.ExpiringPoints e : s.expiring()) {
      expiring.add(new JsonObject().put("expiresAt", e.expiresAt().toString()).put("points", e.points()));
    }
    JsonArray debts = new JsonArray();
    for (MemberActivity.Debt d : s.debts()) {
      debts.add(new JsonObject().put("accrualId", d.accrualId().toString()).put("shopId", d.shopId())
          .put("shopName", d.shopName()).put("earnedPoints", d.earnedPoints()).put("earnedAt", d.earnedAt().toString())
          .put("shortfallPoints", d.shortfallPoints()).put("recoveredPoints", d.recoveredPoints())
          .put("owedPoints", d.owedPoints()));
    }
    return new JsonObject().put("history", history).put("expiringWithinDays", s.expiringWithinDays())
        .put("expiring", expiring).put("debts", debts);
  }
}
