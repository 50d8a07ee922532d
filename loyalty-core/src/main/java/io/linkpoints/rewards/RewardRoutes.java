package io.linkpoints.rewards;

import io.linkpoints.auth.Principal;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * HTTP for rewards: the alliance's rules (read by admin and owners, replaced by the admin), a
 * shop's consent to pay for shop-funded rewards (its owner or the admin), the member's birthday
 * (set once by the member, changed by the admin) and the member's rewards.
 */
public final class RewardRoutes implements ApiRoutes {
  private final RewardRules rules;
  private final Birthdays birthdays;
  private final MemberRewards memberRewards;

  public RewardRoutes(Pool pool, Ledger ledger, Clock clock) {
    this.rules = new RewardRules(pool, clock);
    this.birthdays = new Birthdays(pool, new RewardGrants(pool, ledger, clock), clock);
    this.memberRewards = new MemberRewards(pool);
  }

  @Override
  public void mount(RouterBuilder b) {
    ApiRoutes.on(b, "getRewards", JsonHandlers.reply(200, ctx ->
        rules.get(Params.positiveLong(ctx, "allianceId")).map(RewardJson::settings)));
    ApiRoutes.on(b, "putRewards", JsonHandlers.reply(200, ctx -> rules.put(Params.positiveLong(ctx, "allianceId"),
        RewardJson.rules(JsonHandlers.body(ctx))).map(RewardJson::settings)));
    ApiRoutes.on(b, "putRewardsOptIn", JsonHandlers.reply(200, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return rules.optIn(Params.positiveLong(ctx, "allianceId"), Params.positiveLong(ctx, "shopId"),
          body.getBoolean("welcome"), body.getBoolean("birthday")).map(RewardJson::optIn);
    }));
    ApiRoutes.on(b, "putMemberBirthday", JsonHandlers.reply(200, ctx -> birthdays.change(Principal.of(ctx),
        Params.positiveLong(ctx, "memberId"), RewardJson.birthday(JsonHandlers.body(ctx))).map(RewardJson::birthday)));
    // The member's own: the id comes from its token, never from the request.
    ApiRoutes.on(b, "setMyBirthday", JsonHandlers.reply(200, ctx -> birthdays.setOwn(Principal.of(ctx),
        RewardJson.birthday(JsonHandlers.body(ctx))).map(RewardJson::birthday)));
    ApiRoutes.on(b, "getMyRewards", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return memberRewards.of(me.allianceId(), me.subjectId()).map(RewardJson::view);
    }));
  }
}
