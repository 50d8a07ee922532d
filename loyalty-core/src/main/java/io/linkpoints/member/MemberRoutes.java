package io.linkpoints.member;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.auth.TokenService;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** HTTP for members: ask for a code, sign in (joining the first time), and see one's own record. */
public final class MemberRoutes implements ApiRoutes {
  private final Members members;

  public MemberRoutes(Pool pool, Ledger ledger, TokenService tokens, SignInCodeSender codeSender, Clock clock) {
    this(pool, ledger, tokens, codeSender, clock, Members.JoinListener.NONE);
  }

  /** {@code onJoin}: told of each join (the welcome reward). */
  public MemberRoutes(Pool pool, Ledger ledger, TokenService tokens, SignInCodeSender codeSender, Clock clock,
      Members.JoinListener onJoin) {
    this.members = new Members(pool, ledger, tokens, codeSender, clock, onJoin);
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "requestMemberCode", JsonHandlers.reply(202, ctx ->
        members.requestSignInCode(Params.positiveLong(ctx, "allianceId"), JsonHandlers.body(ctx).getString("phone"))
            .map(MemberJson::signInCodeSent)));
    on(b, "memberSignIn", JsonHandlers.reply(200, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return members.signIn(Params.positiveLong(ctx, "allianceId"), body.getString("phone"), body.getString("code"))
          .map(MemberJson::signedIn);
    }));
    // A member's own data: the id comes from its token, never from the request.
    on(b, "getMe", JsonHandlers.reply(200, ctx -> members.me(Principal.of(ctx)).map(MemberJson::profile)));
  }
}
